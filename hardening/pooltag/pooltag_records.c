// SPDX-License-Identifier: GPL-2.0
/*
 * Per-allocation records (tracking mode and the special pool), the
 * special pool itself, and leak reports.
 *
 * The special pool gives each object pages of its own from vmalloc,
 * whose areas are separated by unmapped guard pages: placed against the
 * end of its pages, an object's overrun faults on the guard page after
 * it; placed at the start, its underrun faults on the guard page before
 * it. The few bytes between an object and its guard page hold a pattern
 * checked at free time. A freed object's pages are unmapped at once (TLB
 * included), so a use after free faults too. Its area and record then
 * stay in a quarantine: the addresses are not handed out again while it
 * lasts (a later object there would turn a use after free into a silent
 * write to that object), and the fault can be explained: tag, object,
 * call sites. The area is vfree()d when it leaves the quarantine.
 */
#include <linux/mm.h>
#include <linux/kmemleak.h>
#include <linux/pgtable.h>
#include <asm/tlbflush.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "pooltag.h"

#define FTIO_PT_PATTERN		0xa5
#define FTIO_PT_QUARANTINE	256
#define FTIO_PT_QUARANTINE_BYTES	(8UL << 20)

static const struct rhashtable_params ftio_pt_rec_params = {
	.key_len = sizeof(const void *),
	.key_offset = offsetof(struct ftio_pt_rec, ptr),
	.head_offset = offsetof(struct ftio_pt_rec, node),
	.automatic_shrinking = true,
};

static struct rhashtable ftio_pt_recs;
static struct kmem_cache *ftio_pt_rec_cache;

static DEFINE_SPINLOCK(ftio_pt_special_lock);
static LIST_HEAD(ftio_pt_special_live);
static LIST_HEAD(ftio_pt_deferred);
static LIST_HEAD(ftio_pt_quarantine);
static unsigned int ftio_pt_nquarantine;
static size_t ftio_pt_quarantine_bytes;
static void ftio_pt_unmap_work(struct work_struct *work);
static DECLARE_WORK(ftio_pt_unmap, ftio_pt_unmap_work);

struct ftio_pt_rec *ftio_pt_rec_new(gfp_t gfp)
{
	struct ftio_pt_rec *rec;

	rec = kmem_cache_zalloc(ftio_pt_rec_cache,
				(gfp & GFP_KERNEL) | __GFP_NOWARN);
	if (rec)
		ftio_pt_self_account(sizeof(*rec));
	return rec;
}

static void ftio_pt_rec_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(ftio_pt_rec_cache,
			container_of(head, struct ftio_pt_rec, rcu));
}

/* Lookups run under RCU: a record goes after a grace period. */
void ftio_pt_rec_free(struct ftio_pt_rec *rec)
{
	ftio_pt_self_account(-(s64)sizeof(*rec));
	call_rcu(&rec->rcu, ftio_pt_rec_free_rcu);
}

/**
 * ftio_pt_rec_insert() - file a record under its pointer
 * @rec: the record
 *
 * A stale record for the same address (its object was freed behind
 * ftio_pooltag's back) is dropped first.
 *
 * Return: 0 or a negative errno.
 */
int ftio_pt_rec_insert(struct ftio_pt_rec *rec)
{
	struct ftio_pt_rec *old;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		rcu_read_lock();
		old = rhashtable_lookup_get_insert_fast(&ftio_pt_recs, &rec->node,
							ftio_pt_rec_params);
		rcu_read_unlock();
		if (IS_ERR(old))
			return PTR_ERR(old);
		if (!old) {
			atomic_long_inc(&ftio_pool_records);
			return 0;
		}
		old = ftio_pt_rec_take(rec->ptr);
		if (old) {
			atomic64_dec(&old->tag->tracked);
			ftio_pt_rec_free(old);
		}
	}
	return -EEXIST;
}

/**
 * ftio_pt_rec_take() - remove and return the record of a pointer
 * @ptr: the object
 *
 * Return: the record, now the caller's, or NULL if there is none.
 */
struct ftio_pt_rec *ftio_pt_rec_take(const void *ptr)
{
	struct ftio_pt_rec *rec;

	rcu_read_lock();
	rec = rhashtable_lookup(&ftio_pt_recs, &ptr, ftio_pt_rec_params);
	if (rec && rhashtable_remove_fast(&ftio_pt_recs, &rec->node,
					  ftio_pt_rec_params))
		rec = NULL;	/* somebody else took it first */
	rcu_read_unlock();
	/* The last record gone: ftio_pool_controls may go off. */
	if (rec && !atomic_long_dec_return(&ftio_pool_records))
		ftio_pt_controls_changed();
	return rec;
}

/* Special pool ---------------------------------------------------- */

/*
 * vmalloc pages for a special-pool object. vmalloc puts an unmapped guard
 * page after each area, but the page before one is only the previous
 * area's guard if that area has one: for an underrun to fault, check
 * that it is unmapped, and try elsewhere (keeping the refused areas until
 * the end, so that the next try lands elsewhere) a few times.
 */
#define FTIO_PT_FRONT_TRIES	4
static void *ftio_pt_special_area(size_t area, gfp_t gfp, bool front)
{
	void *refused[FTIO_PT_FRONT_TRIES], *base = NULL;
	int i, n = 0;

	/* The caller's reclaim limits (GFP_NOIO, GFP_NOFS) hold here too. */
	gfp &= GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN;
	for (i = 0; i <= FTIO_PT_FRONT_TRIES; i++) {
		base = __vmalloc(area, gfp);
		if (!base || !front || !vmalloc_to_page(base - PAGE_SIZE))
			break;
		if (i == FTIO_PT_FRONT_TRIES) {
			vfree(base);	/* no unmapped page before any: give up */
			base = NULL;
			break;
		}
		refused[n++] = base;
	}
	while (n)
		vfree(refused[--n]);
	return base;
}

/**
 * ftio_pt_special_alloc() - an object with pages and guard pages of its own
 * @t: its tag, in the special pool
 * @size: bytes asked for
 * @align: alignment wanted beyond the default, or 0
 * @gfp: flags; must allow sleeping
 * @caller: call site
 *
 * Return: the object or NULL.
 */
void *ftio_pt_special_alloc(struct ftio_pt_tag *t, size_t size, size_t align,
			    gfp_t gfp, unsigned long caller)
{
	size_t req = size ? size : 1;
	size_t area = PAGE_ALIGN(req);
	struct ftio_pt_rec *rec;
	unsigned long flags;
	size_t off;
	void *base;

	rec = ftio_pt_rec_new(gfp);
	if (!rec)
		return NULL;
	base = ftio_pt_special_area(area, gfp,
				    READ_ONCE(t->special) == FTIO_SPECIAL_MODE_UNDERRUN);
	if (!base) {
		ftio_pt_rec_free(rec);
		return NULL;
	}
	if (READ_ONCE(t->special) == FTIO_SPECIAL_MODE_UNDERRUN)
		off = 0;
	else if (is_power_of_2(req) && req <= PAGE_SIZE)
		off = area - req;	/* naturally aligned, as kmalloc's */
	else
		off = area - ALIGN(req, max_t(size_t, roundup_pow_of_two(align ?: 1), 8));
	/* The bytes between object and guard page hold a pattern. */
	memset(base, FTIO_PT_PATTERN, off);
	memset(base + off + req, FTIO_PT_PATTERN, area - off - req);

	rec->ptr = base + off;
	rec->tag = t;
	rec->size = area;
	rec->req = req;
	rec->caller = caller;
	rec->time_ns = ktime_get_boottime_ns();
	rec->base = base;
	rec->area = area;
	if (ftio_pt_rec_insert(rec)) {
		vfree(base);
		ftio_pt_rec_free(rec);
		return NULL;
	}
	spin_lock_irqsave(&ftio_pt_special_lock, flags);
	list_add(&rec->list, &ftio_pt_special_live);
	spin_unlock_irqrestore(&ftio_pt_special_lock, flags);
	atomic64_inc(&t->special_allocs);
	return base + off;	/* counted as tracked by the caller, once live */
}

/* First byte around the object that lost its pattern, or -1. */
static long ftio_pt_special_damage(const struct ftio_pt_rec *rec)
{
	const u8 *b = rec->base;
	size_t off = rec->ptr - rec->base, i;

	for (i = off + rec->req; i < rec->area; i++)
		if (b[i] != FTIO_PT_PATTERN)
			return i;
	for (i = 0; i < off; i++)
		if (b[i] != FTIO_PT_PATTERN)
			return i;
	return -1;
}

static void ftio_pt_report_corruption(const struct ftio_pt_rec *rec,
				      const char *what, long offset)
{
	char name[5];

	ftio_pt_tag_name(rec->tag->tag, name);
	pr_err("ftio_pooltag: %s of special-pool object %p (%zu bytes, tag %s) at offset %ld\n",
	       what, rec->ptr, rec->req, name, offset);
	pr_err("ftio_pooltag:   allocated at %pS, freed at %pS\n",
	       (void *)rec->caller, (void *)rec->free_caller);
	ftio_event_emit(&ftio_pt_module, FTIO_EVENT_CODE_POOL_CORRUPTION, NULL,
			name, "%s of %p (%zu bytes) at offset %ld, allocated at %pS",
			what, rec->ptr, rec->req, offset, (void *)rec->caller);
}

#ifdef CONFIG_X86
static void ftio_pt_flush_tlb(void *unused)
{
	__flush_tlb_all();
}

/*
 * Unmap freed objects' pages but keep their vmalloc areas, and the pages
 * with them (vfree() frees them later): the addresses stay taken. One TLB
 * flush for all; no CPU keeps a translation after this returns. kmemleak,
 * which scans vmalloc areas, forgets each area first: once kmemleak_free()
 * returns, no scan reads it. Sleeps.
 */
static void ftio_pt_special_close(struct list_head *recs)
{
	struct ftio_pt_rec *rec;
	unsigned int level;
	unsigned long addr;
	pte_t *pte;

	list_for_each_entry(rec, recs, list) {
		kmemleak_free(rec->base);
		for (addr = (unsigned long)rec->base;
		     addr < (unsigned long)rec->base + rec->area; addr += PAGE_SIZE) {
			/* x86's walk of the kernel's page tables (init_mm is not exported) */
			pte = lookup_address(addr, &level);
			if (!WARN_ON_ONCE(!pte || level != PG_LEVEL_4K))
				set_pte(pte, __pte(0));	/* through paravirt, as Xen needs */
		}
	}
	on_each_cpu(ftio_pt_flush_tlb, NULL, 1);
}

/*
 * Give a closed area back to vmalloc. vfree() tells kmemleak of the free:
 * it gets an object to forget again, one it never scans (min_count -1).
 */
static void ftio_pt_special_release(struct ftio_pt_rec *rec)
{
	kmemleak_alloc(rec->base, rec->area, -1, GFP_KERNEL);
	vfree(rec->base);
}
#else
/*
 * Elsewhere no walk of the kernel's page tables is exported to modules:
 * the area goes back to vmalloc at once, and only the record stays.
 */
static void ftio_pt_special_close(struct list_head *recs)
{
	struct ftio_pt_rec *rec;

	list_for_each_entry(rec, recs, list)
		vfree(rec->base);
	vm_unmap_aliases();
}

static void ftio_pt_special_release(struct ftio_pt_rec *rec)
{
}
#endif

/*
 * Put closed objects in the quarantine, newest first, and release the
 * areas of the oldest beyond FTIO_PT_QUARANTINE objects or
 * FTIO_PT_QUARANTINE_BYTES. Sleeps.
 */
static void ftio_pt_quarantine_add(struct list_head *closed)
{
	struct ftio_pt_rec *rec, *tmp;
	unsigned long flags;
	LIST_HEAD(leaving);

	spin_lock_irqsave(&ftio_pt_special_lock, flags);
	list_for_each_entry_safe(rec, tmp, closed, list) {
		list_move(&rec->list, &ftio_pt_quarantine);
		ftio_pt_nquarantine++;
		ftio_pt_quarantine_bytes += rec->area;
	}
	while (ftio_pt_nquarantine > FTIO_PT_QUARANTINE ||
	       ftio_pt_quarantine_bytes > FTIO_PT_QUARANTINE_BYTES) {
		rec = list_last_entry(&ftio_pt_quarantine, struct ftio_pt_rec, list);
		list_move(&rec->list, &leaving);
		ftio_pt_nquarantine--;
		ftio_pt_quarantine_bytes -= rec->area;
	}
	spin_unlock_irqrestore(&ftio_pt_special_lock, flags);
	list_for_each_entry_safe(rec, tmp, &leaving, list) {
		ftio_pt_special_release(rec);
		ftio_pt_rec_free(rec);
	}
}

static void ftio_pt_unmap_work(struct work_struct *work)
{
	unsigned long flags;
	LIST_HEAD(todo);

	spin_lock_irqsave(&ftio_pt_special_lock, flags);
	list_splice_init(&ftio_pt_deferred, &todo);
	spin_unlock_irqrestore(&ftio_pt_special_lock, flags);
	if (list_empty(&todo))
		return;
	ftio_pt_special_close(&todo);
	ftio_pt_quarantine_add(&todo);
}

/**
 * ftio_pt_special_free() - check, account and unmap a special-pool object
 * @rec: its record, already out of the table
 * @caller: where it is freed
 */
void ftio_pt_special_free(struct ftio_pt_rec *rec, unsigned long caller)
{
	struct ftio_pt_tag *t = rec->tag;
	unsigned long flags;
	LIST_HEAD(closed);
	bool now;
	long bad;

	rec->free_caller = caller;
	bad = ftio_pt_special_damage(rec);
	if (bad >= 0)
		ftio_pt_report_corruption(rec, bad < rec->ptr - rec->base ?
					  "underrun" : "overrun",
					  bad - (long)(rec->ptr - rec->base));
	ftio_pt_account_free(t, rec->size);

	/*
	 * Unmap now if we may sleep, so that a use after free faults at
	 * once; else from a work item. "May sleep" is what might_sleep()
	 * checks: preemptible() alone is true inside an RCU read-side
	 * section of a preemptible-RCU kernel (Debian's), where the TLB
	 * flush's wait and vfree() must not sleep. Without a preempt count
	 * it is always false.
	 */
	now = preemptible() && !rcu_preempt_depth() && !in_interrupt();
	spin_lock_irqsave(&ftio_pt_special_lock, flags);
	list_del(&rec->list);
	if (!now) {
		list_add_tail(&rec->list, &ftio_pt_deferred);
		spin_unlock_irqrestore(&ftio_pt_special_lock, flags);
		schedule_work(&ftio_pt_unmap);
		return;
	}
	spin_unlock_irqrestore(&ftio_pt_special_lock, flags);
	list_add(&rec->list, &closed);
	ftio_pt_special_close(&closed);
	ftio_pt_quarantine_add(&closed);
}

/**
 * ftio_pt_special_flush() - finish unmapping objects freed in atomic context
 */
void ftio_pt_special_flush(void)
{
	flush_work(&ftio_pt_unmap);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_special_flush);

/**
 * ftio_pt_describe() - explain a faulting address, if the special pool can
 * @addr: the address
 * @buf: where to write the explanation
 * @len: its size
 *
 * Safe in an oops: it only tries the lock.
 *
 * Return: 1 if @addr belongs to a special-pool object, else 0.
 */
int ftio_pt_describe(unsigned long addr, char *buf, size_t len)
{
	struct ftio_pt_rec *rec = NULL, *r;
	unsigned long best = ULONG_MAX;
	const char *what = NULL;
	unsigned long flags;
	long offset = 0;
	char name[5];

	if (!spin_trylock_irqsave(&ftio_pt_special_lock, flags))
		return 0;
	/*
	 * One guard page may follow one object and precede the next: of
	 * the objects it could belong to, the nearest edge wins (an overrun
	 * faults near the start of the page after, an underrun near the end
	 * of the page before).
	 */
	list_for_each_entry(r, &ftio_pt_special_live, list) {
		unsigned long start = (unsigned long)r->base;
		unsigned long end = start + r->area;
		unsigned long obj = (unsigned long)r->ptr;
		unsigned long dist;
		const char *w;

		if (addr >= end && addr < end + PAGE_SIZE) {
			w = "overrun";
			dist = addr - (obj + r->req);
		} else if (addr >= start - PAGE_SIZE && addr < obj) {
			w = "underrun";
			dist = obj - addr;
		} else {
			continue;
		}
		if (!what || dist < best) {
			what = w;
			best = dist;
			rec = r;
			offset = (long)(addr - obj);
		}
	}
	if (!what) {
		list_for_each_entry(r, &ftio_pt_quarantine, list) {
			unsigned long start = (unsigned long)r->base;

			if (addr >= start && addr < start + r->area) {
				what = "use after free";
				rec = r;
				offset = (long)(addr - (unsigned long)r->ptr);
				break;
			}
		}
	}
	if (what) {
		int n;

		ftio_pt_tag_name(rec->tag->tag, name);
		n = snprintf(buf, len,
			     "ftio_pooltag: %s of special-pool object %p (%zu bytes, tag %s) at offset %ld, allocated at %pS",
			     what, rec->ptr, rec->req, name, offset,
			     (void *)rec->caller);
		if (rec->free_caller && n < len)
			snprintf(buf + n, len - n, ", freed at %pS",
				 (void *)rec->free_caller);
	}
	spin_unlock_irqrestore(&ftio_pt_special_lock, flags);
	return !!what;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_describe);

/* Leaks ------------------------------------------------------------ */

/**
 * ftio_pt_leak_collect() - what a tag still holds, and where from
 * @t: the tag
 * @leak: filled in; call sites only for allocations with a record
 */
void ftio_pt_leak_collect(struct ftio_pt_tag *t, struct ftio_pt_leak *leak)
{
	struct rhashtable_iter iter;
	struct ftio_pt_stats st;
	struct ftio_pt_rec *rec;
	unsigned int i;

	memset(leak, 0, sizeof(*leak));
	ftio_pt_stats(t, &st);
	leak->tag = t->tag;
	leak->objects = st.live_objects;
	leak->bytes = st.live_bytes;
	if (!atomic64_read(&t->tracked))
		return;

	rhashtable_walk_enter(&ftio_pt_recs, &iter);
	rhashtable_walk_start(&iter);
	while ((rec = rhashtable_walk_next(&iter))) {
		if (IS_ERR(rec))
			continue;	/* a resize: some may be seen twice */
		if (rec->tag != t)
			continue;
		for (i = 0; i < leak->nsites; i++)
			if (leak->sites[i].caller == rec->caller)
				break;
		if (i == leak->nsites) {
			if (i == ARRAY_SIZE(leak->sites))
				continue;
			leak->sites[i].caller = rec->caller;
			leak->nsites++;
		}
		leak->sites[i].objects++;
		leak->sites[i].bytes += rec->size;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_leak_collect);

/*
 * @mod leaves: take it from @t's users; the next sharer, if any, becomes
 * the owner. Return: whether @mod was a user. Called with ftio_pt_lock.
 */
static bool ftio_pt_user_leaves(struct ftio_pt_tag *t, struct module *mod)
{
	unsigned int i;
	bool user = false;

	lockdep_assert_held(&ftio_pt_lock);
	for (i = 0; i < FTIO_PT_SHARERS; i++)
		if (cmpxchg(&t->sharers[i], mod, NULL) == mod)
			user = true;
	if (t->owner != mod)
		return user;
	t->owner = NULL;
	for (i = 0; i < FTIO_PT_SHARERS; i++) {
		struct module *next = xchg(&t->sharers[i], NULL);

		if (next) {
			t->owner = next;
			strscpy(t->owner_name, module_name(next), sizeof(t->owner_name));
			break;
		}
	}
	return true;
}

/**
 * ftio_pt_leak_check() - report the tags of a departing module that hold memory
 * @mod: the module
 * @out: the reports, or NULL
 * @max: room in @out
 *
 * Each leaking tag gets a pool-leak event and a kernel log report; with
 * panic_on_leak set, the machine panics after the report.
 *
 * Return: the number of leaking tags.
 */
unsigned int ftio_pt_leak_check(struct module *mod, struct ftio_pt_leak *out,
				unsigned int max)
{
	struct ftio_pt_leak *leak = kmalloc(sizeof(*leak), GFP_KERNEL);
	struct ftio_pt_tag *t;
	unsigned int n = 0, i;
	char name[5];

	if (!leak)
		return 0;
	mutex_lock(&ftio_pt_lock);
	list_for_each_entry(t, &ftio_pt_tags, node) {
		if (!ftio_pt_user_leaves(t, mod))
			continue;
		/* Whose is what is live? Not knowable while others use it. */
		if (READ_ONCE(t->owner) || READ_ONCE(t->shared))
			continue;
		ftio_pt_leak_collect(t, leak);
		/* What an earlier owner leaked was reported then. */
		if (leak->objects <= t->leaked)
			continue;
		leak->objects -= t->leaked;
		leak->bytes -= min(leak->bytes, t->leaked_bytes);
		t->leaked += leak->objects;
		t->leaked_bytes += leak->bytes;
		ftio_pt_tag_name(t->tag, name);
		pr_err("ftio_pooltag: leak: %s unloads with %llu objects (%llu bytes) under tag %s\n",
		       t->owner_name, leak->objects, leak->bytes, name);
		for (i = 0; i < leak->nsites; i++)
			pr_err("ftio_pooltag:   %llu objects, %llu bytes allocated at %pS\n",
			       leak->sites[i].objects, leak->sites[i].bytes,
			       (void *)leak->sites[i].caller);
		ftio_event_emit(&ftio_pt_module, FTIO_EVENT_CODE_POOL_LEAK, NULL, name,
				"%s unloaded with %llu objects (%llu bytes) under %s",
				t->owner_name, leak->objects, leak->bytes, name);
		atomic64_inc(&ftio_pt_leaks);
		if (out && n < max)
			out[n] = *leak;
		n++;
	}
	mutex_unlock(&ftio_pt_lock);
	kfree(leak);
	if (n && READ_ONCE(ftio_pt_panic_on_leak))
		panic("ftio_pooltag: %s leaked memory under %u tags (panic_on_leak is set)\n",
		      module_name(mod), n);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_leak_check);

int ftio_pt_records_init(void)
{
	int ret;

	ftio_pt_rec_cache = KMEM_CACHE(ftio_pt_rec, 0);
	if (!ftio_pt_rec_cache)
		return -ENOMEM;
	ret = rhashtable_init(&ftio_pt_recs, &ftio_pt_rec_params);
	if (ret)
		kmem_cache_destroy(ftio_pt_rec_cache);
	return ret;
}

static void ftio_pt_rec_destroy(void *ptr, void *arg)
{
	struct ftio_pt_rec *rec = ptr;

	unsigned long *kept = arg;

	/*
	 * Every module that allocated through us is gone. What is still
	 * recorded under a tag whose leak was reported stays allocated, as
	 * the kernel keeps what a destroyed slab cache still held: whatever
	 * the leaker handed it to may still point at it. It was reported,
	 * so kmemleak need not report it again. Other records may be stale
	 * (an owner that freed behind our back), and objects of caches
	 * went with the caches.
	 */
	if (rec->tag->leaked && (rec->base || !rec->kc)) {
		kmemleak_not_leak(rec->base ? rec->base : rec->ptr);
		(*kept)++;
	}
	kmem_cache_free(ftio_pt_rec_cache, rec);
}

void ftio_pt_records_exit(void)
{
	struct ftio_pt_rec *rec, *tmp;
	unsigned long kept = 0;

	flush_work(&ftio_pt_unmap);

	rhashtable_free_and_destroy(&ftio_pt_recs, ftio_pt_rec_destroy, &kept);
	if (kept)
		pr_warn("ftio_pooltag: %lu leaked objects stay allocated (reported when their modules left)\n",
			kept);
	list_for_each_entry_safe(rec, tmp, &ftio_pt_quarantine, list) {
		ftio_pt_special_release(rec);
		kmem_cache_free(ftio_pt_rec_cache, rec);
	}
	rcu_barrier();
	kmem_cache_destroy(ftio_pt_rec_cache);
}
