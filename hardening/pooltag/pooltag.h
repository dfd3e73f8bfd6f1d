/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ftio_pooltag internals, shared by its files and its KUnit suite.
 */
#ifndef _FTIO_POOLTAG_INTERNAL_H
#define _FTIO_POOLTAG_INTERNAL_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <ftio/core.h>
#include <ftio/pooltag.h>

struct nlattr;
struct netlink_ext_ack;
struct attribute_group;

/* What a tag has switched on; any bit sends its allocations the slow way. */
#define FTIO_PT_QUOTA		BIT(0)
#define FTIO_PT_SPECIAL		BIT(1)
#define FTIO_PT_FAIL		BIT(2)
#define FTIO_PT_TRACK		BIT(3)

#define FTIO_PT_DESC_LEN	64
#define FTIO_PT_SELF_TAG	FTIO_TAG('P', 't', 'a', 'g')

/* Modules besides the owner that a tag remembers as its users. */
#define FTIO_PT_SHARERS 4

/**
 * struct ftio_pt_tag - one pool tag
 * @tag: the four characters
 * @flags: FTIO_PT_*, read without a lock on every allocation
 * @sizes: 0 before the tag's first kmalloc allocation; then the size
 *	class all its allocations had (low 32 bits) and the smallest request
 *	that class serves (high 32 bits); FTIO_POOL_SIZES_MIXED for ever once
 *	a second class was used. The key in @pcpu follows it.
 * @pcpu: the per-CPU counters
 * @class: the size class counted in class_allocs and class_frees, kept
 *	once @sizes went mixed
 * @live_bytes: live bytes, kept exactly while a quota is set
 * @peak_bytes: highest live bytes seen (exact with a quota, else sampled
 *	at every read of the counters and every second)
 * @quota_hits: allocations refused by the quota
 * @injected: failures the simulation caused
 * @mismatches: frees with the wrong tag (counted on both tags)
 * @bad_frees: frees of pointers never handed out
 * @special_allocs: allocations served by the special pool
 * @tracked: live allocations that have a record
 * @leaked: live allocations already reported as leaked
 * @leaked_bytes: their bytes
 * @quota: bytes, 0 for none
 * @quota_state: 0 armed, 1 warned (at 80 %), 2 quota reached; back to 0
 *		 below 70 %
 * @special: FTIO_SPECIAL_MODE_*
 * @fail_ppm: failure probability in millionths
 * @fail_interval: consider every Nth allocation only
 * @fail_limited: @fail_left counts down
 * @fail_left: failures left when @fail_limited
 * @fail_seen: allocations seen by the simulation (for @fail_interval)
 * @owner: module that owns the tag, NULL once it is gone
 * @owner_name: its name, kept after it is gone
 * @sharers: other modules that allocate under the tag (a tag is a name any
 *	module may use); a module's unload reports the tag's live memory
 *	as leaked only when no other user is left, as it cannot tell whose
 *	it is
 * @shared: more users than @sharers holds: no leak report at all
 * @desc: description for the tools
 * @hnode: in the tag hash
 * @node: in the list of all tags, in creation order
 */
struct ftio_pt_tag {
	u32 tag;
	u32 flags;
	u64 sizes;
	struct ftio_pool_pcpu __percpu *pcpu;
	u32 class;
	atomic64_t live_bytes;
	atomic64_t peak_bytes;
	atomic64_t quota_hits;
	atomic64_t injected;
	atomic64_t mismatches;
	atomic64_t bad_frees;
	atomic64_t special_allocs;
	atomic64_t tracked;
	u64 leaked;
	u64 leaked_bytes;
	u64 quota;
	atomic_t quota_state;
	u32 special;
	u32 fail_ppm;
	u32 fail_interval;
	bool fail_limited;
	atomic_t fail_left;
	atomic_t fail_seen;
	struct module *owner;
	char owner_name[MODULE_NAME_LEN];
	struct module *sharers[FTIO_PT_SHARERS];
	bool shared;
	char desc[FTIO_PT_DESC_LEN];
	struct hlist_node hnode;
	struct list_head node;
};

/* A snapshot of a tag's counters, for netlink, sysfs and tests. */
struct ftio_pt_stats {
	u64 allocs;
	u64 frees;
	u64 live_objects;
	u64 live_bytes;
	u64 peak_bytes;
	u64 failures;
};

/**
 * struct ftio_pt_rec - what is known of one allocation
 * @node: in the record table, keyed by @ptr
 * @ptr: the object
 * @tag: its tag
 * @size: bytes accounted to the tag
 * @req: bytes asked for
 * @caller: where it was allocated
 * @time_ns: when (CLOCK_BOOTTIME)
 * @kc: the kmem_cache it came from, NULL for kmalloc
 * @base: special pool: start of its pages, else NULL
 * @area: special pool: bytes of its pages
 * @free_caller: special pool: where it was freed (in quarantine)
 * @list: special pool: in the live list, then the quarantine
 * @rcu: deferred free
 */
struct ftio_pt_rec {
	struct rhash_head node;
	const void *ptr;
	struct ftio_pt_tag *tag;
	size_t size;
	size_t req;
	unsigned long caller;
	u64 time_ns;
	struct kmem_cache *kc;
	void *base;
	size_t area;
	unsigned long free_caller;
	struct list_head list;
	struct rcu_head rcu;
};

/* The leak report of one tag. */
struct ftio_pt_leak {
	u32 tag;
	u64 objects;
	u64 bytes;
	unsigned int nsites;
	struct {
		unsigned long caller;
		u64 objects;
		u64 bytes;
	} sites[8];
};

/*
 * An allocation (@bytes > 0) or a free (@bytes < 0) of @t: two adds to
 * this CPU's counters, nothing shared is written.
 */
static __always_inline void ftio_pt_add(struct ftio_pt_tag *t, s64 bytes)
{
	struct ftio_pool_pcpu __percpu *pc = t->pcpu;

	if (bytes > 0) {
		this_cpu_inc(pc->allocs);
		this_cpu_add(pc->bytes_alloc, bytes);
	} else {
		this_cpu_inc(pc->frees);
		this_cpu_add(pc->bytes_freed, -bytes);
	}
}

extern struct ftio_module ftio_pt_module;
extern struct mutex ftio_pt_lock;
extern struct list_head ftio_pt_tags;

/* Allocations that have a record (tracking, special pool). */
extern atomic_long_t ftio_pool_records;
/* Slow-path allocations that may be making a record right now. */
extern atomic_t ftio_pt_recording;

extern bool ftio_pt_panic_on_leak;
extern atomic64_t ftio_pt_leaks;

/* Points in the middle of an operation where KUnit acts (a second thread). */
enum ftio_pt_point {
	FTIO_PT_POINT_SET_FLAG,		/* a setter has read the flags */
	FTIO_PT_POINT_ALLOC_LIVE,	/* counted live, no record yet */
};

#if IS_ENABLED(CONFIG_KUNIT)
typedef void (*ftio_pt_test_hook_t)(enum ftio_pt_point at, struct ftio_pt_tag *t);
extern ftio_pt_test_hook_t ftio_pt_test_hook;

static inline void ftio_pt_test_point(enum ftio_pt_point at, struct ftio_pt_tag *t)
{
	ftio_pt_test_hook_t hook = READ_ONCE(ftio_pt_test_hook);

	if (hook)
		hook(at, t);
}
#else
static inline void ftio_pt_test_point(enum ftio_pt_point at, struct ftio_pt_tag *t)
{
}
#endif

/* pooltag_tags.c */
struct ftio_pt_tag *ftio_pt_get(u32 tag, struct module *owner, gfp_t gfp);
struct ftio_pt_tag *ftio_pt_find(u32 tag);
void ftio_pt_stats(struct ftio_pt_tag *t, struct ftio_pt_stats *st);
unsigned int ftio_pt_ntags(void);
void ftio_pt_tag_name(u32 tag, char name[5]);
int ftio_pt_tags_init(void);
void ftio_pt_tags_exit(void);
void ftio_pt_peak(struct ftio_pt_tag *t, s64 live);
void ftio_pt_quota_check(struct ftio_pt_tag *t, bool refused);
void *ftio_pt_self_alloc(size_t size, gfp_t gfp);
void ftio_pt_self_account(s64 bytes);
void ftio_pt_set_quota(struct ftio_pt_tag *t, u64 quota);
void ftio_pt_set_special(struct ftio_pt_tag *t, u32 mode);
void ftio_pt_set_fail(struct ftio_pt_tag *t, u32 ppm, u32 interval, u32 times);
void ftio_pt_set_track(struct ftio_pt_tag *t, bool on);
void ftio_pt_fail_done(struct ftio_pt_tag *t);
void ftio_pt_self_free(const void *p);
void ftio_pt_controls_changed(void);
bool ftio_pt_controls_sync(void);
bool ftio_pt_any_control(void);

/* pooltag_alloc.c */
void ftio_pt_note_size(struct ftio_pt_tag *t, size_t bytes);
void *ftio_pt_alloc(struct ftio_pt_tag *t, size_t size, size_t align,
		    gfp_t gfp, struct kmem_cache *kc, unsigned long caller);
void ftio_pt_free(struct ftio_pt_tag *t, u32 tag, const void *p,
		  struct kmem_cache *kc, unsigned long caller);
bool ftio_pt_should_fail(struct ftio_pt_tag *t);
void ftio_pt_account_free(struct ftio_pt_tag *t, size_t bytes);

/* pooltag_records.c */
int ftio_pt_records_init(void);
void ftio_pt_records_exit(void);
struct ftio_pt_rec *ftio_pt_rec_new(gfp_t gfp);
void ftio_pt_rec_free(struct ftio_pt_rec *rec);
int ftio_pt_rec_insert(struct ftio_pt_rec *rec);
struct ftio_pt_rec *ftio_pt_rec_take(const void *ptr);
void *ftio_pt_special_alloc(struct ftio_pt_tag *t, size_t size, size_t align,
			    gfp_t gfp, unsigned long caller);
void ftio_pt_special_free(struct ftio_pt_rec *rec, unsigned long caller);
void ftio_pt_special_flush(void);
int ftio_pt_describe(unsigned long addr, char *buf, size_t len);
void ftio_pt_leak_collect(struct ftio_pt_tag *t, struct ftio_pt_leak *leak);
unsigned int ftio_pt_leak_check(struct module *mod, struct ftio_pt_leak *out,
				unsigned int max);

/* pooltag_nl.c */
extern const struct ftio_nl_handler ftio_pt_nl_handlers[2];
int ftio_pt_set(struct ftio_pt_tag *t, struct nlattr **attrs,
		struct netlink_ext_ack *extack);

/* pooltag_sysfs.c */
extern const struct attribute_group *ftio_pt_groups[];

#endif /* _FTIO_POOLTAG_INTERNAL_H */
