// SPDX-License-Identifier: GPL-2.0
/*
 * Pool tags: creation on first use, lookup on every allocation, and the
 * per-CPU counters summed into consistent snapshots.
 *
 * A tag lives as long as ftio_pooltag does, so a pointer to it stays
 * valid without reference counting. Lookups go through a direct-mapped
 * array (one load and one compare when it hits) in front of a hash table.
 */
#include <linux/hash.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "pooltag.h"

#define FTIO_PT_FAST_BITS	10
#define FTIO_PT_HASH_BITS	8

DEFINE_STATIC_KEY_FALSE(ftio_pool_controls);
EXPORT_SYMBOL_GPL(ftio_pool_controls);
static void ftio_pt_controls_check(struct work_struct *work);
static DECLARE_WORK(ftio_pt_controls_work, ftio_pt_controls_check);

/* Serialises changes of a tag's controls and the leak walk. */
DEFINE_MUTEX(ftio_pt_lock);
LIST_HEAD(ftio_pt_tags);
static DEFINE_SPINLOCK(ftio_pt_hash_lock);
static struct hlist_head ftio_pt_hash[1 << FTIO_PT_HASH_BITS];
static struct ftio_pt_tag *ftio_pt_fast[1 << FTIO_PT_FAST_BITS];
static unsigned int ftio_pt_count;

/* ftio_pooltag's own bookkeeping is accounted under a tag of its own. */
static struct ftio_pt_tag ftio_pt_self;

bool ftio_pool_tag_valid(u32 tag)
{
	int i;

	for (i = 0; i < 4; i++) {
		u8 c = tag >> (8 * i);

		if (c < 0x20 || c > 0x7e)
			return false;
	}
	return true;
}
EXPORT_SYMBOL_GPL(ftio_pool_tag_valid);

/**
 * ftio_pt_tag_name() - the printable name of a tag
 * @tag: the tag
 * @name: five bytes for the four characters and a NUL
 */
void ftio_pt_tag_name(u32 tag, char name[5])
{
	int i;

	for (i = 0; i < 4; i++) {
		u8 c = tag >> (8 * i);

		name[i] = c >= 0x20 && c <= 0x7e ? c : '?';
	}
	name[4] = '\0';
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_tag_name);

/**
 * ftio_pt_self_account() - account bytes of ftio_pooltag's own bookkeeping
 * @bytes: positive when taken, negative when given back
 */
void ftio_pt_self_account(s64 bytes)
{
	if (!ftio_pt_self.pcpu)
		return;
	ftio_pt_add(&ftio_pt_self, bytes);
	atomic64_add(bytes, &ftio_pt_self.live_bytes);
}

/**
 * ftio_pt_self_alloc() - memory for ftio_pooltag's own use, under its tag
 * @size: bytes
 * @gfp: allocation flags
 *
 * Return: the memory or NULL.
 */
void *ftio_pt_self_alloc(size_t size, gfp_t gfp)
{
	void *p = kmalloc(kmalloc_size_roundup(size), gfp);

	if (p)
		ftio_pt_self_account(ksize(p));
	return p;
}

void ftio_pt_self_free(const void *p)
{
	if (ZERO_OR_NULL_PTR(p))
		return;
	ftio_pt_self_account(-(s64)ksize(p));
	kfree(p);
}

static u32 ftio_pt_hash_of(u32 tag, unsigned int bits)
{
	return hash_32(tag, bits);
}

/**
 * ftio_pt_find() - look a tag up without creating it
 * @tag: the tag
 *
 * Return: the tag, or NULL if it was never used.
 */
struct ftio_pt_tag *ftio_pt_find(u32 tag)
{
	struct ftio_pt_tag **slot = &ftio_pt_fast[ftio_pt_hash_of(tag, FTIO_PT_FAST_BITS)];
	struct ftio_pt_tag *t = READ_ONCE(*slot);

	if (likely(t && t->tag == tag))
		return t;
	rcu_read_lock();
	hlist_for_each_entry_rcu(t, &ftio_pt_hash[ftio_pt_hash_of(tag, FTIO_PT_HASH_BITS)],
				 hnode) {
		if (t->tag == tag) {
			WRITE_ONCE(*slot, t);
			break;
		}
	}
	rcu_read_unlock();
	return t;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_find);

static void ftio_pt_tag_init(struct ftio_pt_tag *t, u32 tag,
			     struct module *owner)
{
	t->tag = tag;
	t->owner = owner;
	strscpy(t->owner_name, owner ? module_name(owner) : "-",
		sizeof(t->owner_name));
	INIT_LIST_HEAD(&t->node);
}

/* A tag without owner (made by pool-set, or its owner left) gets one. */
static noinline void ftio_pt_adopt(struct ftio_pt_tag *t, struct module *owner)
{
	mutex_lock(&ftio_pt_lock);
	if (!t->owner) {
		t->owner = owner;
		strscpy(t->owner_name, module_name(owner), sizeof(t->owner_name));
	}
	mutex_unlock(&ftio_pt_lock);
}

/* Another module than the owner uses @t: remember it (no lock: any context). */
static noinline void ftio_pt_note_sharer(struct ftio_pt_tag *t, struct module *mod)
{
	unsigned int i;

	for (i = 0; i < FTIO_PT_SHARERS; i++)
		if (READ_ONCE(t->sharers[i]) == mod)
			return;
	for (i = 0; i < FTIO_PT_SHARERS; i++)
		if (!cmpxchg(&t->sharers[i], NULL, mod))
			return;
	WRITE_ONCE(t->shared, true);
}

/**
 * ftio_pt_get() - the tag, created on first use
 * @tag: the tag
 * @owner: module to own it if it is created now
 * @gfp: flags for its creation
 *
 * Return: the tag, or NULL for a bad tag or if memory ran out.
 */
struct ftio_pt_tag *ftio_pt_get(u32 tag, struct module *owner, gfp_t gfp)
{
	struct ftio_pt_tag *t = ftio_pt_find(tag), *other;
	unsigned long flags;

	if (likely(t)) {
		struct module *o = READ_ONCE(t->owner);

		if (unlikely(!o && owner) && gfpflags_allow_blocking(gfp))
			ftio_pt_adopt(t, owner);
		else if (unlikely(o && owner && o != owner))
			ftio_pt_note_sharer(t, owner);
		return t;
	}
	if (!ftio_pool_tag_valid(tag))
		return NULL;

	gfp = (gfp & GFP_KERNEL) | __GFP_ZERO | __GFP_NOWARN;
	t = ftio_pt_self_alloc(sizeof(*t), gfp);
	if (!t)
		return NULL;
	t->pcpu = alloc_percpu_gfp(struct ftio_pool_pcpu, gfp);
	if (!t->pcpu) {
		ftio_pt_self_free(t);
		return NULL;
	}
	ftio_pt_self_account(sizeof(struct ftio_pool_pcpu) * num_possible_cpus());
	ftio_pt_tag_init(t, tag, owner);

	spin_lock_irqsave(&ftio_pt_hash_lock, flags);
	hlist_for_each_entry(other, &ftio_pt_hash[ftio_pt_hash_of(tag, FTIO_PT_HASH_BITS)],
			     hnode) {
		if (other->tag == tag) {
			/* Somebody else created it meanwhile. */
			spin_unlock_irqrestore(&ftio_pt_hash_lock, flags);
			ftio_pt_self_account(-(s64)(sizeof(struct ftio_pool_pcpu) *
						    num_possible_cpus()));
			free_percpu(t->pcpu);
			ftio_pt_self_free(t);
			return other;
		}
	}
	hlist_add_head_rcu(&t->hnode, &ftio_pt_hash[ftio_pt_hash_of(tag, FTIO_PT_HASH_BITS)]);
	list_add_tail_rcu(&t->node, &ftio_pt_tags);
	ftio_pt_count++;
	spin_unlock_irqrestore(&ftio_pt_hash_lock, flags);
	return t;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_get);

unsigned int ftio_pt_ntags(void)
{
	return READ_ONCE(ftio_pt_count);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_ntags);

/**
 * ftio_pt_peak() - raise a tag's peak to live bytes seen now
 * @t: the tag
 * @live: its live bytes
 */
void ftio_pt_peak(struct ftio_pt_tag *t, s64 live)
{
	s64 peak = atomic64_read(&t->peak_bytes);

	while (live > peak) {
		if (atomic64_try_cmpxchg(&t->peak_bytes, &peak, live))
			break;
	}
}

/**
 * ftio_pt_quota_check() - raise the quota events on a crossing
 * @t: a tag with a quota
 * @refused: an allocation was just refused
 */
void ftio_pt_quota_check(struct ftio_pt_tag *t, bool refused)
{
	u64 quota = READ_ONCE(t->quota);
	s64 live = atomic64_read(&t->live_bytes);
	char name[5];

	if (!quota)
		return;
	ftio_pt_tag_name(t->tag, name);
	if (refused) {
		if (atomic_xchg(&t->quota_state, 2) != 2)
			ftio_event_emit(&ftio_pt_module, FTIO_EVENT_CODE_POOL_QUOTA_REACHED,
					NULL, name,
					"tag %s refused an allocation at its quota of %llu bytes",
					name, quota);
		return;
	}
	/*
	 * Warn at 80 %; arm again only below 70 %, so that a tag that
	 * hovers around 80 % warns once. Computed without multiplying: the
	 * quota may be anything up to S64_MAX.
	 */
	if (live >= (s64)(quota - quota / 5)) {
		if (atomic_cmpxchg(&t->quota_state, 0, 1) == 0)
			ftio_event_emit(&ftio_pt_module, FTIO_EVENT_CODE_POOL_QUOTA_WARNING,
					NULL, name,
					"tag %s holds %lld of its %llu bytes", name, live,
					quota);
	} else if (live < (s64)(quota - quota / 10 * 3) &&
		   atomic_read(&t->quota_state)) {
		atomic_set(&t->quota_state, 0);
	}
}

/**
 * ftio_pt_stats() - a consistent snapshot of a tag's counters
 * @t: the tag
 * @st: filled in
 *
 * Frees are summed before allocations: an object's free is never seen
 * without its allocation, so live counts never go negative.
 */
void ftio_pt_stats(struct ftio_pt_tag *t, struct ftio_pt_stats *st)
{
	u64 frees = 0, bfreed = 0, allocs = 0, balloc = 0, fail = 0;
	int cpu;

	u64 cfrees = 0, callocs = 0, sizes;
	u32 class;

	for_each_possible_cpu(cpu) {
		struct ftio_pool_pcpu *pc = per_cpu_ptr(t->pcpu, cpu);

		frees += READ_ONCE(pc->frees);
		bfreed += READ_ONCE(pc->bytes_freed);
		cfrees += READ_ONCE(pc->class_frees);
	}
	/* Frees before allocations; pairs with the allocator's ordering. */
	smp_rmb();
	for_each_possible_cpu(cpu) {
		struct ftio_pool_pcpu *pc = per_cpu_ptr(t->pcpu, cpu);

		allocs += READ_ONCE(pc->allocs);
		balloc += READ_ONCE(pc->bytes_alloc);
		fail += READ_ONCE(pc->failures);
		callocs += READ_ONCE(pc->class_allocs);
	}
	/* The inline paths count objects of the tag's one class. */
	sizes = READ_ONCE(t->sizes);
	smp_rmb();	/* ->class is written before ->sizes goes mixed */
	class = sizes && sizes != FTIO_POOL_SIZES_MIXED ? (u32)sizes : READ_ONCE(t->class);
	frees += cfrees;
	bfreed += cfrees * class;
	allocs += callocs;
	balloc += callocs * class;
	/*
	 * No clamping: the order of the reads above is what keeps frees at
	 * or below allocations, and KUnit checks exactly that.
	 */
	st->allocs = allocs;
	st->frees = frees;
	st->live_objects = allocs - frees;
	st->live_bytes = balloc - bfreed;
	st->failures = fail;
	ftio_pt_peak(t, st->live_bytes);
	st->peak_bytes = atomic64_read(&t->peak_bytes);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_stats);

/* Peaks of tags without a quota are sampled: here, and at every read. */
static void ftio_pt_sample(struct work_struct *work);
static DECLARE_DELAYED_WORK(ftio_pt_sampler, ftio_pt_sample);

static void ftio_pt_sample(struct work_struct *work)
{
	struct ftio_pt_stats st;
	struct ftio_pt_tag *t;

	rcu_read_lock();
	list_for_each_entry_rcu(t, &ftio_pt_tags, node)
		ftio_pt_stats(t, &st);
	rcu_read_unlock();
	schedule_delayed_work(&ftio_pt_sampler, HZ);
}

int ftio_pt_tags_init(void)
{
	ftio_pt_self.pcpu = alloc_percpu(struct ftio_pool_pcpu);
	if (!ftio_pt_self.pcpu)
		return -ENOMEM;
	ftio_pt_tag_init(&ftio_pt_self, FTIO_PT_SELF_TAG, THIS_MODULE);
	strscpy(ftio_pt_self.desc, "ftio_pooltag's own bookkeeping",
		sizeof(ftio_pt_self.desc));
	ftio_pt_self_account(sizeof(struct ftio_pool_pcpu) * num_possible_cpus());
	hlist_add_head_rcu(&ftio_pt_self.hnode,
			   &ftio_pt_hash[ftio_pt_hash_of(FTIO_PT_SELF_TAG, FTIO_PT_HASH_BITS)]);
	list_add_tail_rcu(&ftio_pt_self.node, &ftio_pt_tags);
	ftio_pt_count = 1;
	schedule_delayed_work(&ftio_pt_sampler, HZ);
	return 0;
}

void ftio_pt_tags_exit(void)
{
	struct ftio_pt_tag *t, *tmp;

	cancel_delayed_work_sync(&ftio_pt_sampler);
	cancel_work_sync(&ftio_pt_controls_work);
	synchronize_rcu();
	list_for_each_entry_safe(t, tmp, &ftio_pt_tags, node) {
		free_percpu(t->pcpu);
		if (t != &ftio_pt_self)
			kfree(t);
	}
	INIT_LIST_HEAD(&ftio_pt_tags);
}

/*
 * Controls. Each takes ftio_pt_lock; flags change last, atomically.
 *
 * ftio_pool_controls is on while any tag has a control on or any
 * allocation has a record: it goes on (on every CPU) before a flag is
 * set, and off from a work item once no tag has a flag left and the last
 * record is gone, under ftio_pt_lock both. Records are made only by
 * allocations that saw a flag, so none appears once it is off.
 */
/**
 * ftio_pt_any_control() - has any tag a control on?
 *
 * Return: true if so.
 */
bool ftio_pt_any_control(void)
{
	struct ftio_pt_tag *t;
	bool any = false;

	rcu_read_lock();
	list_for_each_entry_rcu(t, &ftio_pt_tags, node) {
		if (READ_ONCE(t->flags)) {
			any = true;
			break;
		}
	}
	rcu_read_unlock();
	return any;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_any_control);

/*
 * Off once nothing needs the slow paths: no flag, no record, and no
 * allocation that read a flag still on its way to filing a record. The
 * barrier pairs with ftio_pt_alloc()'s: either it sees the flags off, or
 * this sees it counted.
 */
static void ftio_pt_controls_check(struct work_struct *work)
{
	mutex_lock(&ftio_pt_lock);
	if (static_key_enabled(&ftio_pool_controls) && !ftio_pt_any_control()) {
		smp_mb();	/* flags read before ftio_pt_recording */
		if (!atomic_read(&ftio_pt_recording) &&
		    !atomic_long_read(&ftio_pool_records))
			static_branch_disable(&ftio_pool_controls);
		/* else the last of them calls ftio_pt_controls_changed() */
	}
	mutex_unlock(&ftio_pt_lock);
}

#if IS_ENABLED(CONFIG_KUNIT)
ftio_pt_test_hook_t ftio_pt_test_hook;
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_test_hook);
#endif

/**
 * ftio_pt_controls_changed() - a control went off, or the last record:
 *	maybe the key too
 *
 * Context: any.
 */
void ftio_pt_controls_changed(void)
{
	schedule_work(&ftio_pt_controls_work);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_controls_changed);

/**
 * ftio_pt_controls_sync() - wait for the key to follow the controls
 *
 * Return: whether ftio_pool_controls is on.
 */
bool ftio_pt_controls_sync(void)
{
	flush_work(&ftio_pt_controls_work);
	return static_key_enabled(&ftio_pool_controls);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_controls_sync);

static void ftio_pt_set_flag(struct ftio_pt_tag *t, u32 flag, bool on)
{
	u32 flags = READ_ONCE(t->flags);

	lockdep_assert_held(&ftio_pt_lock);
	ftio_pt_test_point(FTIO_PT_POINT_SET_FLAG, t);
	if (on && !static_key_enabled(&ftio_pool_controls))
		static_branch_enable(&ftio_pool_controls);
	/*
	 * ftio_pt_fail_done() clears FTIO_PT_FAIL without the lock, from an
	 * allocation: a plain write here could set it again, or lose it.
	 */
	while (!try_cmpxchg(&t->flags, &flags, on ? flags | flag : flags & ~flag))
		;
	if (!on)
		ftio_pt_controls_changed();
}

/**
 * ftio_pt_set_quota() - cap a tag's live bytes
 * @t: the tag
 * @quota: bytes, 0 for no quota; at most S64_MAX (live bytes are signed),
 *	   which the netlink policy enforces
 */
void ftio_pt_set_quota(struct ftio_pt_tag *t, u64 quota)
{
	struct ftio_pt_stats st;

	if (WARN_ON_ONCE(quota > S64_MAX))
		quota = S64_MAX;

	mutex_lock(&ftio_pt_lock);
	WRITE_ONCE(t->quota, quota);
	atomic_set(&t->quota_state, 0);
	if (quota && !(t->flags & FTIO_PT_QUOTA)) {
		/*
		 * From now on every allocation and free of the tag keeps
		 * live_bytes exact; it starts from what the CPUs count once
		 * the fast paths under way have seen the flag (those that
		 * race with this change may be off by their size).
		 */
		ftio_pt_set_flag(t, FTIO_PT_QUOTA, true);
		synchronize_rcu();
		ftio_pt_stats(t, &st);
		atomic64_set(&t->live_bytes, st.live_bytes);
	} else if (!quota) {
		ftio_pt_set_flag(t, FTIO_PT_QUOTA, false);
	}
	mutex_unlock(&ftio_pt_lock);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_set_quota);

/**
 * ftio_pt_set_special() - put a tag's new allocations in the special pool
 * @t: the tag
 * @mode: FTIO_SPECIAL_MODE_*
 */
void ftio_pt_set_special(struct ftio_pt_tag *t, u32 mode)
{
	mutex_lock(&ftio_pt_lock);
	WRITE_ONCE(t->special, mode);
	ftio_pt_set_flag(t, FTIO_PT_SPECIAL, mode != FTIO_SPECIAL_MODE_OFF);
	mutex_unlock(&ftio_pt_lock);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_set_special);

/**
 * ftio_pt_set_fail() - simulate low resources for a tag
 * @t: the tag
 * @ppm: probability in millionths, 0 to stop
 * @interval: consider only every Nth allocation (0 or 1: all)
 * @times: fail at most this many times, 0 without limit
 */
void ftio_pt_set_fail(struct ftio_pt_tag *t, u32 ppm, u32 interval, u32 times)
{
	mutex_lock(&ftio_pt_lock);
	WRITE_ONCE(t->fail_interval, interval);
	atomic_set(&t->fail_seen, 0);
	atomic_set(&t->fail_left, times);
	WRITE_ONCE(t->fail_limited, times != 0);
	WRITE_ONCE(t->fail_ppm, min(ppm, 1000000U));
	ftio_pt_set_flag(t, FTIO_PT_FAIL, ppm != 0);
	mutex_unlock(&ftio_pt_lock);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_set_fail);

/**
 * ftio_pt_fail_done() - end a failure simulation whose failures are used up
 * @t: the tag
 *
 * Context: any; takes no lock.
 */
void ftio_pt_fail_done(struct ftio_pt_tag *t)
{
	u32 flags = READ_ONCE(t->flags);

	WRITE_ONCE(t->fail_ppm, 0);
	WRITE_ONCE(t->fail_limited, false);
	while (!try_cmpxchg(&t->flags, &flags, flags & ~FTIO_PT_FAIL))
		;
	ftio_pt_controls_changed();
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_fail_done);

/**
 * ftio_pt_set_track() - keep a record of each new allocation of a tag
 * @t: the tag
 * @on: true to start, false to stop (existing records stay until freed)
 */
void ftio_pt_set_track(struct ftio_pt_tag *t, bool on)
{
	mutex_lock(&ftio_pt_lock);
	ftio_pt_set_flag(t, FTIO_PT_TRACK, on);
	mutex_unlock(&ftio_pt_lock);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_set_track);
