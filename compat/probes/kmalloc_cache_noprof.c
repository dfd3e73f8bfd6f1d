// SPDX-License-Identifier: GPL-2.0
/*
 * FTIO_HAVE_KMALLOC_CACHE_NOPROF: kmalloc() of a constant size calls
 * __kmalloc_cache_noprof() with its size class's cache (6.10+; before,
 * kmalloc_trace()).
 */
#include <linux/slab.h>

void *probe(struct kmem_cache *s, gfp_t flags, size_t size);
void *probe(struct kmem_cache *s, gfp_t flags, size_t size)
{
	return __kmalloc_cache_noprof(s, flags, size);
}
