// SPDX-License-Identifier: GPL-2.0
/* Must always compile: proves that KDIR can build modules at all. */
#include <linux/module.h>

int probe(void);
int probe(void)
{
	return 0;
}
