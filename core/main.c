/* core/main.c - placeholder main until the command line lands. */
#include "config.h"

int main(void)
{
	return 0;
}
