// SPDX-License-Identifier: GPL-2.0
/*
 * FTIO_HAVE_KMALLOC_TYPE_CALLER: kmalloc_type() takes the caller, which
 * picks one of the random kmalloc caches (6.6+).
 */
#include <linux/slab.h>

int probe(gfp_t flags);
int probe(gfp_t flags)
{
	return kmalloc_type(flags, 0);
}
