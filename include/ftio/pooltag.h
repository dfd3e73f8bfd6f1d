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
 *
 * ftio_pool_alloc() and ftio_pool_free() are inline: each call site keeps
 * the tag it found the first time, so that with no control on anywhere
 * an allocation costs kmalloc() plus one per-CPU add, and a free kfree()
 * plus one, as long as the tag's allocations all fall in one kmalloc
 * size class (a free otherwise asks the allocator for the size).
 */
#ifndef _FTIO_POOLTAG_H
#define _FTIO_POOLTAG_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/percpu.h>
#include <linux/jump_label.h>
#include <linux/slab.h>
#include <linux/types.h>

struct module;

/**
 * struct ftio_pool_pcpu - a tag's counters on one CPU (internal)
 * @allocs: allocations
 * @frees: frees
 * @bytes_alloc: bytes allocated
 * @bytes_freed: bytes freed
 * @failures: allocations that failed
 * @class_allocs: allocations of the tag's one size class made inline,
 *	not in @allocs and @bytes_alloc (one add instead of two)
 * @class_frees: frees of such, likewise
 *
 * Only the CPU itself writes them; readers sum all CPUs.
 */
struct ftio_pool_pcpu {
	u64 allocs;
	u64 frees;
	u64 bytes_alloc;
	u64 bytes_freed;
	u64 failures;
	u64 class_allocs;
	u64 class_frees;
};

/* @sizes of a tag whose allocations used more than one size class. */
#define FTIO_POOL_SIZES_MIXED	(~0ULL)

/**
 * struct ftio_pool_tag_hot - what the inline fast paths read of a tag
 * @tag: the four characters
 * @flags: non-zero while a control (quota, special pool, failure
 *	simulation, tracking) is on; ftio_pool_controls is on then, and
 *	every allocation and free goes through ftio_pooltag itself
 * @sizes: 0 before the tag's first kmalloc allocation; then the size
 *	class all its allocations had (low 32 bits) and the smallest request
 *	that class serves (high 32 bits); FTIO_POOL_SIZES_MIXED for ever once
 *	a second class was used
 * @pcpu: the per-CPU counters
 *
 * Internal to ftio_pooltag, which keeps the tag's first members in this
 * layout; users of the API never touch it.
 */
struct ftio_pool_tag_hot {
	u32 tag;
	u32 flags;
	u64 sizes;
	struct ftio_pool_pcpu __percpu *pcpu;
};

/**
 * struct ftio_pool_site - the tag an allocation or free site found last
 * @tag: NULL until the first call (internal)
 */
struct ftio_pool_site {
	struct ftio_pool_tag_hot *tag;
};

/* Allocations that have a record (tracking, special pool): frees look. */
extern atomic_long_t ftio_pool_records;
/* On while any tag has a control on: the inline paths then step aside. */
DECLARE_STATIC_KEY_FALSE(ftio_pool_controls);

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

void *__ftio_pool_alloc_site(struct ftio_pool_site *site, size_t size,
			     gfp_t gfp, u32 tag, struct module *owner);
void __ftio_pool_free_site(struct ftio_pool_site *site, const void *ptr,
			   u32 tag);

/*
 * The site's tag, if it is @tag. Even a constant tag is compared: a
 * site in an inline helper is shared by all the helper's callers.
 */
static __always_inline struct ftio_pool_tag_hot *
ftio_pool_site_tag(struct ftio_pool_site *site, u32 tag)
{
	struct ftio_pool_tag_hot *t = READ_ONCE(site->tag);

	if (likely(t && t->tag == tag))
		return t;
	return NULL;
}

/* The fast path of ftio_pool_alloc(); anything unusual goes out of line. */
static __always_inline void *ftio_pool_alloc_at(struct ftio_pool_site *site,
						size_t size, gfp_t gfp, u32 tag,
						struct module *owner)
{
	struct ftio_pool_tag_hot *t;

	if (!static_branch_unlikely(&ftio_pool_controls)) {
		t = ftio_pool_site_tag(site, tag);
		if (likely(t)) {
			u64 sizes = READ_ONCE(t->sizes);
			u32 class = (u32)sizes;
			void *p;

			if (likely(size >= (sizes >> 32) && size <= class)) {
				p = kmalloc(class, gfp);
				if (likely(p)) {
					this_cpu_inc(t->pcpu->class_allocs);
					return p;
				}
			}
		}
	}
	return __ftio_pool_alloc_site(site, size, gfp, tag, owner);
}

/* The fast path of ftio_pool_free(). */
static __always_inline void ftio_pool_free_at(struct ftio_pool_site *site,
					      const void *ptr, u32 tag)
{
	struct ftio_pool_tag_hot *t;

	if (!static_branch_unlikely(&ftio_pool_controls) &&
	    likely(!atomic_long_read(&ftio_pool_records))) {
		t = ftio_pool_site_tag(site, tag);
		if (likely(t && !ZERO_OR_NULL_PTR(ptr))) {
			u64 sizes = READ_ONCE(t->sizes);

			if (likely(sizes && sizes != FTIO_POOL_SIZES_MIXED)) {
				kfree(ptr);
				this_cpu_inc(t->pcpu->class_frees);
				return;
			}
		}
	}
	__ftio_pool_free_site(site, ptr, tag);
}

/* Without a call site's cache (tests; an owner other than the caller). */
#define __ftio_pool_alloc(size, gfp, tag, owner) \
	__ftio_pool_alloc_site(NULL, size, gfp, tag, owner)

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
#define ftio_pool_alloc(size, gfp, tag) ({					\
	static struct ftio_pool_site __ftio_pool_site;				\
	ftio_pool_alloc_at(&__ftio_pool_site, size, gfp, tag, THIS_MODULE);	\
})

/**
 * ftio_pool_zalloc() - ftio_pool_alloc() of zeroed memory
 * @size: bytes wanted
 * @gfp: allocation flags
 * @tag: an FTIO_TAG()
 *
 * Return: the memory, or NULL.
 */
#define ftio_pool_zalloc(size, gfp, tag) \
	ftio_pool_alloc(size, (gfp) | __GFP_ZERO, tag)

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
#define ftio_pool_free(ptr, tag) do {					\
	static struct ftio_pool_site __ftio_pool_site;			\
	ftio_pool_free_at(&__ftio_pool_site, ptr, tag);			\
} while (0)

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
