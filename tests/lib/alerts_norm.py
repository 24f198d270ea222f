#!/usr/bin/env python3
"""tests/lib/alerts_norm.py - JSON alerts (one per line) in a form two runs
can be compared by: each alert with its keys sorted and its uuid left out,
one per line, in file order. --rules-only leaves out the core's own
`internal` alerts (drops, metrics), which depend on timing, not on events.

    alerts_norm.py [--rules-only] ALERTS.json >ALERTS.norm
"""
import json
import sys

args = sys.argv[1:]
rules_only = args[:1] == ["--rules-only"]
if rules_only:
    args = args[1:]
with open(args[0]) as f:
    for line in f:
        a = json.loads(line)
        if rules_only and a.get("source") == "internal":
            continue
        a.pop("uuid", None)
        print(json.dumps(a, sort_keys=True))
