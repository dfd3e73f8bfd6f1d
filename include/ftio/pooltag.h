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
 * an allocation costs kmalloc() (minus finding the cache from the size)
 * plus one per-CPU add, and a free kfree() plus one, as long as the
 * tag's allocations all
 * fall in one kmalloc size class of at most 8 KiB (otherwise they go
 * through ftio_pooltag, and a free asks the allocator for the size).
 */
#ifndef _FTIO_POOLTAG_H
#define _FTIO_POOLTAG_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/percpu.h>
#include <linux/jump_label.h>
#include <linux/tracepoint-defs.h>
#include <linux/slab.h>
#include <linux/types.h>

#include "generated/ftio_probes.h"	/* FTIO_HAVE_*, from compat/probes */

struct module;

/*
 * What kmalloc() of a constant @size does once it knows the size class's
 * cache @kc: the same exported entry, so that KASAN poisons past @size,
 * the kmalloc tracepoint fires and allocation profiling counts the caller.
 */
#ifdef FTIO_HAVE_KMALLOC_CACHE_NOPROF
#define ftio_kmalloc_cache(kc, gfp, size) \
	alloc_hooks(__kmalloc_cache_noprof(kc, gfp, size))
#else
#define ftio_kmalloc_cache(kc, gfp, size) kmalloc_trace(kc, gfp, size)
#endif

DECLARE_TRACEPOINT(kmalloc);

/*
 * An object of size class cache @kc for a request of @size bytes. Where
 * anyone could tell the request from the class (a KASAN kernel poisons
 * past the request; a kmalloc tracepoint being watched shows it), it is
 * kmalloc()'s own entry. Otherwise kmem_cache_alloc() of the same cache
 * gives the same object, about 1 % faster per pair under make bench.
 */
static __always_inline void *ftio_pool_class_alloc(struct kmem_cache *kc,
						   gfp_t gfp, size_t size)
{
	if (IS_ENABLED(CONFIG_KASAN) || tracepoint_enabled(kmalloc))
		return ftio_kmalloc_cache(kc, gfp, size);
	return kmem_cache_alloc(kc, gfp);
}

/**
 * struct ftio_pool_pcpu - a tag's counters on one CPU (internal)
 * @key: what the inline paths need to know of the tag, the same on every
 *	CPU (see FTIO_POOL_KEY())
 * @class_cache: the kmalloc cache of the tag's one size class, which the
 *	inline allocation hands to the allocator as kmalloc() of a constant
 *	size does; set before a key with a class is, never changed after
 * @class_allocs: allocations of the tag's one size class made inline,
 *	not in @allocs and @bytes_alloc (one add instead of two)
 * @failures: allocations that failed (next to @class_allocs: the inline
 *	path picks one of the two without a branch)
 * @class_frees: frees of objects of that size class made inline, likewise
 * @allocs: allocations
 * @frees: frees
 * @bytes_alloc: bytes allocated
 * @bytes_freed: bytes freed
 *
 * Only the CPU itself writes the counters; readers sum all CPUs. @key is
 * written by ftio_pooltag, for all CPUs at once, when the tag's first
 * allocation shows its size class and when a second class shows up.
 */
struct ftio_pool_pcpu {
	u64 key;
	struct kmem_cache *class_cache;
	u64 class_allocs;
	u64 failures;
	u64 class_frees;
	u64 allocs;
	u64 frees;
	u64 bytes_alloc;
	u64 bytes_freed;
};

/* From a tag's @class_allocs to its @failures, in counters. */
#define FTIO_POOL_FAIL_STEP \
	((offsetof(struct ftio_pool_pcpu, failures) - \
	  offsetof(struct ftio_pool_pcpu, class_allocs)) / sizeof(u64))

/*
 * The key: the tag (bits 0-31), the smallest request its one size class
 * serves (bits 32-47) and the number of request sizes that class serves
 * (bits 48-63). The last is 0, and every call goes out of line, before
 * the first allocation, once a second class was used, and for a class
 * that kmalloc serves from no cache of its own (above 8 KiB with SLUB),
 * or above FTIO_POOL_KEY_MAX_CLASS.
 */
#define FTIO_POOL_KEY(tag, low, span) \
	((u64)(tag) | (u64)(low) << 32 | (u64)(span) << 48)
#define FTIO_POOL_KEY_MAX_CLASS	32768

/* @sizes of a tag whose allocations used more than one size class. */
#define FTIO_POOL_SIZES_MIXED	(~0ULL)

struct ftio_pt_tag;

/**
 * struct ftio_pool_site - what an allocation or free site found last
 * @pcpu: the counters (and key) of the tag it used last; at first those
 *	of no tag, whose key matches none
 * @tag: that tag, for the out-of-line path; NULL at first
 *
 * Internal; the two may belong to different tags for a moment when
 * callers with different tags share a site (in an inline helper): the
 * inline path trusts only the key, the out-of-line path only @tag.
 */
struct ftio_pool_site {
	struct ftio_pool_pcpu __percpu *pcpu;
	struct ftio_pt_tag *tag;
};

/* The counters of no tag: a key that no call matches. */
DECLARE_PER_CPU(struct ftio_pool_pcpu, ftio_pool_nosite);
#define FTIO_POOL_SITE_INIT	{ .pcpu = &ftio_pool_nosite }

/*
 * On while any tag has a control on, or any allocation has a record
 * (tracking, special pool): the inline paths then step aside.
 */
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
 * Zero if @key is @tag's, else at least 2^32: below the key's span
 * (< 2^16) only when the tag matches. Even a constant tag is compared: a
 * site in an inline helper is shared by all the helper's callers.
 */
static __always_inline u64 ftio_pool_key_miss(u64 key, u32 tag)
{
	return (key ^ tag) << 32;
}

/*
 * The fast path of ftio_pool_alloc(): a request in the size class the
 * tag has always used, with nothing switched on, is kmalloc() and one
 * per-CPU add. Two loads (the site, this CPU's key) and one test decide;
 * anything unusual goes out of line, except that kmalloc has no memory:
 * that is counted as the tag's failure on the spot. The object is from
 * the class's cache whatever the flags, and accounted as the whole class.
 */
static __always_inline void *ftio_pool_alloc_at(struct ftio_pool_site *site,
						size_t size, gfp_t gfp, u32 tag,
						struct module *owner)
{
	if (!static_branch_unlikely(&ftio_pool_controls)) {
		struct ftio_pool_pcpu __percpu *pc = READ_ONCE(site->pcpu);
		u64 key = this_cpu_read(pc->key);
		u64 low = (key >> 32) & 0xffff;

		/* size in [low, low + span), and the tag's key */
		if (likely(((size - low) | ftio_pool_key_miss(key, tag)) <
			   key >> 48)) {
			unsigned long fail;
			void *p;

			/*
			 * kmalloc() with the size asked for, minus finding
			 * the cache from the size. Other cache types
			 * (reclaimable, DMA, accounted) are kmalloc()'s to
			 * find.
			 */
			if (likely(!(gfp & KMALLOC_NOT_NORMAL_BITS))) {
				struct kmem_cache *kc;

				/* pairs with smp_wmb() in ftio_pt_publish_key() */
				smp_rmb();
				kc = this_cpu_read(pc->class_cache);
				p = ftio_pool_class_alloc(kc, gfp, size);
			} else {
				p = kmalloc(size, gfp);
			}

			/*
			 * Counted without a branch: one, or (kmalloc has
			 * no memory) a failure.
			 */
			fail = !p;
			OPTIMIZER_HIDE_VAR(fail);
			this_cpu_inc(*(&pc->class_allocs + fail * FTIO_POOL_FAIL_STEP));
			return p;
		}
	}
	return __ftio_pool_alloc_site(site, size, gfp, tag, owner);
}

/*
 * The fast path of ftio_pool_free(): kfree() and one per-CPU add, when
 * the tag has one size class (and nothing is on: no record exists).
 * Two loads (the site, this CPU's key) and one test decide.
 */
static __always_inline void ftio_pool_free_at(struct ftio_pool_site *site,
					      const void *ptr, u32 tag)
{
	if (!static_branch_unlikely(&ftio_pool_controls)) {
		struct ftio_pool_pcpu __percpu *pc = READ_ONCE(site->pcpu);
		u64 key = this_cpu_read(pc->key);

		if (likely(ftio_pool_key_miss(key, tag) < key >> 48)) {
			/* kfree() ignores NULL and ZERO_SIZE_PTR; so does the count. */
			u64 freed = !ZERO_OR_NULL_PTR(ptr);

			/*
			 * Counted first, so that nothing of the tag's is live
			 * across the call (a free cannot fail).
			 */
			this_cpu_add(pc->class_frees, freed);
			kfree(ptr);
			return;
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
	static struct ftio_pool_site __ftio_pool_site = FTIO_POOL_SITE_INIT;	\
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
	static struct ftio_pool_site __ftio_pool_site = FTIO_POOL_SITE_INIT; \
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
