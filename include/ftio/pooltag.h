/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ftio_pooltag: allocate kernel memory under a four-character tag, so
 * that an administrator sees at any moment which driver holds how much,
 * can cap it, catch overruns and leaks, and make one tag's allocations
 * fail on purpose (ftioctl pool show | top | set).
 *
 * Nothing to set up: a tag comes into being on its first allocation and
 * belongs to the module that made it. ftio_pool_tag_describe() adds a
 * description for the tools, as pooltag.txt does elsewhere.
 *
 *   #define MYDRV_TAG FTIO_TAG('M', 'y', 'd', 'r')
 *
 *   buf = ftio_pool_alloc(len, GFP_KERNEL, MYDRV_TAG);
 *   ...
 *   ftio_pool_free(buf, MYDRV_TAG);
 *
 * Memory comes from kmalloc (or, for a tag in the special pool, from
 * pages of its own with a guard page). Objects are aligned to at least
 * 8 bytes, and to their size for power-of-two sizes up to a page, as
 * kmalloc's are.
 */
#ifndef _FTIO_POOLTAG_H
#define _FTIO_POOLTAG_H

#include <linux/types.h>
#include <linux/gfp.h>

struct module;

/**
 * FTIO_TAG() - make a tag from four printable ASCII characters
 * @a: first character (as printed)
 * @b: second character
 * @c: third character
 * @d: fourth character
 *
 * The tag reads "abcd" in a memory dump, as Windows pool tags do.
 */
#define FTIO_TAG(a, b, c, d) \
	((u32)(u8)(a) | (u32)(u8)(b) << 8 | (u32)(u8)(c) << 16 | (u32)(u8)(d) << 24)

/**
 * ftio_pool_tag_valid() - is this a tag (four printable ASCII characters)?
 * @tag: the tag
 *
 * Return: true if each byte is in 0x20..0x7e.
 */
bool ftio_pool_tag_valid(u32 tag);

void *__ftio_pool_alloc(size_t size, gfp_t gfp, u32 tag, struct module *owner);

/**
 * ftio_pool_alloc() - allocate memory under a tag
 * @size: bytes wanted
 * @gfp: allocation flags, as for kmalloc()
 * @tag: an FTIO_TAG(); a tag that is not valid makes the allocation fail
 *
 * Accounted to @tag: allocations, live objects and bytes (the size the
 * allocator really hands out), peak and failures. The allocation fails
 * if it would take @tag over its quota, or if the tag's failure
 * simulation says so.
 *
 * Context: as kmalloc() with @gfp.
 * Return: the memory, or NULL.
 */
#define ftio_pool_alloc(size, gfp, tag) \
	__ftio_pool_alloc(size, gfp, tag, THIS_MODULE)

/**
 * ftio_pool_zalloc() - ftio_pool_alloc() of zeroed memory
 * @size: bytes wanted
 * @gfp: allocation flags
 * @tag: an FTIO_TAG()
 *
 * Return: the memory, or NULL.
 */
#define ftio_pool_zalloc(size, gfp, tag) \
	__ftio_pool_alloc(size, (gfp) | __GFP_ZERO, tag, THIS_MODULE)

/**
 * ftio_pool_free() - free memory from ftio_pool_alloc()
 * @ptr: the memory, or NULL
 * @tag: the tag it was allocated with
 *
 * With tracking on, a @tag that is not the allocation's is detected (a
 * pool-tag-mismatch event, a warning, and the bytes go back to the right
 * tag), and so is a pointer that ftio_pooltag never handed out (a
 * pool-bad-free event; the pointer is not freed).
 *
 * Context: as kfree().
 */
void ftio_pool_free(const void *ptr, u32 tag);

struct ftio_pool_cache;

struct ftio_pool_cache *__ftio_pool_cache_create(const char *name,
						 unsigned int size,
						 unsigned int align, u32 tag,
						 struct module *owner);

/**
 * ftio_pool_cache_create() - a cache of fixed-size objects under a tag
 * @name: name of the kmem_cache underneath (shown in /proc/slabinfo)
 * @size: object size
 * @align: alignment, 0 for the default
 * @tag: an FTIO_TAG()
 *
 * Context: process context.
 * Return: the cache, or NULL.
 */
#define ftio_pool_cache_create(name, size, align, tag) \
	__ftio_pool_cache_create(name, size, align, tag, THIS_MODULE)

/**
 * ftio_pool_cache_alloc() - allocate one object from a tagged cache
 * @cache: the cache
 * @gfp: allocation flags
 *
 * Accounted, limited and checked like ftio_pool_alloc().
 *
 * Return: the object, or NULL.
 */
void *ftio_pool_cache_alloc(struct ftio_pool_cache *cache, gfp_t gfp);

/**
 * ftio_pool_cache_free() - free an object of a tagged cache
 * @cache: the cache it came from
 * @obj: the object, or NULL
 */
void ftio_pool_cache_free(struct ftio_pool_cache *cache, void *obj);

/**
 * ftio_pool_cache_destroy() - destroy a tagged cache
 * @cache: the cache, with no object left, or NULL
 */
void ftio_pool_cache_destroy(struct ftio_pool_cache *cache);

int __ftio_pool_tag_describe(u32 tag, const char *desc, struct module *owner);

/**
 * ftio_pool_tag_describe() - give a tag a description for the tools
 * @tag: an FTIO_TAG()
 * @desc: what the tag's memory is for (truncated to 63 characters)
 *
 * Creates the tag if it does not exist yet and makes the calling module
 * its owner, whose unload then checks the tag for leaks.
 *
 * Context: process context.
 * Return: 0, -EINVAL for a bad tag, -ENOMEM.
 */
#define ftio_pool_tag_describe(tag, desc) \
	__ftio_pool_tag_describe(tag, desc, THIS_MODULE)

#endif /* _FTIO_POOLTAG_H */
