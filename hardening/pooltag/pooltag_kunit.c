// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of ftio_pooltag: accounting (also under concurrent use on
 * every CPU), quota and its events, failure simulation, tracking with tag
 * mismatch and bad-free detection, the special pool's guard pages and
 * use-after-free faults (probed with copy_from_kernel_nofault(), so that
 * they are caught and asserted rather than oopsing), leak reports, and
 * tagged caches.
 *
 * Each test uses tags of its own, so the suite can run next to real users.
 */
#include <kunit/test.h>
#include <linux/kasan.h>
#include <linux/kfence.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <trace/events/kmem.h>

#include "pooltag.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Tags of the suite: 'K', 'u', and two characters per test. */
#define KTAG(a, b) FTIO_TAG('K', 'u', a, b)

static struct ftio_pt_tag *ktag(struct kunit *test, u32 tag)
{
	struct ftio_pt_tag *t = ftio_pt_get(tag, THIS_MODULE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	return t;
}

static u64 events_of_pooltag(void)
{
	return atomic64_read(&ftio_pt_module.events);
}

static void stats(struct ftio_pt_tag *t, struct ftio_pt_stats *st)
{
	ftio_pt_stats(t, st);
}

/* Every CPU's copy of @t's key is @key. */
static void expect_key(struct kunit *test, struct ftio_pt_tag *t, u64 key)
{
	int cpu;

	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_EQ(test, per_cpu_ptr(t->pcpu, cpu)->key, key);
}

/*
 * Every CPU's key of @t serves the size class @class inline, from
 * kmalloc's cache of that class.
 */
static void expect_class_cache(struct kunit *test, struct ftio_pt_tag *t,
			       size_t class)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct ftio_pool_pcpu *pc = per_cpu_ptr(t->pcpu, cpu);
		u64 key = pc->key;

		KUNIT_ASSERT_NE(test, key >> 48, 0ULL);
		KUNIT_EXPECT_EQ(test, ((key >> 32) & 0xffff) + (key >> 48) - 1, (u64)class);
		KUNIT_ASSERT_NOT_NULL(test, pc->class_cache);
		KUNIT_EXPECT_EQ(test, kmem_cache_size(pc->class_cache), class);
	}
}

/*
 * Allocations go through kmalloc() with the size asked for, so KASAN
 * poisons what lies past it: of 100 bytes, the granule at 96 has 4
 * accessible bytes, not the 128 of the size class. Read from the shadow
 * (generic KASAN), so that no report is made.
 */
static void kasan_sees_the_size_asked_for(struct kunit *test)
{
#ifdef CONFIG_KASAN_GENERIC
	u32 tag = KTAG('k', 'a');
	int round;

	for (round = 0; round < 3; round++) {	/* slow path, then inline */
		u8 *p = ftio_pool_alloc(100, GFP_KERNEL, tag), *kf = NULL;

		/* A KFENCE object is guarded by KFENCE, not KASAN: another. */
		if (p && is_kfence_address(p)) {
			kf = p;
			p = ftio_pool_alloc(100, GFP_KERNEL, tag);
		}
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_ASSERT_FALSE(test, is_kfence_address(p));
		KUNIT_EXPECT_EQ(test, *(s8 *)kasan_mem_to_shadow(p + 96), 4);
		KUNIT_EXPECT_LT(test, *(s8 *)kasan_mem_to_shadow(p + 104), 0);
		ftio_pool_free(p, tag);
		ftio_pool_free(kf, tag);
	}
#else
	kunit_skip(test, "needs generic KASAN");
#endif
}

/* What the kmalloc tracepoint said of this test's own allocations. */
struct kmalloc_seen {
	struct task_struct *task;
	int n;
	struct {
		const void *ptr;
		size_t req;
	} ev[8];
};

/* Runs in the allocating task itself, so the test reads it plainly. */
static void kmalloc_probe(void *data, unsigned long call_site, const void *ptr,
			  size_t req, size_t alloc, gfp_t gfp, int node)
{
	struct kmalloc_seen *seen = data;

	if (current != seen->task || seen->n >= ARRAY_SIZE(seen->ev))
		return;
	seen->ev[seen->n].ptr = ptr;
	seen->ev[seen->n].req = req;
	seen->n++;
}

/*
 * The kmalloc tracepoint sees a tagged allocation as kmalloc() of the
 * size asked for, the first (out of line, after the tag's own creation)
 * and the later (inline) ones.
 */
static void kmalloc_tracepoint_sees_each_allocation(struct kunit *test)
{
	struct kmalloc_seen seen = { .task = current };
	u32 tag = KTAG('t', 'p');
	int round, i, found;

	KUNIT_ASSERT_EQ(test, register_trace_kmalloc(kmalloc_probe, &seen), 0);
	for (round = 0; round < 3; round++) {
		void *p;

		seen.n = 0;
		p = ftio_pool_alloc(100, GFP_KERNEL, tag);
		KUNIT_EXPECT_NOT_NULL(test, p);
		for (i = 0, found = 0; i < seen.n; i++) {
			if (seen.ev[i].ptr != p)
				continue;
			found++;
			KUNIT_EXPECT_EQ(test, seen.ev[i].req, (size_t)100);
		}
		KUNIT_EXPECT_EQ_MSG(test, found, 1, "round %d", round);
		ftio_pool_free(p, tag);
	}
	unregister_trace_kmalloc(kmalloc_probe, &seen);
	tracepoint_synchronize_unregister();
}

/*
 * A tag of mixed sizes learns at free time what an object was accounted
 * with. For a KFENCE object ksize() is the size asked for (100), not the
 * class (128): the free must still take the class off. Allocations are
 * kept live until KFENCE samples one (its interval is 100 ms on the
 * debug kernel), for at most two seconds.
 */
static void kfence_object_freed_as_its_class(struct kunit *test)
{
#ifdef CONFIG_KFENCE
	u32 tag = KTAG('k', 'f');
	struct ftio_pt_tag *t = ktag(test, tag);
	size_t class = kmalloc_size_roundup(100);
	unsigned long deadline = jiffies + 2 * HZ;
	struct ftio_pt_stats before, st;
	void *mix, **objs;
	int n = 0, max = 2000, i;
	bool sampled = false;

	objs = kunit_kcalloc(test, max, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	/* Two size classes: frees go out of line and ask ksize(). */
	mix = ftio_pool_alloc(4 * class + 1, GFP_KERNEL, tag);
	KUNIT_ASSERT_NOT_NULL(test, mix);
	ftio_pool_free(ftio_pool_alloc(100, GFP_KERNEL, tag), tag);
	KUNIT_ASSERT_EQ(test, t->sizes, FTIO_POOL_SIZES_MIXED);
	stats(t, &before);
	while (n < max && !sampled && time_before(jiffies, deadline)) {
		objs[n] = ftio_pool_alloc(100, GFP_KERNEL, tag);
		KUNIT_ASSERT_NOT_NULL(test, objs[n]);
		sampled = is_kfence_address(objs[n++]);
		if (!sampled && n % 100 == 0)
			msleep(20);
	}
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.live_bytes - before.live_bytes, n * (u64)class);
	for (i = 0; i < n; i++)
		ftio_pool_free(objs[i], tag);
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.live_bytes, before.live_bytes);
	ftio_pool_free(mix, tag);
	if (!sampled)
		kunit_skip(test, "KFENCE sampled none of %d allocations in 2 s", n);
#else
	kunit_skip(test, "needs KFENCE");
#endif
}

static void tag_packing_and_validity(struct kunit *test)
{
	char name[5];

	KUNIT_EXPECT_EQ(test, FTIO_TAG('M', 'p', 'i', 'o'), 0x6f69704dU);
	ftio_pt_tag_name(FTIO_TAG('M', 'p', 'i', 'o'), name);
	KUNIT_EXPECT_STREQ(test, name, "Mpio");
	KUNIT_EXPECT_TRUE(test, ftio_pool_tag_valid(FTIO_TAG('a', ' ', '~', '0')));
	KUNIT_EXPECT_FALSE(test, ftio_pool_tag_valid(FTIO_TAG('a', 'b', 'c', 0)));
	KUNIT_EXPECT_FALSE(test, ftio_pool_tag_valid(FTIO_TAG('a', '\n', 'c', 'd')));
	KUNIT_EXPECT_FALSE(test, ftio_pool_tag_valid(FTIO_TAG('a', 'b', 'c', 0x7f)));
	KUNIT_EXPECT_NULL(test, ftio_pool_alloc(16, GFP_KERNEL, FTIO_TAG('a', 0, 'c', 'd')));
}

static void counts_and_bytes(struct kunit *test)
{
	static const size_t sizes[] = { 1, 64, 100, 256, 4096, 10000 };
	struct ftio_pt_tag *t = ktag(test, KTAG('c', 'b'));
	void *p[ARRAY_SIZE(sizes)];
	struct ftio_pt_stats before, st;
	u64 bytes = 0;
	unsigned int i;

	stats(t, &before);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = ftio_pool_alloc(sizes[i], GFP_KERNEL, KTAG('c', 'b'));
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		bytes += kmalloc_size_roundup(sizes[i]);
	}
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.allocs - before.allocs, (u64)ARRAY_SIZE(sizes));
	KUNIT_EXPECT_EQ(test, st.live_objects - before.live_objects, (u64)ARRAY_SIZE(sizes));
	KUNIT_EXPECT_EQ(test, st.live_bytes - before.live_bytes, bytes);
	KUNIT_EXPECT_GE(test, st.peak_bytes, st.live_bytes);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		ftio_pool_free(p[i], KTAG('c', 'b'));
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.frees - before.frees, (u64)ARRAY_SIZE(sizes));
	KUNIT_EXPECT_EQ(test, st.live_objects, before.live_objects);
	KUNIT_EXPECT_EQ(test, st.live_bytes, before.live_bytes);
	/* Freeing NULL and zero-size allocations is a no-op. */
	ftio_pool_free(NULL, KTAG('c', 'b'));
	ftio_pool_free(ftio_pool_alloc(0, GFP_KERNEL, KTAG('c', 'b')), KTAG('c', 'b'));
	stats(t, &before);
	KUNIT_EXPECT_EQ(test, before.live_objects, st.live_objects);
}

/*
 * A tag whose allocations all had one size class is freed inline without
 * asking the allocator for the size; a second class makes it "mixed" for
 * good, and the accounting stays exact through the change.
 */
static void one_size_class_then_mixed(struct kunit *test)
{
	struct ftio_pt_tag *t = ktag(test, KTAG('o', 'c'));
	size_t class = kmalloc_size_roundup(50);
	struct ftio_pt_stats before, st;
	void *a, *b, *c;

	if (t->sizes)
		kunit_skip(test, "the tag was used before (a second run of the suite)");
	stats(t, &before);
	a = ftio_pool_alloc(50, GFP_KERNEL, KTAG('o', 'c'));
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, (u32)t->sizes, (u32)class);
	/* The smallest request of the class, and every request up to it. */
	KUNIT_EXPECT_EQ(test, kmalloc_size_roundup(t->sizes >> 32), class);
	KUNIT_EXPECT_LT(test, kmalloc_size_roundup((t->sizes >> 32) - 1), class);
	/* Every CPU's inline path now knows the class. */
	expect_key(test, t, FTIO_POOL_KEY(KTAG('o', 'c'), t->sizes >> 32,
					  class - (t->sizes >> 32) + 1));
	expect_class_cache(test, t, class);
	b = ftio_pool_alloc(class, GFP_KERNEL, KTAG('o', 'c'));
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, ksize(b), class);
	/* Flags for a kmalloc cache of another type: kmalloc's, same class. */
	c = ftio_pool_alloc(class, GFP_KERNEL | __GFP_RECLAIMABLE, KTAG('o', 'c'));
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, ksize(c), class);
	KUNIT_EXPECT_EQ(test, (u32)t->sizes, (u32)class);
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.live_bytes - before.live_bytes, 3 * (u64)class);
	ftio_pool_free(c, KTAG('o', 'c'));
	ftio_pool_free(a, KTAG('o', 'c'));
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.live_bytes - before.live_bytes, (u64)class);

	c = ftio_pool_alloc(4 * class + 1, GFP_KERNEL, KTAG('o', 'c'));
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, t->sizes, FTIO_POOL_SIZES_MIXED);
	/* ...and no longer has one, before c was handed out. */
	expect_key(test, t, FTIO_POOL_KEY(KTAG('o', 'c'), 0, 0));
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.live_bytes - before.live_bytes,
			(u64)class + kmalloc_size_roundup(4 * class + 1));
	ftio_pool_free(b, KTAG('o', 'c'));
	ftio_pool_free(c, KTAG('o', 'c'));
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.live_bytes, before.live_bytes);
	KUNIT_EXPECT_EQ(test, st.live_objects, before.live_objects);
	/* Mixed is for good. */
	ftio_pt_note_size(t, class);
	KUNIT_EXPECT_EQ(test, t->sizes, FTIO_POOL_SIZES_MIXED);
}

/* One call site for every caller, as an inline helper's is. */
static noinline void *shared_site_alloc(size_t size, u32 tag)
{
	return ftio_pool_alloc(size, GFP_KERNEL, tag);
}

static noinline void shared_site_free(void *p, u32 tag)
{
	ftio_pool_free(p, tag);
}

/*
 * A site that callers with different tags share keeps each allocation
 * and free under the caller's tag, whatever tag the site saw last, and
 * so do tags whose class the inline path does not take: one that kmalloc
 * serves from the page allocator, and one too big for the key.
 */
static void shared_site_keeps_tags_apart(struct kunit *test)
{
	static const u32 tags[] = { KTAG('s', 'a'), KTAG('s', 'b'),
				    KTAG('s', 'c'), KTAG('s', 'd') };
	static const size_t sizes[] = { 40, 40, KMALLOC_MAX_CACHE_SIZE + 1,
					3 * FTIO_POOL_KEY_MAX_CLASS };
	const unsigned int n = ARRAY_SIZE(tags);
	struct ftio_pt_stats before[ARRAY_SIZE(tags)], st;
	void *p[ARRAY_SIZE(tags)][4];
	unsigned int i, j;

	for (i = 0; i < n; i++)
		stats(ktag(test, tags[i]), &before[i]);
	for (j = 0; j < 4; j++) {
		for (i = 0; i < n; i++) {
			p[i][j] = shared_site_alloc(sizes[i], tags[i]);
			KUNIT_ASSERT_NOT_NULL(test, p[i][j]);
		}
	}
	for (i = 0; i < n; i++) {
		stats(ftio_pt_find(tags[i]), &st);
		KUNIT_EXPECT_EQ(test, st.allocs - before[i].allocs, 4ULL);
		KUNIT_EXPECT_EQ(test, st.live_bytes - before[i].live_bytes,
				4 * (u64)kmalloc_size_roundup(sizes[i]));
	}
	/* The big classes are known, but their keys send calls out of line. */
	for (i = 2; i < n; i++)
		expect_key(test, ftio_pt_find(tags[i]), FTIO_POOL_KEY(tags[i], 0, 0));
	for (j = 0; j < 4; j++)
		for (i = 0; i < n; i++)
			shared_site_free(p[n - 1 - i][j], tags[n - 1 - i]);
	for (i = 0; i < n; i++) {
		stats(ftio_pt_find(tags[i]), &st);
		KUNIT_EXPECT_EQ(test, st.live_objects, before[i].live_objects);
		KUNIT_EXPECT_EQ(test, st.live_bytes, before[i].live_bytes);
		KUNIT_EXPECT_EQ(test, atomic64_read(&ftio_pt_find(tags[i])->mismatches), 0LL);
	}
}

/*
 * The key that sends the inline paths out of line is on while a control
 * is, and the counts stay exact across its changes.
 */
static void controls_key_follows_the_controls(struct kunit *test)
{
	struct ftio_pt_tag *t = ktag(test, KTAG('c', 'k'));
	size_t class = kmalloc_size_roundup(100);
	struct ftio_pt_stats before, st;
	void *a, *b;

	stats(t, &before);
	a = ftio_pool_alloc(100, GFP_KERNEL, KTAG('c', 'k'));	/* inline later */
	KUNIT_ASSERT_NOT_NULL(test, a);
	ftio_pt_set_quota(t, 1 << 20);
	KUNIT_EXPECT_TRUE(test, ftio_pt_controls_sync());
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->live_bytes), (s64)(before.live_bytes + class));
	b = ftio_pool_alloc(100, GFP_KERNEL, KTAG('c', 'k'));
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->live_bytes), (s64)(before.live_bytes + 2 * class));
	ftio_pool_free(a, KTAG('c', 'k'));
	ftio_pt_set_quota(t, 0);
	if (!ftio_pt_any_control() && !atomic_long_read(&ftio_pool_records))
		KUNIT_EXPECT_FALSE(test, ftio_pt_controls_sync());
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.live_bytes - before.live_bytes, (u64)class);
	KUNIT_EXPECT_EQ(test, st.live_objects - before.live_objects, 1ULL);
	ftio_pool_free(b, KTAG('c', 'k'));
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.live_bytes, before.live_bytes);
	KUNIT_EXPECT_EQ(test, st.allocs - before.allocs, 2ULL);
	KUNIT_EXPECT_EQ(test, st.frees - before.frees, 2ULL);
}

/*
 * An allocation made while tracking was on keeps the key on after
 * tracking goes off, so that its free still finds its record; the key
 * goes off with the last record.
 */
static void key_stays_on_while_records_live(struct kunit *test)
{
	struct ftio_pt_tag *t = ktag(test, KTAG('k', 'r'));
	struct ftio_pt_stats before, st;
	void *a;

	stats(t, &before);
	ftio_pt_set_track(t, true);
	a = ftio_pool_alloc(24, GFP_KERNEL, KTAG('k', 'r'));
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->tracked), 1LL);
	ftio_pt_set_track(t, false);
	KUNIT_EXPECT_TRUE(test, ftio_pt_controls_sync());
	ftio_pool_free(a, KTAG('k', 'r'));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->tracked), 0LL);
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.live_objects, before.live_objects);
	KUNIT_EXPECT_EQ(test, st.live_bytes, before.live_bytes);
	if (!ftio_pt_any_control() && !atomic_long_read(&ftio_pool_records))
		KUNIT_EXPECT_FALSE(test, ftio_pt_controls_sync());
}

static void zalloc_zeroes(struct kunit *test)
{
	u8 *p = ftio_pool_zalloc(300, GFP_KERNEL, KTAG('z', 'a'));
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < 300; i++)
		KUNIT_ASSERT_EQ(test, p[i], 0);
	ftio_pool_free(p, KTAG('z', 'a'));
}

#define CONC_ROUNDS 3000

struct conc_work {
	struct work_struct work;
	u32 tag;
};

static void conc_alloc_free(struct work_struct *work)
{
	struct conc_work *w = container_of(work, struct conc_work, work);
	void *keep[8];
	int i, j;

	for (i = 0; i < CONC_ROUNDS; i += 8) {
		for (j = 0; j < 8; j++)
			keep[j] = ftio_pool_alloc(32 + 16 * j, GFP_KERNEL, w->tag);
		for (j = 0; j < 8; j++)
			ftio_pool_free(keep[j], w->tag);
	}
}

static void counters_concurrent_on_all_cpus(struct kunit *test)
{
	u32 tag = KTAG('c', 'c');
	struct ftio_pt_tag *t = ktag(test, tag);
	struct conc_work *w = kunit_kcalloc(test, nr_cpu_ids, sizeof(*w), GFP_KERNEL);
	struct ftio_pt_stats before, st;
	unsigned int cpu, ncpu = num_online_cpus(), samples = 0, negative = 0;
	bool busy = true;

	KUNIT_ASSERT_NOT_NULL(test, w);
	stats(t, &before);
	for_each_online_cpu(cpu) {
		w[cpu].tag = tag;
		INIT_WORK(&w[cpu].work, conc_alloc_free);
		queue_work_on(cpu, system_highpri_wq, &w[cpu].work);
	}
	/*
	 * While they run, snapshots never count a free without its alloc
	 * (the snapshot does not clamp), and the controls change under
	 * the fast paths: quota on and off, the special pool on and off.
	 * An object allocated under one setting and freed under another
	 * gives back exactly what it took.
	 */
	while (busy) {
		busy = false;
		stats(t, &st);
		negative += st.allocs < st.frees || (s64)st.live_bytes < 0;
		samples++;
		ftio_pt_set_quota(t, samples & 1 ? 1ULL << 30 : 0);
		ftio_pt_set_special(t, samples & 2 ? FTIO_SPECIAL_MODE_OVERRUN :
					FTIO_SPECIAL_MODE_OFF);
		for_each_online_cpu(cpu)
			busy |= work_pending(&w[cpu].work) || work_busy(&w[cpu].work);
		cond_resched();
	}
	for_each_online_cpu(cpu)
		flush_work(&w[cpu].work);
	ftio_pt_set_quota(t, 0);
	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OFF);
	ftio_pt_special_flush();
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.allocs - before.allocs, (u64)ncpu * CONC_ROUNDS);
	KUNIT_EXPECT_EQ(test, st.frees - before.frees, (u64)ncpu * CONC_ROUNDS);
	KUNIT_EXPECT_EQ(test, st.live_objects, before.live_objects);
	KUNIT_EXPECT_EQ(test, st.live_bytes, before.live_bytes);
	KUNIT_EXPECT_GT(test, samples, 0U);
	KUNIT_EXPECT_EQ(test, negative, 0U);
}

/*
 * The 80 % warning is armed again only below 70 %: a tag that hovers
 * around 80 % warns once. Sizes are kmalloc's own, so that the live bytes
 * are exact: quota 10240, 80 % is 8192, 70 % is 7168.
 */
static void quota_warning_has_hysteresis(struct kunit *test)
{
	u32 tag = KTAG('q', 'h');
	struct ftio_pt_tag *t = ktag(test, tag);
	u64 ev0 = events_of_pooltag();
	void *a, *c, *d, *e;

	ftio_pt_set_quota(t, 10240);
	a = ftio_pool_alloc(4096, GFP_KERNEL, tag);
	c = ftio_pool_alloc(2048, GFP_KERNEL, tag);
	d = ftio_pool_alloc(1024, GFP_KERNEL, tag);
	KUNIT_ASSERT_TRUE(test, a && c && d);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0);	/* 7168: quiet */
	e = ftio_pool_alloc(1024, GFP_KERNEL, tag);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->live_bytes), 8192LL);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0 + 1);	/* 80 %: warned */
	ftio_pool_free(e, tag);					/* 70 %: still warned */
	e = ftio_pool_alloc(1024, GFP_KERNEL, tag);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0 + 1);	/* no repeat */
	ftio_pool_free(e, tag);
	ftio_pool_free(d, tag);					/* 60 %: armed */
	d = ftio_pool_alloc(1024, GFP_KERNEL, tag);
	e = ftio_pool_alloc(1024, GFP_KERNEL, tag);
	KUNIT_ASSERT_TRUE(test, d && e);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0 + 2);	/* warned again */
	ftio_pool_free(e, tag);
	ftio_pool_free(d, tag);
	ftio_pool_free(c, tag);
	ftio_pool_free(a, tag);
	ftio_pt_set_quota(t, 0);
}

/* The largest quota the policy takes: no overflow, no false warning. */
static void quota_at_s64_max_is_no_limit_in_practice(struct kunit *test)
{
	u32 tag = KTAG('q', 'm');
	struct ftio_pt_tag *t = ktag(test, tag);
	u64 ev0 = events_of_pooltag();
	void *a;

	ftio_pt_set_quota(t, S64_MAX);
	a = ftio_pool_alloc(4096, GFP_KERNEL, tag);
	KUNIT_EXPECT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0);
	ftio_pool_free(a, tag);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->quota_hits), 0LL);
	ftio_pt_set_quota(t, 0);
}

static void quota_limits_and_raises_events(struct kunit *test)
{
	u32 tag = KTAG('q', 'u');
	struct ftio_pt_tag *t = ktag(test, tag);
	u64 ev0 = events_of_pooltag();
	void *a, *b, *c;

	ftio_pt_set_quota(t, 8192);
	a = ftio_pool_alloc(4096, GFP_KERNEL, tag);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0);	/* 50 %: quiet */
	b = ftio_pool_alloc(3000, GFP_KERNEL, tag);		/* 4096 more: 100 % */
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0 + 1);	/* the 80 % warning */
	c = ftio_pool_alloc(8, GFP_KERNEL, tag);
	KUNIT_EXPECT_NULL(test, c);				/* over the quota */
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->quota_hits), 1LL);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0 + 2);	/* quota reached */
	KUNIT_EXPECT_NULL(test, ftio_pool_alloc(8, GFP_KERNEL, tag));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->quota_hits), 2LL);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0 + 2);	/* once only */
	ftio_pool_free(b, tag);
	ftio_pool_free(a, tag);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->live_bytes), 0LL);
	/* Back under 80 %, the warning is armed again. */
	a = ftio_pool_alloc(8000, GFP_KERNEL, tag);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0 + 3);
	ftio_pool_free(a, tag);
	ftio_pt_set_quota(t, 0);
	a = ftio_pool_alloc(65536, GFP_KERNEL, tag);
	KUNIT_EXPECT_NOT_NULL(test, a);
	ftio_pool_free(a, tag);
}

static void fail_simulation(struct kunit *test)
{
	u32 tag = KTAG('f', 's');
	struct ftio_pt_tag *t = ktag(test, tag);
	struct ftio_pt_stats before, st;
	int i, failed = 0;

	stats(t, &before);
	/* Always, three times. */
	ftio_pt_set_fail(t, 1000000, 0, 3);
	for (i = 0; i < 5; i++) {
		void *p = ftio_pool_alloc(64, GFP_KERNEL, tag);

		failed += !p;
		ftio_pool_free(p, tag);
	}
	KUNIT_EXPECT_EQ(test, failed, 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->injected), 3LL);
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.failures - before.failures, 3ULL);

	/* Every third, without limit. */
	ftio_pt_set_fail(t, 1000000, 3, 0);
	for (i = 1, failed = 0; i <= 9; i++) {
		void *p = ftio_pool_alloc(64, GFP_KERNEL, tag);

		KUNIT_EXPECT_EQ_MSG(test, !p, i % 3 == 0, "allocation %d", i);
		failed += !p;
		ftio_pool_free(p, tag);
	}
	KUNIT_EXPECT_EQ(test, failed, 3);

	/* Off. */
	ftio_pt_set_fail(t, 0, 0, 0);
	for (i = 0; i < 20; i++) {
		void *p = ftio_pool_alloc(64, GFP_KERNEL, tag);

		KUNIT_EXPECT_NOT_NULL(test, p);
		ftio_pool_free(p, tag);
	}
}

static void tracking_detects_tag_mismatch(struct kunit *test)
{
	u32 ta = KTAG('m', 'a'), tb = KTAG('m', 'b');
	struct ftio_pt_tag *a = ktag(test, ta), *b = ktag(test, tb);
	struct ftio_pt_stats sa0, sa;
	u64 ev0 = events_of_pooltag();
	void *p;

	ftio_pt_set_track(a, true);
	stats(a, &sa0);
	p = ftio_pool_alloc(128, GFP_KERNEL, ta);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, atomic64_read(&a->tracked), 1LL);
	/* The runner tolerates the WARN between these marks. */
	pr_info("ftio-expect: begin pooltag mismatch\n");
	ftio_pool_free(p, tb);
	pr_info("ftio-expect: end\n");
	KUNIT_EXPECT_EQ(test, atomic64_read(&a->mismatches), 1LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&b->mismatches), 1LL);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0 + 1);
	/* The bytes went back to the allocating tag. */
	stats(a, &sa);
	KUNIT_EXPECT_EQ(test, sa.live_objects, sa0.live_objects);
	KUNIT_EXPECT_EQ(test, sa.live_bytes, sa0.live_bytes);
	KUNIT_EXPECT_EQ(test, atomic64_read(&a->tracked), 0LL);
	ftio_pt_set_track(a, false);
}

static void tracking_detects_bad_free(struct kunit *test)
{
	u32 tag = KTAG('b', 'f');
	struct ftio_pt_tag *t = ktag(test, tag);
	u64 ev0 = events_of_pooltag();
	void *mine, *foreign = kmalloc(64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, foreign);
	ftio_pt_set_track(t, true);
	mine = ftio_pool_alloc(64, GFP_KERNEL, tag);
	KUNIT_ASSERT_NOT_NULL(test, mine);
	ftio_pool_free(foreign, tag);	/* never handed out: refused */
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->bad_frees), 1LL);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0 + 1);
	ftio_pool_free(mine, tag);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->bad_frees), 1LL);
	ftio_pt_set_track(t, false);
	kfree(foreign);			/* still ours to free */
}

static void no_bad_free_while_untracked_objects_live(struct kunit *test)
{
	u32 tag = KTAG('u', 't');
	struct ftio_pt_tag *t = ktag(test, tag);
	void *old = ftio_pool_alloc(64, GFP_KERNEL, tag);

	KUNIT_ASSERT_NOT_NULL(test, old);
	ftio_pt_set_track(t, true);	/* 'old' has no record */
	ftio_pool_free(old, tag);	/* must be freed, not called bad */
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->bad_frees), 0LL);
	ftio_pt_set_track(t, false);
}

/* What a test does from a hook point, as a second thread would there. */
static struct ftio_pt_tag *hook_tag;
static void *hook_old;
static int hook_hits;

static void free_older_meanwhile(enum ftio_pt_point at, struct ftio_pt_tag *t)
{
	void *old = hook_old;

	if (at != FTIO_PT_POINT_ALLOC_LIVE || t != hook_tag || !old)
		return;
	hook_old = NULL;
	hook_hits++;
	ftio_pool_free(old, t->tag);
}

/*
 * An allocation of a tracked tag is counted live and has no record yet
 * when another thread frees an older object of the tag, one with no
 * record (allocated before tracking began). That is a good free. With
 * the record counted before the object, the free saw as many records as
 * live objects: it called the free bad, kept the object and raised a
 * false event.
 */
static void free_racing_a_tracked_alloc_is_good(struct kunit *test)
{
	u32 tag = KTAG('r', 'b');
	struct ftio_pt_tag *t = ktag(test, tag);
	struct ftio_pt_stats before, st;
	u64 ev0;
	void *old, *young;

	old = ftio_pool_alloc(64, GFP_KERNEL, tag);
	KUNIT_ASSERT_NOT_NULL(test, old);
	ftio_pt_set_track(t, true);
	stats(t, &before);
	ev0 = events_of_pooltag();
	hook_tag = t;
	hook_old = old;
	hook_hits = 0;
	WRITE_ONCE(ftio_pt_test_hook, free_older_meanwhile);
	young = ftio_pool_alloc(64, GFP_KERNEL, tag);
	WRITE_ONCE(ftio_pt_test_hook, NULL);
	KUNIT_ASSERT_NOT_NULL(test, young);
	KUNIT_EXPECT_EQ(test, hook_hits, 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->bad_frees), 0LL);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0);
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.live_objects, before.live_objects);	/* one out, one in */
	ftio_pool_free(young, tag);
	ftio_pt_set_track(t, false);
}

static void clear_fail_meanwhile(enum ftio_pt_point at, struct ftio_pt_tag *t)
{
	if (at != FTIO_PT_POINT_SET_FLAG || t != hook_tag)
		return;
	hook_hits++;
	ftio_pt_fail_done(t);	/* as an allocation does, without the lock */
}

/*
 * A setter changes one flag under the lock while an allocation clears
 * FTIO_PT_FAIL without it (it used the simulation's last failure), between
 * the setter's read of the flags and its write: both changes stay. A
 * plain write of what the setter read put FTIO_PT_FAIL back.
 */
static void flag_updates_are_not_lost(struct kunit *test)
{
	u32 tag = KTAG('f', 'l');
	struct ftio_pt_tag *t = ktag(test, tag);
	u32 flags;

	ftio_pt_set_fail(t, 1000000, 0, 1);
	flags = READ_ONCE(t->flags);
	KUNIT_ASSERT_EQ(test, flags, (u32)FTIO_PT_FAIL);
	hook_tag = t;
	hook_hits = 0;
	WRITE_ONCE(ftio_pt_test_hook, clear_fail_meanwhile);
	ftio_pt_set_track(t, true);
	WRITE_ONCE(ftio_pt_test_hook, NULL);
	KUNIT_EXPECT_EQ(test, hook_hits, 1);
	flags = READ_ONCE(t->flags);
	KUNIT_EXPECT_EQ(test, flags, (u32)FTIO_PT_TRACK);
	ftio_pt_set_track(t, false);
	flags = READ_ONCE(t->flags);
	KUNIT_EXPECT_EQ(test, flags, 0U);
}

static void special_overrun_hits_guard_page(struct kunit *test)
{
	u32 tag = KTAG('s', 'o');
	struct ftio_pt_tag *t = ktag(test, tag);
	char byte, buf[256];
	u8 *p;

	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OVERRUN);
	p = ftio_pool_alloc(256, GFP_KERNEL, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->special_allocs), 1LL);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(p));
	KUNIT_EXPECT_EQ(test, offset_in_page(p + 256), 0UL);	/* against the guard */
	p[0] = 1;
	p[255] = 2;
	KUNIT_EXPECT_EQ(test, copy_from_kernel_nofault(&byte, p + 255, 1), 0);
	KUNIT_EXPECT_EQ(test, byte, 2);
	/* One byte further is the guard page: an overrun faults. */
	KUNIT_EXPECT_EQ(test, copy_from_kernel_nofault(&byte, p + 256, 1), -EFAULT);
	/* An oops there would be explained: tag, object, call site. */
	KUNIT_EXPECT_EQ(test, ftio_pt_describe((unsigned long)p + 256, buf, sizeof(buf)), 1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "overrun"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "tag Kuso"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "special_overrun_hits_guard_page"));
	ftio_pool_free(p, tag);
	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OFF);
}

/*
 * A tag in the special pool still gets kmalloc memory where vmalloc's
 * would not do: a caller that asks for a DMA zone (it maps it for DMA).
 */
static void special_pool_not_for_dma(struct kunit *test)
{
	u32 tag = KTAG('s', 'd');
	struct ftio_pt_tag *t = ktag(test, tag);
	u8 *p, *q;

	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OVERRUN);
	p = ftio_pool_alloc(256, GFP_KERNEL | __GFP_DMA32, tag);
	q = ftio_pool_alloc(256, GFP_KERNEL, tag);
	KUNIT_ASSERT_TRUE(test, p && q);
	KUNIT_EXPECT_FALSE(test, is_vmalloc_addr(p));
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(q));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->special_allocs), 1LL);
	ftio_pool_free(q, tag);
	ftio_pool_free(p, tag);
	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OFF);
}

static void special_underrun_hits_guard_page(struct kunit *test)
{
	u32 tag = KTAG('s', 'u');
	struct ftio_pt_tag *t = ktag(test, tag);
	char byte, buf[256];
	u8 *p;

	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_UNDERRUN);
	p = ftio_pool_alloc(100, GFP_KERNEL, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, offset_in_page(p), 0UL);
	p[0] = 1;
	KUNIT_EXPECT_EQ(test, copy_from_kernel_nofault(&byte, p, 1), 0);
	/* The byte before is the previous area's guard page. */
	KUNIT_EXPECT_EQ(test, copy_from_kernel_nofault(&byte, p - 1, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, ftio_pt_describe((unsigned long)p - 8, buf, sizeof(buf)), 1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "underrun"));
	ftio_pool_free(p, tag);
	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OFF);
}

static void special_use_after_free_faults(struct kunit *test)
{
	u32 tag = KTAG('s', 'f');
	struct ftio_pt_tag *t = ktag(test, tag);
	char byte, buf[256];
	u8 *p;

	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OVERRUN);
	p = ftio_pool_alloc(64, GFP_KERNEL, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p[0] = 42;
	ftio_pool_free(p, tag);
	ftio_pt_special_flush();
	KUNIT_EXPECT_EQ(test, copy_from_kernel_nofault(&byte, p, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, ftio_pt_describe((unsigned long)p, buf, sizeof(buf)), 1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "use after free"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "freed at"));
	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OFF);
}

/*
 * A freed object's addresses are not handed out again while it is in
 * the quarantine: a use after free keeps faulting instead of writing
 * into a newer object. (vfree() with vm_unmap_aliases() gave the same
 * page to the next allocation of the size.)
 */
static void special_freed_addresses_stay_taken(struct kunit *test)
{
	u32 tag = KTAG('s', 'q');
	struct ftio_pt_tag *t = ktag(test, tag);
	unsigned long gone;
	u8 *p, *q[32];
	char byte;
	int i;

	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OVERRUN);
	p = ftio_pool_alloc(64, GFP_KERNEL, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	gone = (unsigned long)p & PAGE_MASK;
	ftio_pool_free(p, tag);
	for (i = 0; i < ARRAY_SIZE(q); i++) {
		q[i] = ftio_pool_alloc(64, GFP_KERNEL, tag);
		KUNIT_ASSERT_NOT_NULL(test, q[i]);
		KUNIT_EXPECT_NE_MSG(test, (unsigned long)q[i] & PAGE_MASK, gone,
				    "allocation %d got the freed page", i);
	}
	KUNIT_EXPECT_EQ(test, copy_from_kernel_nofault(&byte, p, 1), -EFAULT);
	for (i = 0; i < ARRAY_SIZE(q); i++)
		ftio_pool_free(q[i], tag);
	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OFF);
}

/*
 * The quarantine keeps the last 256 freed objects: the 257th free sends
 * the first one's area back to vmalloc, and its record with it.
 */
static void special_quarantine_lets_the_oldest_go(struct kunit *test)
{
	const int n = 257;
	u32 tag = KTAG('s', 'l');
	struct ftio_pt_tag *t = ktag(test, tag);
	u8 **p = kunit_kcalloc(test, n, sizeof(*p), GFP_KERNEL);
	char buf[256];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OVERRUN);
	for (i = 0; i < n; i++) {
		p[i] = ftio_pool_alloc(64, GFP_KERNEL, tag);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	for (i = 0; i < n - 1; i++)
		ftio_pool_free(p[i], tag);
	KUNIT_EXPECT_EQ(test, ftio_pt_describe((unsigned long)p[0], buf, sizeof(buf)), 1);
	ftio_pool_free(p[n - 1], tag);
	KUNIT_EXPECT_EQ(test, ftio_pt_describe((unsigned long)p[0], buf, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, ftio_pt_describe((unsigned long)p[1], buf, sizeof(buf)), 1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "use after free"));
	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OFF);
}

/*
 * A free inside an RCU read-side section must not sleep: on a
 * preemptible-RCU kernel preemptible() is true there, and unmapping at
 * once slept in vfree() (a "sleeping function called from invalid
 * context" report on the console). The unmap is deferred, and done.
 */
static void special_free_under_rcu_does_not_sleep(struct kunit *test)
{
	u32 tag = KTAG('s', 'r');
	struct ftio_pt_tag *t = ktag(test, tag);
	char byte;
	u8 *p;

	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OVERRUN);
	p = ftio_pool_alloc(64, GFP_KERNEL, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	rcu_read_lock();
	ftio_pool_free(p, tag);
	rcu_read_unlock();
	ftio_pt_special_flush();
	KUNIT_EXPECT_EQ(test, copy_from_kernel_nofault(&byte, p, 1), -EFAULT);
	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OFF);
}

static void special_slack_overrun_reported_at_free(struct kunit *test)
{
	u32 tag = KTAG('s', 's');
	struct ftio_pt_tag *t = ktag(test, tag);
	u64 ev0 = events_of_pooltag();
	u8 *p;

	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OVERRUN);
	p = ftio_pool_alloc(100, GFP_KERNEL, tag);	/* 4 bytes of slack */
	KUNIT_ASSERT_NOT_NULL(test, p);
	p[101] = 'x';	/* an overrun too small to reach the guard page */
	ftio_pool_free(p, tag);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0 + 1);	/* pool-corruption */
	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OFF);
}

static void special_accounting_and_cache(struct kunit *test)
{
	u32 tag = KTAG('s', 'c');
	struct ftio_pt_tag *t = ktag(test, tag);
	struct ftio_pool_cache *c;
	struct ftio_pt_stats before, st;
	void *a, *b;

	c = ftio_pool_cache_create("ftio_kunit_sc", 192, 0, tag);
	KUNIT_ASSERT_NOT_NULL(test, c);
	stats(t, &before);
	a = ftio_pool_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OVERRUN);
	b = ftio_pool_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(b));
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.live_objects - before.live_objects, 2ULL);
	KUNIT_EXPECT_EQ(test, st.live_bytes - before.live_bytes, 192ULL + PAGE_SIZE);
	ftio_pt_set_special(t, FTIO_SPECIAL_MODE_OFF);
	ftio_pool_cache_free(c, b);	/* the record knows it is special */
	ftio_pool_cache_free(c, a);
	stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.live_objects, before.live_objects);
	KUNIT_EXPECT_EQ(test, st.live_bytes, before.live_bytes);
	ftio_pool_cache_destroy(c);
}

/* A module that never was, to own tags and leave. */
static struct module fake_module = { .name = "ftio_kunit_fake" };

static void leak_report_names_call_sites(struct kunit *test)
{
	u32 tag = KTAG('l', 'k');
	struct ftio_pt_tag *t = ftio_pt_get(tag, &fake_module, GFP_KERNEL);
	struct ftio_pt_leak *leak = kunit_kzalloc(test, sizeof(*leak), GFP_KERNEL);
	u64 ev0 = events_of_pooltag();
	void *p[3];
	char sym[128];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, leak);
	ftio_pt_set_track(t, true);
	for (i = 0; i < 3; i++) {
		p[i] = __ftio_pool_alloc(64, GFP_KERNEL, tag, &fake_module);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	KUNIT_ASSERT_EQ(test, ftio_pt_leak_check(&fake_module, leak, 1), 1U);
	KUNIT_EXPECT_EQ(test, events_of_pooltag(), ev0 + 1);
	KUNIT_EXPECT_EQ(test, leak->tag, tag);
	KUNIT_EXPECT_EQ(test, leak->objects, 3ULL);
	KUNIT_EXPECT_EQ(test, leak->bytes, 3ULL * 64);
	KUNIT_ASSERT_EQ(test, leak->nsites, 1U);
	KUNIT_EXPECT_EQ(test, leak->sites[0].objects, 3ULL);
	snprintf(sym, sizeof(sym), "%ps", (void *)leak->sites[0].caller);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(sym, "leak_report_names_call_sites"),
				  "site %s", sym);
	/* The tag has no owner any more; a second check finds nothing. */
	KUNIT_EXPECT_NULL(test, t->owner);
	KUNIT_EXPECT_EQ(test, ftio_pt_leak_check(&fake_module, NULL, 0), 0U);
	for (i = 0; i < 3; i++)
		ftio_pool_free(p[i], tag);
	ftio_pt_set_track(t, false);
}

/*
 * A tag two modules use: the first to leave cannot tell whose the live
 * objects are, so it is not blamed; the last to leave is.
 */
static struct module fake_module2 = { .name = "ftio_kunit_fake2" };

static void shared_tag_blames_the_last_user(struct kunit *test)
{
	u32 tag = KTAG('s', 'h');
	struct ftio_pt_tag *t = ftio_pt_get(tag, &fake_module, GFP_KERNEL);
	void *p[2];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_PTR_EQ(test, ftio_pt_get(tag, &fake_module2, GFP_KERNEL), t);
	for (i = 0; i < 2; i++) {
		p[i] = __ftio_pool_alloc(64, GFP_KERNEL, tag, &fake_module2);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	/* The owner leaves while the other still holds its objects. */
	KUNIT_EXPECT_EQ(test, ftio_pt_leak_check(&fake_module, NULL, 0), 0U);
	KUNIT_EXPECT_PTR_EQ(test, t->owner, &fake_module2);
	KUNIT_EXPECT_STREQ(test, t->owner_name, "ftio_kunit_fake2");
	/* The last user leaves with them: that is a leak. */
	KUNIT_EXPECT_EQ(test, ftio_pt_leak_check(&fake_module2, NULL, 0), 1U);
	KUNIT_EXPECT_NULL(test, t->owner);
	for (i = 0; i < 2; i++)
		ftio_pool_free(p[i], tag);
}

static void owner_and_description(struct kunit *test)
{
	u32 tag = KTAG('o', 'd');
	struct ftio_pt_tag *t;

	KUNIT_ASSERT_EQ(test, ftio_pool_tag_describe(tag, "kunit buffers"), 0);
	t = ftio_pt_find(tag);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_STREQ(test, t->desc, "kunit buffers");
	KUNIT_EXPECT_PTR_EQ(test, t->owner, THIS_MODULE);
	KUNIT_EXPECT_STREQ(test, t->owner_name, "ftio_pooltag_kunit");
	KUNIT_EXPECT_EQ(test, ftio_pool_tag_describe(FTIO_TAG(1, 2, 3, 4), "x"), -EINVAL);
}

static void self_tag_accounts_bookkeeping(struct kunit *test)
{
	struct ftio_pt_tag *self = ftio_pt_find(FTIO_PT_SELF_TAG);
	struct ftio_pt_stats before, st;
	unsigned int n = ftio_pt_ntags();

	KUNIT_ASSERT_NOT_NULL(test, self);
	stats(self, &before);
	KUNIT_EXPECT_GT(test, before.live_bytes, 0ULL);
	KUNIT_ASSERT_NOT_NULL(test, ftio_pt_get(KTAG('s', 't'), THIS_MODULE, GFP_KERNEL));
	stats(self, &st);
	if (ftio_pt_ntags() > n)	/* the tag was new: its bookkeeping shows */
		KUNIT_EXPECT_GT(test, st.live_bytes, before.live_bytes);
}

static void many_tags(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < 400; i++) {
		u32 tag = FTIO_TAG('K', 'v', 'a' + i % 26, 'a' + i / 26);
		struct ftio_pt_tag *t = ftio_pt_get(tag, THIS_MODULE, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, t);
		KUNIT_ASSERT_EQ(test, t->tag, tag);
	}
	for (i = 0; i < 400; i++) {
		u32 tag = FTIO_TAG('K', 'v', 'a' + i % 26, 'a' + i / 26);
		struct ftio_pt_tag *t = ftio_pt_find(tag);

		KUNIT_ASSERT_NOT_NULL(test, t);
		KUNIT_EXPECT_EQ(test, t->tag, tag);
	}
	KUNIT_EXPECT_NULL(test, ftio_pt_find(FTIO_TAG('K', 'w', 'z', 'z')));
}

static struct kunit_case ftio_pooltag_cases[] = {
	KUNIT_CASE(tag_packing_and_validity),
	KUNIT_CASE(counts_and_bytes),
	KUNIT_CASE(one_size_class_then_mixed),
	KUNIT_CASE(shared_site_keeps_tags_apart),
	KUNIT_CASE(controls_key_follows_the_controls),
	KUNIT_CASE(key_stays_on_while_records_live),
	KUNIT_CASE(zalloc_zeroes),
	KUNIT_CASE(counters_concurrent_on_all_cpus),
	KUNIT_CASE(kasan_sees_the_size_asked_for),
	KUNIT_CASE(kfence_object_freed_as_its_class),
	KUNIT_CASE(kmalloc_tracepoint_sees_each_allocation),
	KUNIT_CASE(quota_limits_and_raises_events),
	KUNIT_CASE(quota_warning_has_hysteresis),
	KUNIT_CASE(quota_at_s64_max_is_no_limit_in_practice),
	KUNIT_CASE(fail_simulation),
	KUNIT_CASE(tracking_detects_tag_mismatch),
	KUNIT_CASE(tracking_detects_bad_free),
	KUNIT_CASE(no_bad_free_while_untracked_objects_live),
	KUNIT_CASE(free_racing_a_tracked_alloc_is_good),
	KUNIT_CASE(flag_updates_are_not_lost),
	KUNIT_CASE(special_overrun_hits_guard_page),
	KUNIT_CASE(special_underrun_hits_guard_page),
	KUNIT_CASE(special_pool_not_for_dma),
	KUNIT_CASE(special_use_after_free_faults),
	KUNIT_CASE(special_freed_addresses_stay_taken),
	KUNIT_CASE(special_quarantine_lets_the_oldest_go),
	KUNIT_CASE(special_free_under_rcu_does_not_sleep),
	KUNIT_CASE(special_slack_overrun_reported_at_free),
	KUNIT_CASE(special_accounting_and_cache),
	KUNIT_CASE(leak_report_names_call_sites),
	KUNIT_CASE(shared_tag_blames_the_last_user),
	KUNIT_CASE(owner_and_description),
	KUNIT_CASE(self_tag_accounts_bookkeeping),
	KUNIT_CASE(many_tags),
	{}
};

static struct kunit_suite ftio_pooltag_suite = {
	.name = "ftio_pooltag",
	.test_cases = ftio_pooltag_cases,
};

kunit_test_suite(ftio_pooltag_suite);

MODULE_DESCRIPTION("KUnit tests of ftio_pooltag");
MODULE_LICENSE("GPL");
