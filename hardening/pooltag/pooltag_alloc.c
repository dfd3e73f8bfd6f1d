// SPDX-License-Identifier: GPL-2.0
/*
 * Tagged allocation and free.
 *
 * The fast path (no tag with anything switched on, no records anywhere)
 * is inline in the caller (include/ftio/pooltag.h): kmalloc() of the
 * size asked for (so KASAN and the kmalloc tracepoints see the call as
 * any other), or kfree(), plus one per-CPU add each, no lock, no shared
 * write, no lookup (the call site keeps its tag's counters and key). A
 * free needs the bytes its
 * allocation was accounted: while all of a tag's kmalloc allocations had
 * one size class, that class; otherwise ksize(), here. While any tag has
 * a quota, the special pool, failure simulation or tracking on, or any
 * record exists, every allocation and free comes here; a tag's flags say
 * what it needs.
 *
 * Bytes are accounted as the allocator hands them out: the request's
 * kmalloc size class, so that ksize() at free time gives back exactly
 * what was accounted at allocation time.
 */
#include <linux/kfence.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <kunit/visibility.h>

#define FTIO_COMPAT_KMALLOC
#include "ftio_compat.h"
#include "pooltag.h"

atomic_long_t ftio_pool_records = ATOMIC_LONG_INIT(0);
EXPORT_SYMBOL_IF_KUNIT(ftio_pool_records);
atomic_t ftio_pt_recording = ATOMIC_INIT(0);

DEFINE_PER_CPU(struct ftio_pool_pcpu, ftio_pool_nosite);
EXPORT_PER_CPU_SYMBOL_GPL(ftio_pool_nosite);

/* Serialises writers of the keys, so that the last state wins. */
static DEFINE_SPINLOCK(ftio_pt_key_lock);

struct ftio_pool_cache {
	struct kmem_cache *kc;
	struct ftio_pt_tag *tag;
	unsigned int size;
	unsigned int align;
};

/**
 * ftio_pt_account_free() - give a tag's bytes back
 * @t: the tag
 * @bytes: as accounted when allocated
 */
void ftio_pt_account_free(struct ftio_pt_tag *t, size_t bytes)
{
	if (READ_ONCE(t->flags) & FTIO_PT_QUOTA) {
		/* Quota tags keep live_bytes exact. */
		this_cpu_inc(t->pcpu->frees);
		this_cpu_add(t->pcpu->bytes_freed, bytes);
		atomic64_sub(bytes, &t->live_bytes);
		ftio_pt_quota_check(t, false);
	} else {
		ftio_pt_add(t, -(s64)bytes);
	}
}

/**
 * ftio_pt_should_fail() - the failure simulation's verdict
 * @t: a tag with failure simulation on
 *
 * Like the kernel's fault_attr: of every fail_interval-th allocation,
 * fail_ppm in a million fail, at most fail_left more times if limited.
 *
 * Return: true if this allocation is to fail.
 */
bool ftio_pt_should_fail(struct ftio_pt_tag *t)
{
	u32 interval = READ_ONCE(t->fail_interval);
	u32 ppm = READ_ONCE(t->fail_ppm);

	if (!ppm)
		return false;
	if (interval > 1 && atomic_inc_return(&t->fail_seen) % interval)
		return false;
	if (ppm < 1000000 && get_random_u32() % 1000000 >= ppm)
		return false;
	if (READ_ONCE(t->fail_limited)) {
		int left = atomic_dec_if_positive(&t->fail_left);

		if (left < 0)
			return false;
		if (!left)	/* the last one: the simulation is over */
			ftio_pt_fail_done(t);
	}
	atomic64_inc(&t->injected);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_should_fail);

/* Reserve bytes against the quota; false if they do not fit. */
static bool ftio_pt_quota_charge(struct ftio_pt_tag *t, s64 bytes)
{
	u64 quota = READ_ONCE(t->quota);
	s64 live = atomic64_add_return(bytes, &t->live_bytes);

	if (quota && live > (s64)quota) {
		atomic64_sub(bytes, &t->live_bytes);
		atomic64_inc(&t->quota_hits);
		ftio_pt_quota_check(t, true);
		return false;
	}
	ftio_pt_peak(t, live);
	return true;
}

/* The smallest request that kmalloc serves from size class @class. */
static u32 ftio_pt_class_low(u32 class)
{
	u32 lo = 1, hi = class;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (kmalloc_size_roundup(mid) < class)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The kmalloc cache of size class @class for a normal (GFP_KERNEL type)
 * allocation, where the tag's inline allocations come from (of kmalloc's
 * random caches, the one the tag picks), or NULL where kmalloc has no
 * cache of exactly that size (then not every size of the key's range
 * would land in it) or the class is too large for the key.
 */
static struct kmem_cache *ftio_pt_class_cache(u32 tag, u32 class)
{
	struct kmem_cache *kc;

	if (!class || class > KMALLOC_MAX_CACHE_SIZE ||
	    class > FTIO_POOL_KEY_MAX_CLASS)
		return NULL;
	kc = kmalloc_caches[ftio_kmalloc_type(tag)][__kmalloc_index(class, false)];
	return kc && kmem_cache_size(kc) == class ? kc : NULL;
}

/* Write @t's key, as its sizes now say, for every CPU. */
static void ftio_pt_publish_key(struct ftio_pt_tag *t)
{
	struct kmem_cache *kc = NULL;
	unsigned long irqflags;
	u64 sizes, key;
	int cpu;

	spin_lock_irqsave(&ftio_pt_key_lock, irqflags);
	/* Read under the lock: the last writer writes the last state. */
	sizes = READ_ONCE(t->sizes);
	key = FTIO_POOL_KEY(t->tag, 0, 0);
	if (sizes && sizes != FTIO_POOL_SIZES_MIXED)
		kc = ftio_pt_class_cache(t->tag, (u32)sizes);
	/* A key with a class only once every CPU has its cache; never unset. */
	if (kc) {
		key = FTIO_POOL_KEY(t->tag, sizes >> 32,
				    (u32)sizes - (sizes >> 32) + 1);
		for_each_possible_cpu(cpu)
			WRITE_ONCE(per_cpu_ptr(t->pcpu, cpu)->class_cache, kc);
		smp_wmb();	/* pairs with smp_rmb() in ftio_pool_alloc_at() */
	}
	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu_ptr(t->pcpu, cpu)->key, key);
	spin_unlock_irqrestore(&ftio_pt_key_lock, irqflags);
}

/**
 * ftio_pt_note_size() - note the size class of a kmalloc allocation
 * @t: its tag
 * @bytes: the class (kmalloc_size_roundup() of the request)
 *
 * While every kmalloc allocation of a tag has had the same class, its
 * frees need not ask the allocator for the size, and its allocations in
 * that class stay inline. Called before the allocation is handed out, so
 * that a free of it sees the tag mixed (in this and every CPU's key) if
 * it made the tag mixed; never undone.
 */
void ftio_pt_note_size(struct ftio_pt_tag *t, size_t bytes)
{
	u64 old = READ_ONCE(t->sizes), new;

	if (likely((u32)old == bytes || old == FTIO_POOL_SIZES_MIXED))
		return;
	if (!old && bytes <= U32_MAX) {
		new = (u64)ftio_pt_class_low(bytes) << 32 | bytes;
		if (try_cmpxchg64(&t->sizes, &old, new)) {
			ftio_pt_publish_key(t);
			return;
		}
		if (old == new)
			return;
	}
	/* The inline paths' counts are of this class: keep it for sums. */
	if (old)
		WRITE_ONCE(t->class, (u32)old);
	xchg(&t->sizes, FTIO_POOL_SIZES_MIXED);
	ftio_pt_publish_key(t);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_note_size);

/*
 * The bytes a kmalloc object was accounted with: its size class, which is
 * what ksize() says of a slab or page object. Not of a KFENCE object:
 * there it is the size asked for (kmalloc() gets the size asked for), so
 * only that one is rounded up to its class (a range check, inline).
 */
static size_t ftio_pt_ksize_class(const void *p)
{
	size_t n = ksize(p);

	return unlikely(is_kfence_address(p)) ? kmalloc_size_roundup(n) : n;
}

static void *ftio_pt_raw_alloc(struct ftio_pt_tag *t, struct kmem_cache *kc,
			       size_t *size, gfp_t gfp)
{
	void *p;

	if (kc) {
		p = kmem_cache_alloc(kc, gfp);
		*size = kmem_cache_size(kc);
		return p;
	}
	/* The size asked for, so that KASAN poisons what lies past it. */
	p = kmalloc(*size, gfp);
	*size = kmalloc_size_roundup(*size);
	ftio_pt_note_size(t, *size);
	return p;
}

static void ftio_pt_raw_free(struct kmem_cache *kc, const void *p)
{
	if (kc)
		kmem_cache_free(kc, (void *)p);
	else
		kfree(p);
}

/* Keep a record of an allocation; an allocation without one is fine. */
static void ftio_pt_track(struct ftio_pt_tag *t, const void *p, size_t size,
			  size_t req, struct kmem_cache *kc, gfp_t gfp,
			  unsigned long caller)
{
	struct ftio_pt_rec *rec = ftio_pt_rec_new(gfp);

	if (!rec)
		return;
	rec->ptr = p;
	rec->tag = t;
	rec->size = size;
	rec->req = req;
	rec->caller = caller;
	rec->kc = kc;
	rec->time_ns = ktime_get_boottime_ns();
	if (ftio_pt_rec_insert(rec))
		ftio_pt_rec_free(rec);
	else
		atomic64_inc(&t->tracked);
}

/* ftio_pt_alloc(), once counted in ftio_pt_recording. */
static void *__ftio_pt_alloc(struct ftio_pt_tag *t, size_t size, size_t align,
			     gfp_t gfp, struct kmem_cache *kc,
			     unsigned long caller)
{
	u32 flags = READ_ONCE(t->flags);
	size_t req = kc ? kmem_cache_size(kc) : size;
	size_t bytes = req;
	bool quota = flags & FTIO_PT_QUOTA;
	void *p;

	if ((flags & FTIO_PT_FAIL) && ftio_pt_should_fail(t))
		goto fail;

	/*
	 * The special pool's objects are vmalloc memory: not for callers
	 * that may not sleep, nor for those that ask for DMA zones (they
	 * will map it for DMA): those get kmalloc memory as usual.
	 */
	if ((flags & FTIO_PT_SPECIAL) && gfpflags_allow_blocking(gfp) &&
	    !(gfp & (__GFP_DMA | __GFP_DMA32))) {
		bytes = PAGE_ALIGN(req ? req : 1);
		if (quota && !ftio_pt_quota_charge(t, bytes))
			goto fail;
		p = ftio_pt_special_alloc(t, req, align, gfp, caller);
		if (!p) {
			if (quota)
				atomic64_sub(bytes, &t->live_bytes);
			goto fail;
		}
	} else {
		if (quota) {
			bytes = kc ? kmem_cache_size(kc) : kmalloc_size_roundup(req);
			if (!ftio_pt_quota_charge(t, bytes))
				goto fail;
		}
		/* The size asked for goes to kmalloc(); bytes becomes its class. */
		bytes = req;
		p = ftio_pt_raw_alloc(t, kc, &bytes, gfp);
		if (!p) {
			if (quota)
				atomic64_sub(bytes, &t->live_bytes);
			goto fail;
		}
	}

	if (quota) {
		/* Already in live_bytes; the CPU counts it as usual. */
		this_cpu_inc(t->pcpu->allocs);
		this_cpu_add(t->pcpu->bytes_alloc, bytes);
		ftio_pt_quota_check(t, false);
	} else {
		ftio_pt_add(t, bytes);
	}
	ftio_pt_test_point(FTIO_PT_POINT_ALLOC_LIVE, t);
	/*
	 * Counted as tracked only once counted as live: a free that
	 * compares the two (ftio_pt_free(): "has every live object of
	 * the tag a record?") must never see more records than objects,
	 * or it takes a good free of an older, untracked object for a bad
	 * one, keeps the object and reports a false bad free.
	 */
	if ((flags & FTIO_PT_SPECIAL) && is_vmalloc_addr(p))
		atomic64_inc(&t->tracked);
	else if (flags & FTIO_PT_TRACK)
		ftio_pt_track(t, p, bytes, req, kc, gfp, caller);
	return p;

fail:
	this_cpu_inc(t->pcpu->failures);
	return NULL;
}

/**
 * ftio_pt_alloc() - the slow path of an allocation
 * @t: the tag
 * @size: bytes asked for (ignored for a cache)
 * @align: alignment a tagged cache asked for, or 0
 * @gfp: flags
 * @kc: the kmem_cache of a tagged cache, or NULL for kmalloc
 * @caller: the allocation's call site
 *
 * Counted in ftio_pt_recording from before it reads the tag's flags until
 * any record it makes is filed, so that ftio_pool_controls does not go
 * off under it (see ftio_pt_controls_check()).
 *
 * Return: the memory or NULL.
 */
void *ftio_pt_alloc(struct ftio_pt_tag *t, size_t size, size_t align,
		    gfp_t gfp, struct kmem_cache *kc, unsigned long caller)
{
	void *p;

	atomic_inc(&ftio_pt_recording);
	smp_mb__after_atomic();	/* pairs with ftio_pt_controls_check() */
	p = __ftio_pt_alloc(t, size, align, gfp, kc, caller);
	/* Its control went off meanwhile: the check may have waited for us. */
	if (atomic_dec_and_test(&ftio_pt_recording) && !READ_ONCE(t->flags))
		ftio_pt_controls_changed();
	return p;
}

static void ftio_pt_report_mismatch(struct ftio_pt_tag *real, u32 tag,
				    const void *p, unsigned long caller)
{
	char rn[5], fn[5];

	ftio_pt_tag_name(real->tag, rn);
	ftio_pt_tag_name(tag, fn);
	ftio_event_emit(&ftio_pt_module, FTIO_EVENT_CODE_POOL_TAG_MISMATCH, NULL,
			rn, "%p allocated as %s freed as %s at %pS", p, rn, fn,
			(void *)caller);
	WARN_ONCE(1, "ftio_pooltag: %p allocated under tag %s freed under %s at %pS\n",
		  p, rn, fn, (void *)caller);
}

/**
 * ftio_pt_free() - the slow path of a free
 * @t: the tag the caller named, or NULL if it was never used
 * @tag: that tag's value
 * @p: the memory
 * @kc: the kmem_cache of a tagged cache, or NULL for kmalloc
 * @caller: the free's call site
 */
void ftio_pt_free(struct ftio_pt_tag *t, u32 tag, const void *p,
		  struct kmem_cache *kc, unsigned long caller)
{
	struct ftio_pt_rec *rec = NULL;
	size_t bytes;

	if (atomic_long_read(&ftio_pool_records))
		rec = ftio_pt_rec_take(p);

	if (rec) {
		if (rec->tag != t) {
			if (t)
				atomic64_inc(&t->mismatches);
			atomic64_inc(&rec->tag->mismatches);
			ftio_pt_report_mismatch(rec->tag, tag, p, caller);
			t = rec->tag;
		}
		atomic64_dec(&t->tracked);
		if (rec->base) {
			ftio_pt_special_free(rec, caller);
			return;
		}
		bytes = rec->size;
		ftio_pt_rec_free(rec);
	} else {
		if (!t) {
			/* A tag that never allocated anything. */
			char name[5];

			t = ftio_pt_get(tag, NULL, GFP_ATOMIC);
			ftio_pt_tag_name(tag, name);
			ftio_event_emit(&ftio_pt_module, FTIO_EVENT_CODE_POOL_TAG_MISMATCH,
					NULL, name,
					"%p freed at %pS under %s, a tag that never allocated",
					p, (void *)caller, name);
			if (!t) {
				ftio_pt_raw_free(kc, p);
				return;
			}
			atomic64_inc(&t->mismatches);
		}
		if (READ_ONCE(t->flags) & FTIO_PT_TRACK) {
			struct ftio_pt_stats st;

			ftio_pt_stats(t, &st);
			if (st.live_objects <= (u64)atomic64_read(&t->tracked)) {
				char name[5];

				/* Every live allocation of t has a record. */
				atomic64_inc(&t->bad_frees);
				ftio_pt_tag_name(t->tag, name);
				ftio_event_emit(&ftio_pt_module, FTIO_EVENT_CODE_POOL_BAD_FREE,
						NULL, name,
						"%p freed under %s at %pS was never handed out; not freed",
						p, name, (void *)caller);
				return;
			}
		}
		bytes = kc ? kmem_cache_size(kc) : ftio_pt_ksize_class(p);
	}

	ftio_pt_raw_free(kc, p);
	ftio_pt_account_free(t, bytes);
}

/* What a call site remembers of a tag. */
static void ftio_pt_site_set(struct ftio_pool_site *site, struct ftio_pt_tag *t)
{
	if (site && READ_ONCE(site->tag) != t) {
		WRITE_ONCE(site->tag, t);
		WRITE_ONCE(site->pcpu, t->pcpu);
	}
}

/* The tag a site knows, or NULL. */
static struct ftio_pt_tag *ftio_pt_site_get(struct ftio_pool_site *site, u32 tag)
{
	struct ftio_pt_tag *t = site ? READ_ONCE(site->tag) : NULL;

	return t && t->tag == tag ? t : NULL;
}

void *__ftio_pool_alloc_site(struct ftio_pool_site *site, size_t size,
			     gfp_t gfp, u32 tag, struct module *owner)
{
	struct ftio_pt_tag *t = ftio_pt_site_get(site, tag);
	size_t bytes;
	void *p;

	if (!t) {
		t = ftio_pt_get(tag, owner, gfp);
		if (unlikely(!t))
			return NULL;
		ftio_pt_site_set(site, t);
	}
	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	if (unlikely(READ_ONCE(t->flags)))
		return ftio_pt_alloc(t, size, 0, gfp, NULL, _RET_IP_);
	bytes = kmalloc_size_roundup(size);
	ftio_pt_note_size(t, bytes);
	/* The size asked for, so that KASAN poisons what lies past it. */
	p = kmalloc(size, gfp);
	if (unlikely(!p)) {
		this_cpu_inc(t->pcpu->failures);
		return NULL;
	}
	ftio_pt_add(t, bytes);
	return p;
}
EXPORT_SYMBOL_GPL(__ftio_pool_alloc_site);

void __ftio_pool_free_site(struct ftio_pool_site *site, const void *p, u32 tag)
{
	struct ftio_pt_tag *t;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	t = ftio_pt_site_get(site, tag);
	if (!t) {
		t = ftio_pt_find(tag);
		if (t)
			ftio_pt_site_set(site, t);
	}
	if (unlikely(!t || READ_ONCE(t->flags) || atomic_long_read(&ftio_pool_records))) {
		ftio_pt_free(t, tag, p, NULL, _RET_IP_);
		return;
	}
	ftio_pt_add(t, -(s64)ftio_pt_ksize_class(p));
	kfree(p);
}
EXPORT_SYMBOL_GPL(__ftio_pool_free_site);

struct ftio_pool_cache *__ftio_pool_cache_create(const char *name,
						 unsigned int size,
						 unsigned int align, u32 tag,
						 struct module *owner)
{
	struct ftio_pt_tag *t = ftio_pt_get(tag, owner, GFP_KERNEL);
	struct ftio_pool_cache *c;

	if (!t || !size)
		return NULL;
	c = ftio_pt_self_alloc(sizeof(*c), GFP_KERNEL | __GFP_ZERO);
	if (!c)
		return NULL;
	c->kc = kmem_cache_create(name, size, align, 0, NULL);
	if (!c->kc) {
		ftio_pt_self_free(c);
		return NULL;
	}
	c->tag = t;
	c->size = size;
	c->align = align;
	return c;
}
EXPORT_SYMBOL_GPL(__ftio_pool_cache_create);

void *ftio_pool_cache_alloc(struct ftio_pool_cache *c, gfp_t gfp)
{
	struct ftio_pt_tag *t = c->tag;
	void *p;

	if (unlikely(READ_ONCE(t->flags)))
		return ftio_pt_alloc(t, 0, c->align, gfp, c->kc, _RET_IP_);
	p = kmem_cache_alloc(c->kc, gfp);
	if (unlikely(!p)) {
		this_cpu_inc(t->pcpu->failures);
		return NULL;
	}
	ftio_pt_add(t, kmem_cache_size(c->kc));
	return p;
}
EXPORT_SYMBOL_GPL(ftio_pool_cache_alloc);

void ftio_pool_cache_free(struct ftio_pool_cache *c, void *p)
{
	struct ftio_pt_tag *t = c->tag;

	if (unlikely(!p))
		return;
	if (unlikely(READ_ONCE(t->flags) || atomic_long_read(&ftio_pool_records))) {
		ftio_pt_free(t, t->tag, p, c->kc, _RET_IP_);
		return;
	}
	kmem_cache_free(c->kc, p);
	ftio_pt_add(t, -(s64)kmem_cache_size(c->kc));
}
EXPORT_SYMBOL_GPL(ftio_pool_cache_free);

void ftio_pool_cache_destroy(struct ftio_pool_cache *c)
{
	if (!c)
		return;
	ftio_pt_special_flush();
	kmem_cache_destroy(c->kc);
	ftio_pt_self_free(c);
}
EXPORT_SYMBOL_GPL(ftio_pool_cache_destroy);

int __ftio_pool_tag_describe(u32 tag, const char *desc, struct module *owner)
{
	struct ftio_pt_tag *t;

	if (!ftio_pool_tag_valid(tag))
		return -EINVAL;
	t = ftio_pt_get(tag, owner, GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	mutex_lock(&ftio_pt_lock);
	strscpy(t->desc, desc ? desc : "", sizeof(t->desc));
	if (owner && t->owner != owner) {
		t->owner = owner;
		strscpy(t->owner_name, module_name(owner), sizeof(t->owner_name));
	}
	mutex_unlock(&ftio_pt_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(__ftio_pool_tag_describe);
