/* core/alert_fmt.c - placeholder until implemented. */
