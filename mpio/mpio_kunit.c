// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of ftio_mpio: which errors go to another path, the failure
 * history behind the marginal and hold-down logic, the five selectors,
 * and the path state machine: the group chosen, active and standby paths,
 * marginal paths as a last resort, the three failback modes, paths failed
 * by the administrator, flapping paths held down, marginal paths and
 * their promotion.
 *
 * The selectors run on a fake device and fake paths (mpio_select() only
 * reads the fields set here). The state machine runs on a real device
 * without paths of its own, into whose path list the test splices fake
 * paths; they are taken out again before the device is deleted.
 */
#include <kunit/test.h>
#include <linux/blk_types.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include <linux/workqueue.h>

#include "mpio.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* What a test set up, torn down by mpio_kunit_exit() whatever happened. */
struct mpio_fx {
	struct mpio_dev *d;
	bool real;			/* made by mpio_dev_create() */
	struct mpio_path *p[MPIO_MAX_PATHS];
	unsigned int n;
	bool params_set;
	struct mpio_flap_params saved;	/* the parameters before the test */
};

static int mpio_kunit_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct mpio_fx), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void mpio_kunit_exit(struct kunit *test)
{
	struct mpio_fx *fx = test->priv;
	struct mpio_dev *d = fx->d;
	unsigned int i;

	if (fx->real) {
		for (i = 0; i < fx->n; i++)
			flush_work(&fx->p[i]->config);
		mutex_lock(&d->lock);
		for (i = 0; i < fx->n; i++) {
			list_del_rcu(&fx->p[i]->node);
			d->npaths--;
		}
		mpio_rebuild_active(d);	/* a set without them, after a grace period */
		mutex_unlock(&d->lock);
		for (i = 0; i < fx->n; i++)
			cancel_work_sync(&fx->p[i]->config);
		mutex_lock(&mpio_devs_lock);
		KUNIT_EXPECT_EQ(test, mpio_dev_delete(d, NULL), 0);
		mutex_unlock(&mpio_devs_lock);
	} else if (d) {
		free_percpu(d->pcpu);
	}
	for (i = 0; i < fx->n; i++) {
		free_percpu(fx->p[i]->pcpu);
		kfree(fx->p[i]);
	}
	if (fx->params_set)
		mpio_swap_flap_params(&fx->saved);
}

/* A device for the selectors: the fields mpio_select() reads. */
static struct mpio_dev *fake_dev(struct kunit *test, u32 selector)
{
	struct mpio_fx *fx = test->priv;
	struct mpio_dev *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, d);
	d->pcpu = alloc_percpu(struct mpio_dev_pcpu);
	KUNIT_ASSERT_TRUE(test, d->pcpu);
	d->selector = selector;
	d->rr_repeat = 1;	/* a new path on every pick, unless a test says */
	fx->d = d;
	return d;
}

/* A real, empty device whose health probe does not run. */
static struct mpio_dev *real_dev(struct kunit *test, u32 failback, u32 delay)
{
	struct mpio_fx *fx = test->priv;
	struct mpio_dev *d;
	int ret;

	mutex_lock(&mpio_devs_lock);
	ret = mpio_dev_create("", &d, NULL);
	mutex_unlock(&mpio_devs_lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	fx->d = d;
	fx->real = true;
	WRITE_ONCE(d->probe_interval, 0);
	cancel_delayed_work_sync(&d->probe);
	d->failback = failback;
	d->failback_delay = delay;
	return d;
}

/* A path of the test's device, spliced into its list if it is real. */
static struct mpio_path *add_path(struct kunit *test, u32 group, int state,
				  u32 weight)
{
	struct mpio_path_pcpu __percpu *pcpu;
	struct mpio_fx *fx = test->priv;
	struct mpio_path *p;

	KUNIT_ASSERT_NOT_NULL(test, fx->d);
	KUNIT_ASSERT_LT(test, fx->n, (unsigned int)MPIO_MAX_PATHS);
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	pcpu = alloc_percpu(struct mpio_path_pcpu);
	if (!pcpu)
		kfree(p);
	KUNIT_ASSERT_TRUE(test, pcpu);
	p->pcpu = pcpu;
	p->dev = fx->d;
	p->id = fx->n;
	snprintf(p->name, sizeof(p->name), "kunit%u", p->id);
	atomic_set(&p->state, state);
	p->group = group;
	p->weight = weight;
	p->node_id = NUMA_NO_NODE;
	INIT_WORK(&p->config, mpio_path_config_work);
	INIT_LIST_HEAD(&p->node);
	fx->p[fx->n++] = p;
	if (fx->real) {
		mutex_lock(&fx->d->lock);
		list_add_tail_rcu(&p->node, &fx->d->paths);
		fx->d->npaths++;
		mutex_unlock(&fx->d->lock);
	}
	return p;
}

/* Set the marginal and flapping parameters; the exit puts them back. */
static void set_params(struct kunit *test, unsigned int marginal,
		       unsigned int flap, unsigned int window, unsigned int hold)
{
	struct mpio_fx *fx = test->priv;
	struct mpio_flap_params p = {
		.marginal_fails = marginal,
		.flap_fails = flap,
		.flap_window = window,
		.hold_down = hold,
	};

	mpio_swap_flap_params(&p);
	if (!fx->params_set) {
		fx->saved = p;
		fx->params_set = true;
	}
}

static void rebuild(struct mpio_dev *d)
{
	mutex_lock(&d->lock);
	mpio_rebuild_active(d);
	mutex_unlock(&d->lock);
}

static int state(struct mpio_path *p)
{
	return atomic_read(&p->state);
}

static u32 group_in_use(struct mpio_dev *d)
{
	u32 g;

	mutex_lock(&d->lock);
	g = d->group;
	mutex_unlock(&d->lock);
	return g;
}

/* The paths of the published set, as a bit mask of ids. */
static unsigned long active_mask(struct mpio_dev *d)
{
	struct mpio_pathset *set;
	unsigned long mask = 0;
	unsigned int i;

	rcu_read_lock();
	set = rcu_dereference(d->active);
	for (i = 0; set && i < set->n; i++)
		mask |= BIT(set->p[i]->id);
	rcu_read_unlock();
	return mask;
}

/* Fail a path as an I/O error would, and let its rebuild run. */
static void fail_path(struct mpio_path *p)
{
	mpio_path_fail(p, -EIO, "kunit");
	flush_work(&p->config);
}

/* Error classification ---------------------------------------------- */

static void path_errors_retried_elsewhere(struct kunit *test)
{
	static const blk_status_t path[] = {
		BLK_STS_IOERR, BLK_STS_TRANSPORT, BLK_STS_TIMEOUT,
		BLK_STS_OFFLINE,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(path); i++) {
		KUNIT_EXPECT_TRUE_MSG(test, mpio_retry_elsewhere(path[i], REQ_OP_READ),
				      "status %u", (__force unsigned int)path[i]);
		KUNIT_EXPECT_TRUE_MSG(test, mpio_retry_elsewhere(path[i],
								 REQ_OP_WRITE | REQ_SYNC | REQ_FUA),
				      "status %u", (__force unsigned int)path[i]);
	}
	KUNIT_EXPECT_FALSE(test, mpio_retry_elsewhere(BLK_STS_OK, REQ_OP_READ));
}

static void target_errors_passed_back(struct kunit *test)
{
	static const blk_status_t target[] = {
		BLK_STS_MEDIUM, BLK_STS_NOSPC, BLK_STS_NOTSUPP,
		BLK_STS_RESV_CONFLICT, BLK_STS_PROTECTION, BLK_STS_TARGET,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(target); i++)
		KUNIT_EXPECT_FALSE_MSG(test, mpio_retry_elsewhere(target[i], REQ_OP_WRITE),
				       "status %u", (__force unsigned int)target[i]);
}

static void nowait_again_passes_back(struct kunit *test)
{
	/* "Would block" is the caller's answer, and no sign of a bad path. */
	KUNIT_EXPECT_FALSE(test, mpio_retry_elsewhere(BLK_STS_AGAIN,
						      REQ_OP_READ | REQ_NOWAIT));
	KUNIT_EXPECT_TRUE(test, mpio_retry_elsewhere(BLK_STS_IOERR,
						     REQ_OP_READ | REQ_NOWAIT));
}

static void failfast_transport_passes_errors_back(struct kunit *test)
{
	static const blk_status_t path[] = {
		BLK_STS_IOERR, BLK_STS_TRANSPORT, BLK_STS_TIMEOUT,
		BLK_STS_OFFLINE,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(path); i++) {
		KUNIT_EXPECT_FALSE(test, mpio_retry_elsewhere(path[i], REQ_OP_READ |
							      REQ_FAILFAST_TRANSPORT));
		/* The other fail-fast flags are not the caller's say on paths. */
		KUNIT_EXPECT_TRUE(test, mpio_retry_elsewhere(path[i], REQ_OP_READ |
							     REQ_FAILFAST_DEV |
							     REQ_FAILFAST_DRIVER));
	}
	KUNIT_EXPECT_FALSE(test, mpio_retry_elsewhere(BLK_STS_MEDIUM,
						      REQ_OP_READ | REQ_FAILFAST_TRANSPORT));
}

/* Failure history ---------------------------------------------------- */

/* How many events an added one would count: probed on copies. */
static unsigned int hist_count(const struct mpio_hist *h, unsigned long now,
			       unsigned long window)
{
	unsigned int n;

	for (n = 1; n <= MPIO_HIST + 1; n++) {
		struct mpio_hist c = *h;

		if (!mpio_hist_add(&c, now, n, window))
			break;
	}
	return n - 1;
}

static void hist_threshold_within_window(struct kunit *test)
{
	struct mpio_hist h = {};
	unsigned long t = 100000;

	KUNIT_EXPECT_FALSE(test, mpio_hist_add(&h, t, 3, 100));
	KUNIT_EXPECT_FALSE(test, mpio_hist_add(&h, t + 10, 3, 100));
	KUNIT_EXPECT_TRUE(test, mpio_hist_add(&h, t + 20, 3, 100));
	KUNIT_EXPECT_TRUE(test, mpio_hist_add(&h, t + 30, 3, 100));
	KUNIT_EXPECT_EQ(test, h.next, 4U);
	/* A threshold of one is met by the event itself. */
	h = (struct mpio_hist){};
	KUNIT_EXPECT_TRUE(test, mpio_hist_add(&h, t, 1, 100));
}

static void hist_ignores_old_entries(struct kunit *test)
{
	struct mpio_hist h = {};
	unsigned long t = 100000;

	mpio_hist_add(&h, t, 1, 100);
	mpio_hist_add(&h, t + 10, 1, 100);
	/* Both older than the window: only the new one counts. */
	KUNIT_EXPECT_FALSE(test, mpio_hist_add(&h, t + 150, 2, 100));
	KUNIT_EXPECT_FALSE(test, mpio_hist_add(&h, t + 160, 3, 100));
	KUNIT_EXPECT_TRUE(test, mpio_hist_add(&h, t + 170, 3, 100));
	/* The window's edge: an event exactly window old counts, one more not. */
	h = (struct mpio_hist){};
	mpio_hist_add(&h, t, 1, 100);
	KUNIT_EXPECT_EQ(test, hist_count(&h, t + 100, 100), 2U);
	KUNIT_EXPECT_EQ(test, hist_count(&h, t + 101, 100), 1U);
	/* Across the wrap of jiffies. */
	h = (struct mpio_hist){};
	mpio_hist_add(&h, ULONG_MAX - 20, 1, 100);
	mpio_hist_add(&h, ULONG_MAX - 5, 1, 100);
	KUNIT_EXPECT_EQ(test, hist_count(&h, 30, 100), 3U);
	KUNIT_EXPECT_EQ(test, hist_count(&h, 90, 100), 2U);
	KUNIT_EXPECT_EQ(test, hist_count(&h, 200, 100), 1U);
}

static void hist_ring_wraps(struct kunit *test)
{
	struct mpio_hist h = {};
	unsigned long t = 100000;
	unsigned int i;

	/* At most MPIO_HIST events are remembered, however many happen. */
	for (i = 1; i <= MPIO_HIST + 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, mpio_hist_add(&h, t, MPIO_HIST, 100),
				    i >= MPIO_HIST, "event %u", i);
	KUNIT_EXPECT_EQ(test, h.next, MPIO_HIST + 4U);
	KUNIT_EXPECT_EQ(test, hist_count(&h, t, 100), (unsigned int)MPIO_HIST);

	/* New events overwrite the oldest: 12 old ones are left, 4 new. */
	h = (struct mpio_hist){};
	for (i = 0; i < MPIO_HIST; i++)
		mpio_hist_add(&h, t + i, 1, 100);
	for (i = 0; i < 4; i++)
		mpio_hist_add(&h, t + 1000 + i, 1, 100);
	KUNIT_EXPECT_EQ(test, h.at[0], t + 1000);
	KUNIT_EXPECT_EQ(test, h.at[3], t + 1003);
	KUNIT_EXPECT_EQ(test, h.at[4], t + 4);
	KUNIT_EXPECT_EQ(test, hist_count(&h, t + 1004, 100), 5U);
	KUNIT_EXPECT_EQ(test, hist_count(&h, t + 1004, 2000), (unsigned int)MPIO_HIST);
}

/* Selectors ---------------------------------------------------------- */

/* A set of the test's first n paths, as mpio_rebuild_active() makes it. */
static struct mpio_pathset *make_set(struct kunit *test, unsigned int n)
{
	struct mpio_fx *fx = test->priv;
	struct mpio_pathset *set;
	unsigned int i;

	set = kunit_kzalloc(test, struct_size(set, p, n), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, set);
	for (i = 0; i < n; i++) {
		set->p[i] = fx->p[i];
		set->weights += fx->p[i]->weight;
	}
	set->n = n;
	return set;
}

/*
 * Pick @picks times without leaving the CPU (the cursors are per CPU):
 * the count of each path id in @count. Return: the picks that found none.
 */
static unsigned int pick(struct mpio_dev *d, struct mpio_pathset *set,
			 unsigned int picks, unsigned int *count)
{
	unsigned int i, nulls = 0;

	preempt_disable();
	for (i = 0; i < picks; i++) {
		struct mpio_path *p = mpio_select(d, set);

		if (p)
			count[p->id]++;
		else
			nulls++;
	}
	preempt_enable();
	return nulls;
}

static void select_round_robin_even(struct kunit *test)
{
	struct mpio_dev *d = fake_dev(test, MPIO_SEL_ROUND_ROBIN);
	unsigned int count[4] = {}, i;
	struct mpio_pathset *set;

	for (i = 0; i < 4; i++)
		add_path(test, 0, MPIO_PATH_ACTIVE, 1);
	set = make_set(test, 4);
	KUNIT_EXPECT_EQ(test, pick(d, set, 4000, count), 0U);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, count[i], 1000U, "path %u", i);
}

/*
 * With rr_repeat N, a CPU sends N bios in a row down each path, the
 * paths still in turn and in equal shares; a change takes effect at the
 * next pick.
 */
static void select_round_robin_repeat(struct kunit *test)
{
	struct mpio_dev *d = fake_dev(test, MPIO_SEL_ROUND_ROBIN);
	unsigned int count[3] = {}, i, runs = 0, len = 0;
	struct mpio_path *prev = NULL, *p;
	struct mpio_pathset *set;

	for (i = 0; i < 3; i++)
		add_path(test, 0, MPIO_PATH_ACTIVE, 1);
	set = make_set(test, 3);
	d->rr_repeat = 8;
	preempt_disable();
	/* 240 picks from a fresh cursor: runs of 7, 8 x 29 and 1, in turn. */
	this_cpu_write(d->pcpu->run, 0);
	this_cpu_write(d->pcpu->at, 0);
	for (i = 0; i < 240; i++) {
		p = mpio_select(d, set);
		count[p->id]++;
		if (p != prev) {
			KUNIT_EXPECT_EQ(test, len, runs == 0 ? 0U : runs == 1 ? 7U : 8U);
			if (prev)
				KUNIT_EXPECT_EQ(test, p->id, (prev->id + 1) % 3);
			runs++;
			len = 0;
			prev = p;
		}
		len++;
	}
	preempt_enable();
	KUNIT_EXPECT_EQ(test, runs, 31U);
	KUNIT_EXPECT_EQ(test, len, 1U);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, count[i], 80U, "path %u", i);

	/* Back to 1: a new path on every pick. */
	d->rr_repeat = 1;
	preempt_disable();
	prev = mpio_select(d, set);
	for (i = 0; i < 30; i++) {
		p = mpio_select(d, set);
		KUNIT_EXPECT_PTR_NE(test, p, prev);
		prev = p;
	}
	preempt_enable();

	/* numa takes the same turns among its local paths. */
	d->selector = MPIO_SEL_NUMA;
	d->rr_repeat = 4;
	preempt_disable();
	this_cpu_write(d->pcpu->run, 3);
	this_cpu_write(d->pcpu->at, 0);
	for (i = 0; i < 12; i++)
		KUNIT_EXPECT_EQ(test, mpio_select(d, set)->id, (i / 4 + 1) % 3);
	preempt_enable();
}

static void select_round_robin_skips_failed(struct kunit *test)
{
	struct mpio_dev *d = fake_dev(test, MPIO_SEL_ROUND_ROBIN);
	unsigned int count[3] = {}, i;
	struct mpio_pathset *set;
	struct mpio_path *p[3];

	for (i = 0; i < 3; i++)
		p[i] = add_path(test, 0, MPIO_PATH_ACTIVE, 1);
	set = make_set(test, 3);
	/* Failed after the set was built: never picked, the others are. */
	atomic_set(&p[1]->state, MPIO_PATH_FAILED);
	KUNIT_EXPECT_EQ(test, pick(d, set, 3000, count), 0U);
	KUNIT_EXPECT_EQ(test, count[1], 0U);
	KUNIT_EXPECT_EQ(test, count[0] + count[2], 3000U);
	KUNIT_EXPECT_GE(test, count[0], 1000U);
	KUNIT_EXPECT_GE(test, count[2], 1000U);
	/* A marginal path of the set is used. */
	atomic_set(&p[1]->state, MPIO_PATH_MARGINAL);
	memset(count, 0, sizeof(count));
	pick(d, set, 3000, count);
	KUNIT_EXPECT_EQ(test, count[1], 1000U);
	/* None of the set usable, or an empty set: no path. */
	atomic_set(&p[0]->state, MPIO_PATH_REMOVED);
	atomic_set(&p[1]->state, MPIO_PATH_FAILED);
	atomic_set(&p[2]->state, MPIO_PATH_FAILED);
	KUNIT_EXPECT_EQ(test, pick(d, set, 30, count), 30U);
	KUNIT_EXPECT_NULL(test, mpio_select(d, make_set(test, 0)));
}

static void set_in_flight(struct mpio_path *p, long n)
{
	unsigned int a = cpumask_first(cpu_possible_mask);
	unsigned int b = cpumask_last(cpu_possible_mask);
	int cpu;

	for_each_possible_cpu(cpu)
		per_cpu_ptr(p->pcpu, cpu)->in_flight = 0;
	/* Spread over two CPUs, one of them negative: only the sum counts. */
	if (a != b) {
		per_cpu_ptr(p->pcpu, a)->in_flight = n + 7;
		per_cpu_ptr(p->pcpu, b)->in_flight = -7;
	} else {
		per_cpu_ptr(p->pcpu, a)->in_flight = n;
	}
}

/* A retry's other path: the next usable one after the suspect, or none. */
static void select_other_than_the_suspect(struct kunit *test)
{
	struct mpio_pathset *set;
	struct mpio_path *p[3];
	unsigned int i;

	fake_dev(test, MPIO_SEL_ROUND_ROBIN);
	for (i = 0; i < 3; i++)
		p[i] = add_path(test, 0, MPIO_PATH_ACTIVE, 1);
	set = make_set(test, 3);
	KUNIT_EXPECT_PTR_EQ(test, mpio_select_other(set, p[0]), p[1]);
	KUNIT_EXPECT_PTR_EQ(test, mpio_select_other(set, p[2]), p[0]);
	atomic_set(&p[1]->state, MPIO_PATH_FAILED);
	KUNIT_EXPECT_PTR_EQ(test, mpio_select_other(set, p[0]), p[2]);
	atomic_set(&p[2]->state, MPIO_PATH_FAILED);
	KUNIT_EXPECT_NULL(test, mpio_select_other(set, p[0]));
	KUNIT_EXPECT_NULL(test, mpio_select_other(make_set(test, 1), p[0]));
}

static void select_queue_depth_fewest_in_flight(struct kunit *test)
{
	struct mpio_dev *d = fake_dev(test, MPIO_SEL_QUEUE_DEPTH);
	struct mpio_pathset *set;
	struct mpio_path *p[3];
	unsigned int i;

	for (i = 0; i < 3; i++)
		p[i] = add_path(test, 0, MPIO_PATH_ACTIVE, 1);
	set = make_set(test, 3);
	set_in_flight(p[0], 5);
	set_in_flight(p[1], 2);
	set_in_flight(p[2], 4);
	KUNIT_EXPECT_PTR_EQ(test, mpio_select(d, set), p[1]);
	KUNIT_EXPECT_PTR_EQ(test, mpio_select(d, set), p[1]);	/* no cursor */
	set_in_flight(p[2], 1);
	KUNIT_EXPECT_PTR_EQ(test, mpio_select(d, set), p[2]);
	/* The least loaded path failed: the next least loaded. */
	atomic_set(&p[2]->state, MPIO_PATH_FAILED);
	KUNIT_EXPECT_PTR_EQ(test, mpio_select(d, set), p[1]);
	set_in_flight(p[0], 0);
	KUNIT_EXPECT_PTR_EQ(test, mpio_select(d, set), p[0]);
}

static void select_service_time_latency_and_weight(struct kunit *test)
{
	struct mpio_dev *d = fake_dev(test, MPIO_SEL_SERVICE_TIME);
	struct mpio_pathset *set;
	struct mpio_path *p[3];
	unsigned int i;

	for (i = 0; i < 3; i++)
		p[i] = add_path(test, 0, MPIO_PATH_ACTIVE, 1);
	set = make_set(test, 3);
	p[0]->latency_ns = 1000;
	p[1]->latency_ns = 100;
	p[2]->latency_ns = 5000;
	KUNIT_EXPECT_PTR_EQ(test, mpio_select(d, set), p[1]);
	/* 20 in flight at 100 ns cost more than none at 1000 ns. */
	set_in_flight(p[1], 19);
	KUNIT_EXPECT_PTR_EQ(test, mpio_select(d, set), p[0]);
	/* A hundredfold weight makes the slowest path the cheapest. */
	set_in_flight(p[1], 0);
	p[2]->weight = 100;
	KUNIT_EXPECT_PTR_EQ(test, mpio_select(d, set), p[2]);
	/* The cheapest path failed: the next cheapest. */
	atomic_set(&p[2]->state, MPIO_PATH_FAILED);
	KUNIT_EXPECT_PTR_EQ(test, mpio_select(d, set), p[1]);
	/* A weight of 0 counts as 1, not as a division by zero. */
	p[0]->weight = 0;
	p[0]->latency_ns = 10;
	KUNIT_EXPECT_PTR_EQ(test, mpio_select(d, set), p[0]);
}

static void select_weighted_proportional(struct kunit *test)
{
	struct mpio_dev *d = fake_dev(test, MPIO_SEL_WEIGHTED);
	unsigned int count[3] = {};
	struct mpio_pathset *set;
	struct mpio_path *p[3];

	p[0] = add_path(test, 0, MPIO_PATH_ACTIVE, 1);
	p[1] = add_path(test, 0, MPIO_PATH_ACTIVE, 3);
	set = make_set(test, 2);
	KUNIT_EXPECT_EQ(test, pick(d, set, 4000, count), 0U);
	/* 1000 turns of the weight sum 4: exact shares, not about them. */
	KUNIT_EXPECT_EQ(test, count[0], 1000U);
	KUNIT_EXPECT_EQ(test, count[1], 3000U);

	/* A path of weight 0 gets nothing, the others equal shares. */
	p[2] = add_path(test, 0, MPIO_PATH_ACTIVE, 2);
	p[0]->weight = 2;
	p[1]->weight = 0;
	set = make_set(test, 3);
	memset(count, 0, sizeof(count));
	pick(d, set, 4000, count);
	KUNIT_EXPECT_EQ(test, count[1], 0U);
	KUNIT_EXPECT_EQ(test, count[0], 2000U);
	KUNIT_EXPECT_EQ(test, count[2], 2000U);

	/* No weights at all: round-robin. */
	p[0]->weight = 0;
	p[2]->weight = 0;
	set = make_set(test, 3);
	memset(count, 0, sizeof(count));
	pick(d, set, 3000, count);
	KUNIT_EXPECT_EQ(test, count[0], 1000U);
	KUNIT_EXPECT_EQ(test, count[1], 1000U);
	KUNIT_EXPECT_EQ(test, count[2], 1000U);
}

static void select_numa_local_then_all(struct kunit *test)
{
	struct mpio_dev *d = fake_dev(test, MPIO_SEL_NUMA);
	unsigned int count[3] = {}, i;
	struct mpio_pathset *set;
	struct mpio_path *p[3];
	unsigned int nulls;
	int node;

	for (i = 0; i < 3; i++)
		p[i] = add_path(test, 0, MPIO_PATH_ACTIVE, 1);
	set = make_set(test, 3);

	/* One path on another node, one on this CPU's, one on none. */
	preempt_disable();
	node = numa_node_id();
	p[0]->node_id = node + 1;
	p[1]->node_id = node;
	p[2]->node_id = NUMA_NO_NODE;
	pick(d, set, 3000, count);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, count[0], 0U);
	KUNIT_EXPECT_EQ(test, count[1], 1500U);
	KUNIT_EXPECT_EQ(test, count[2], 1500U);

	/* None on this CPU's node: all of them, in turn. */
	memset(count, 0, sizeof(count));
	preempt_disable();
	node = numa_node_id();
	for (i = 0; i < 3; i++)
		p[i]->node_id = node + 1;
	pick(d, set, 3000, count);
	preempt_enable();
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, count[i], 1000U, "path %u", i);

	/* The local path failed: the others, although remote. */
	memset(count, 0, sizeof(count));
	preempt_disable();
	node = numa_node_id();
	p[1]->node_id = node;
	atomic_set(&p[1]->state, MPIO_PATH_FAILED);
	nulls = pick(d, set, 100, count);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, nulls, 0U);
	KUNIT_EXPECT_EQ(test, count[1], 0U);
}

/* Path groups and the path set --------------------------------------- */

static void rebuild_best_group_active_rest_standby(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_IMMEDIATE, 0);
	struct mpio_path *a, *b, *c, *f;
	struct mpio_pathset *set;
	u32 weights;

	set_params(test, 3, 5, 300, 60);
	c = add_path(test, 1, MPIO_PATH_STANDBY, 1);
	a = add_path(test, 0, MPIO_PATH_STANDBY, 2);
	b = add_path(test, 0, MPIO_PATH_STANDBY, 3);
	f = add_path(test, 0, MPIO_PATH_FAILED, 4);
	rebuild(d);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 0U);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_ACTIVE);
	KUNIT_EXPECT_EQ(test, state(b), MPIO_PATH_ACTIVE);
	KUNIT_EXPECT_EQ(test, state(c), MPIO_PATH_STANDBY);
	KUNIT_EXPECT_EQ(test, state(f), MPIO_PATH_FAILED);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(a->id) | BIT(b->id));
	rcu_read_lock();
	set = rcu_dereference(d->active);
	weights = set ? set->weights : 0;
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, weights, 5U);	/* the failed path's not in */

	/* Group 0 gone: the next group serves, failed paths stay failed. */
	atomic_set(&a->state, MPIO_PATH_FAILED);
	atomic_set(&b->state, MPIO_PATH_FAILED);
	rebuild(d);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 1U);
	KUNIT_EXPECT_EQ(test, state(c), MPIO_PATH_ACTIVE);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_FAILED);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(c->id));

	/* Nothing usable: an empty set, the group stays. */
	atomic_set(&c->state, MPIO_PATH_FAILED);
	rebuild(d);
	KUNIT_EXPECT_EQ(test, active_mask(d), 0UL);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 1U);
}

static void rebuild_marginal_only_as_last_resort(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_IMMEDIATE, 0);
	struct mpio_path *m0, *c, *m2;

	set_params(test, 3, 5, 300, 60);
	m0 = add_path(test, 0, MPIO_PATH_MARGINAL, 1);
	c = add_path(test, 1, MPIO_PATH_STANDBY, 1);
	m2 = add_path(test, 2, MPIO_PATH_MARGINAL, 1);
	rebuild(d);
	/* A worse group with a good path beats a marginal one. */
	KUNIT_EXPECT_EQ(test, group_in_use(d), 1U);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(c->id));
	KUNIT_EXPECT_EQ(test, state(m0), MPIO_PATH_MARGINAL);

	/* Only marginal paths left: the best group of them, still marginal. */
	atomic_set(&c->state, MPIO_PATH_FAILED);
	rebuild(d);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 0U);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(m0->id));
	KUNIT_EXPECT_EQ(test, state(m0), MPIO_PATH_MARGINAL);
	KUNIT_EXPECT_EQ(test, state(m2), MPIO_PATH_MARGINAL);

	/* A good path is back: marginal ones leave the set again. */
	atomic_set(&c->state, MPIO_PATH_STANDBY);
	rebuild(d);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 1U);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(c->id));
}

/* A device on group 0 (path a) with group 1 (path b) serving after a fails. */
static void two_groups_failed_over(struct kunit *test, struct mpio_dev *d,
				   struct mpio_path **a, struct mpio_path **b)
{
	set_params(test, 3, 5, 300, 60);
	*a = add_path(test, 0, MPIO_PATH_STANDBY, 1);
	*b = add_path(test, 1, MPIO_PATH_STANDBY, 1);
	rebuild(d);
	KUNIT_ASSERT_EQ(test, group_in_use(d), 0U);
	KUNIT_ASSERT_EQ(test, state(*a), MPIO_PATH_ACTIVE);
	fail_path(*a);
	KUNIT_ASSERT_EQ(test, state(*a), MPIO_PATH_FAILED);
	KUNIT_ASSERT_EQ(test, group_in_use(d), 1U);
	KUNIT_ASSERT_EQ(test, state(*b), MPIO_PATH_ACTIVE);
	KUNIT_ASSERT_EQ(test, active_mask(d), BIT((*b)->id));
}

static void failback_immediate(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_IMMEDIATE, 0);
	struct mpio_path *a, *b;

	two_groups_failed_over(test, d, &a, &b);
	KUNIT_EXPECT_EQ(test, a->last_error, -EIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->fail_count), 1);
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 0U);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_ACTIVE);
	KUNIT_EXPECT_EQ(test, state(b), MPIO_PATH_STANDBY);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(a->id));
}

static void failback_manual(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_MANUAL, 0);
	struct mpio_path *a, *b;
	int ret;

	two_groups_failed_over(test, d, &a, &b);
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 1U);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_STANDBY);
	KUNIT_EXPECT_EQ(test, state(b), MPIO_PATH_ACTIVE);
	rebuild(d);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 1U);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(b->id));
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&d->failback_work));

	/* Until the administrator switches. */
	mutex_lock(&d->lock);
	ret = mpio_switch_group(d, 0, NULL);
	mutex_unlock(&d->lock);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 0U);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_ACTIVE);
	KUNIT_EXPECT_EQ(test, state(b), MPIO_PATH_STANDBY);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(a->id));
	/* To a group without a usable path, not at all. */
	mutex_lock(&d->lock);
	ret = mpio_switch_group(d, 7, NULL);
	mutex_unlock(&d->lock);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 0U);
}

/*
 * A completion fails a path while a rebuild holds the device's lock and
 * has read the path's state: the rebuild must not write the old state
 * back over "failed" (nor put the path in the set).
 */
static struct mpio_path *hook_victim;

static void fail_victim_once(struct mpio_path *p)
{
	if (p == hook_victim) {
		hook_victim = NULL;
		mpio_path_fail(p, -EIO, "kunit: failed during a rebuild");
	}
}

static void rebuild_keeps_a_path_failed_meanwhile(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_IMMEDIATE, 0);
	struct mpio_path *a = add_path(test, 0, MPIO_PATH_ACTIVE, 1);
	struct mpio_path *b = add_path(test, 0, MPIO_PATH_ACTIVE, 1);

	rebuild(d);
	KUNIT_ASSERT_EQ(test, active_mask(d), BIT(a->id) | BIT(b->id));
	hook_victim = a;
	WRITE_ONCE(mpio_rebuild_test_hook, fail_victim_once);
	rebuild(d);
	WRITE_ONCE(mpio_rebuild_test_hook, NULL);
	KUNIT_EXPECT_NULL_MSG(test, hook_victim, "the hook never ran");
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_FAILED);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(b->id));
	flush_work(&a->config);		/* its own rebuild, as after an I/O error */
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_FAILED);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(b->id));
}

/* Wait up to 10 s for the device to use @group. Return: jiffies then. */
static unsigned long wait_group(struct mpio_dev *d, u32 group)
{
	unsigned long until = jiffies + 10 * HZ;

	while (group_in_use(d) != group && time_before(jiffies, until))
		msleep(20);
	return jiffies;
}

static void failback_deferred(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_DEFERRED, 1);
	struct mpio_path *a, *b;
	unsigned long t0, t;

	two_groups_failed_over(test, d, &a, &b);
	t0 = jiffies;
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 1U);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_STANDBY);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(b->id));

	t = wait_group(d, 0);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 0U);
	KUNIT_EXPECT_GE_MSG(test, t - t0, (unsigned long)HZ,
			    "failed back after %u ms", jiffies_to_msecs(t - t0));
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_ACTIVE);
	KUNIT_EXPECT_EQ(test, state(b), MPIO_PATH_STANDBY);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(a->id));
	KUNIT_EXPECT_EQ(test, d->failback_at, 0UL);
}

/*
 * Before a deferred failback is due, another rebuild does not fail back
 * early. The delay is long (an hour) so that no slowness of the machine
 * can make it due; the assertion holds whatever the timing.
 */
static void failback_deferred_not_early(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_DEFERRED, 3600);
	struct mpio_path *a, *b;

	two_groups_failed_over(test, d, &a, &b);
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	KUNIT_EXPECT_NE(test, d->failback_at, 0UL);
	rebuild(d);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 1U);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_STANDBY);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(b->id));
}

/*
 * The better group fails again before the deferred failback and comes
 * back later: the failback waits the full delay from its return, and
 * happens then.
 */
static void failback_deferred_rearmed(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_DEFERRED, 2);
	struct mpio_path *a, *b;
	unsigned long t1, t;

	two_groups_failed_over(test, d, &a, &b);
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	KUNIT_EXPECT_NE(test, d->failback_at, 0UL);
	fail_path(a);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 1U);
	KUNIT_EXPECT_EQ(test, d->failback_at, 0UL);
	msleep(1000);
	t1 = jiffies;
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 1U);

	t = wait_group(d, 0);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 0U);
	KUNIT_EXPECT_GE_MSG(test, t - t1, 2UL * HZ,
			    "failed back after %u ms", jiffies_to_msecs(t - t1));
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(a->id));
}

/* Failing and reinstating --------------------------------------------- */

static void fail_and_reinstate(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_IMMEDIATE, 0);
	struct mpio_path *a, *b;

	set_params(test, 3, 5, 300, 60);
	a = add_path(test, 0, MPIO_PATH_STANDBY, 1);
	b = add_path(test, 0, MPIO_PATH_STANDBY, 1);
	rebuild(d);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(a->id) | BIT(b->id));

	/* Failed at once; out of the set once its work ran. */
	mpio_path_fail(a, -ETIMEDOUT, "kunit");
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_FAILED);
	flush_work(&a->config);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(b->id));
	KUNIT_EXPECT_EQ(test, a->last_error, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->fail_count), 1);
	/* Failing a failed path again counts nothing. */
	fail_path(a);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->fail_count), 1);
	KUNIT_EXPECT_EQ(test, a->fails.next, 1U);

	/* Only a failed path is reinstated. */
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(b, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_ACTIVE);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(a->id) | BIT(b->id));
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), -EINVAL);
}

static s64 mpio_events(void)
{
	return atomic64_read(&mpio_module.events);
}

/*
 * A path failed by an I/O error is out of the selectors' way at once; its
 * event waits for its work item, and is told before whatever comes next.
 */
static void io_error_event_from_work(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_IMMEDIATE, 0);
	struct mpio_pathset *set;
	struct mpio_path *a, *b;
	unsigned int i, other = 0;
	s64 ev;

	set_params(test, 3, 5, 300, 60);
	a = add_path(test, 0, MPIO_PATH_STANDBY, 1);
	b = add_path(test, 0, MPIO_PATH_STANDBY, 1);
	rebuild(d);
	ev = mpio_events();

	KUNIT_EXPECT_TRUE(test, mpio_path_fail_io(a, -EIO));
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_FAILED);
	KUNIT_EXPECT_EQ(test, a->last_error, -EIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->fail_count), 1);
	KUNIT_EXPECT_EQ(test, mpio_events(), ev);
	/* Still in the set until the rebuild, but never picked. */
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(a->id) | BIT(b->id));
	rcu_read_lock();
	set = rcu_dereference(d->active);
	for (i = 0; i < 2 * MPIO_RR_REPEAT_MAX; i++)
		other += mpio_select(d, set) != b;
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, other, 0U);
	/* Once: a second error on the failed path starts nothing. */
	KUNIT_EXPECT_FALSE(test, mpio_path_fail_io(a, -EIO));
	KUNIT_EXPECT_EQ(test, atomic_read(&a->fail_count), 1);

	schedule_work(&a->config);
	flush_work(&a->config);
	KUNIT_EXPECT_EQ(test, mpio_events(), ev + 1);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(b->id));
	/* The work running again tells nothing twice. */
	schedule_work(&a->config);
	flush_work(&a->config);
	KUNIT_EXPECT_EQ(test, mpio_events(), ev + 1);

	/* Back before the work ran: failed, then reinstated. */
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	KUNIT_EXPECT_EQ(test, mpio_events(), ev + 2);
	KUNIT_EXPECT_TRUE(test, mpio_path_fail_io(a, -ETIMEDOUT));
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	KUNIT_EXPECT_EQ(test, mpio_events(), ev + 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->fail_event), 0);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_ACTIVE);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(a->id) | BIT(b->id));
}

static void admin_failed_path_needs_admin(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_IMMEDIATE, 0);
	struct mpio_path *a, *b;

	set_params(test, 3, 5, 300, 60);
	a = add_path(test, 0, MPIO_PATH_STANDBY, 1);
	b = add_path(test, 1, MPIO_PATH_STANDBY, 1);
	rebuild(d);
	mpio_path_fail_admin(a);
	flush_work(&a->config);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_FAILED);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(a->admin_down));
	KUNIT_EXPECT_EQ(test, group_in_use(d), 1U);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(b->id));

	/* A health probe's reinstatement is refused. */
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_FAILED);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 1U);

	/* The administrator's is not. */
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, true), 0);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(a->admin_down));
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_ACTIVE);
	KUNIT_EXPECT_EQ(test, group_in_use(d), 0U);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(a->id));
}

static void flapping_path_held_down(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_IMMEDIATE, 0);
	struct mpio_path *a, *b;
	unsigned long until;
	unsigned int i;

	set_params(test, 0, 3, 300, 60);	/* never marginal */
	a = add_path(test, 0, MPIO_PATH_STANDBY, 1);
	b = add_path(test, 0, MPIO_PATH_STANDBY, 1);
	rebuild(d);
	for (i = 1; i < 3; i++) {
		fail_path(a);
		KUNIT_EXPECT_EQ_MSG(test, mpio_path_reinstate(a, false), 0,
				    "failure %u", i);
		KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_ACTIVE);
	}
	/* The third failure within the window: held down. */
	fail_path(a);
	KUNIT_EXPECT_TRUE(test, time_after(READ_ONCE(a->hold_until), jiffies));
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_FAILED);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(b->id));
	/* The administrator overrides it. */
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, true), 0);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_ACTIVE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(a->hold_until), 0UL);

	/* A hold-down ends by itself. */
	set_params(test, 0, 3, 300, 1);
	fail_path(a);
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), -EBUSY);
	until = jiffies + 10 * HZ;
	while (time_before_eq(jiffies, READ_ONCE(a->hold_until)) &&
	       time_before(jiffies, until))
		msleep(50);
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_ACTIVE);

	/* flap_fails 0: never held down. */
	set_params(test, 0, 0, 300, 60);
	for (i = 0; i < 3; i++) {
		fail_path(a);
		KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&a->fail_count), 7);
}

static void repeatedly_failed_path_comes_back_marginal(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, FTIO_FAILBACK_IMMEDIATE, 0);
	struct mpio_path *a, *b;

	set_params(test, 2, 0, 300, 60);
	a = add_path(test, 0, MPIO_PATH_STANDBY, 1);
	b = add_path(test, 0, MPIO_PATH_STANDBY, 1);
	rebuild(d);
	fail_path(a);
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_ACTIVE);
	/* The second failure within the window: back, but marginal. */
	fail_path(a);
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(a, false), 0);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_MARGINAL);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(b->id));

	/* The only path left: used, still marginal. */
	fail_path(b);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(a->id));
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_MARGINAL);
	KUNIT_EXPECT_EQ(test, mpio_path_reinstate(b, false), 0);
	KUNIT_EXPECT_EQ(test, state(b), MPIO_PATH_ACTIVE);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(b->id));

	/* Still failing often: a look (the probe's) does not promote it. */
	schedule_work(&a->config);
	flush_work(&a->config);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_MARGINAL);

	/* Quiet for a window: promoted at the next look. */
	set_params(test, 2, 0, 1, 60);
	msleep(1100);
	schedule_work(&a->config);
	flush_work(&a->config);
	KUNIT_EXPECT_EQ(test, state(a), MPIO_PATH_ACTIVE);
	KUNIT_EXPECT_EQ(test, active_mask(d), BIT(a->id) | BIT(b->id));
}

/* The real disk the cases that add a path use. */
static void need_nullb0(struct kunit *test)
{
	dev_t devt;

	KUNIT_ASSERT_EQ_MSG(test, lookup_bdev("/dev/nullb0", &devt), 0,
			    "needs null_blk's nullb0 (selftests/kunit/run_kunit.sh loads it)");
}

static enum mpio_step fault_step;
static int fault_hits;

static int fail_the_step(enum mpio_step step)
{
	if (step != fault_step)
		return 0;
	fault_hits++;
	return -EXDEV;	/* an errno none of the steps returns by itself */
}

/* Run @step's set-up with @step failing; the hook is off again after. */
static void inject_at(enum mpio_step step)
{
	fault_step = step;
	fault_hits = 0;
	WRITE_ONCE(mpio_fault_test_hook, fail_the_step);
}

/*
 * A device, then a path on a real disk, set up with each step that has
 * work to undo failing in turn. Each is refused with the step's errno and
 * leaves nothing: no device of the name, no path, no holder, the disk
 * free (the next try reaches the next step, and the last one succeeds).
 * On the debug kernel KASAN judges what the undo touches, kmemleak what
 * it leaves: freeing the path before its percpu_ref was exited did not
 * pass here.
 */
static void setup_undone_at_each_step(struct kunit *test)
{
	static const enum mpio_step steps[] = {
		MPIO_STEP_PATH_SYSFS, MPIO_STEP_PATH_HOLD, MPIO_STEP_PATH_LIMITS,
	};
	struct mpio_dev *d, *e = NULL;
	struct mpio_path *p = NULL;
	int i, ret;

	need_nullb0(test);

	inject_at(MPIO_STEP_DEV_SYSFS);
	mutex_lock(&mpio_devs_lock);
	ret = mpio_dev_create("kunit_undo", &e, NULL);
	WRITE_ONCE(mpio_fault_test_hook, NULL);
	KUNIT_EXPECT_EQ(test, ret, -EXDEV);
	KUNIT_EXPECT_EQ(test, fault_hits, 1);
	KUNIT_EXPECT_NULL(test, mpio_dev_find("kunit_undo"));
	mutex_unlock(&mpio_devs_lock);

	d = real_dev(test, 0, 0);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		inject_at(steps[i]);
		mutex_lock(&d->lock);
		ret = mpio_path_add(d, "nullb0", 0, NULL, &p, NULL);
		WRITE_ONCE(mpio_fault_test_hook, NULL);
		KUNIT_EXPECT_EQ_MSG(test, ret, -EXDEV, "step %d", steps[i]);
		KUNIT_EXPECT_EQ_MSG(test, fault_hits, 1, "step %d", steps[i]);
		KUNIT_EXPECT_TRUE(test, list_empty(&d->paths));
		KUNIT_EXPECT_EQ(test, d->npaths, 0U);
		KUNIT_EXPECT_EQ(test, atomic_read(&d->live_paths), 0);
		KUNIT_EXPECT_EQ(test, get_capacity(d->disk), 0ULL);
		mutex_unlock(&d->lock);
	}
	mutex_lock(&d->lock);
	ret = mpio_path_add(d, "nullb0", 0, NULL, &p, NULL);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, d->npaths, 1U);
	KUNIT_EXPECT_NE(test, get_capacity(d->disk), 0ULL);
	mutex_unlock(&d->lock);
	/* mpio_kunit_exit() deletes the device, and the path with it. */
}

static struct mpio_dev *opening;
static int open_ret;

static int open_while_dying(enum mpio_step step)
{
	struct ftio_bdev b;

	if (step != MPIO_POINT_DEV_DYING)
		return 0;
	fault_hits++;
	open_ret = ftio_bdev_open_ro(&b, disk_devt(opening->disk));
	if (!open_ret)
		ftio_bdev_close(&b);
	return 0;
}

/*
 * Once delete has found the device closed, an open is refused: delete
 * goes on to drop the paths and the disk, and an opener that got in
 * would hold a device with neither.
 */
static void open_refused_while_deleting(struct kunit *test)
{
	struct mpio_dev *d;
	int ret;

	mutex_lock(&mpio_devs_lock);
	ret = mpio_dev_create("", &d, NULL);
	if (ret)
		mutex_unlock(&mpio_devs_lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	opening = d;
	open_ret = 1;
	fault_hits = 0;
	WRITE_ONCE(mpio_fault_test_hook, open_while_dying);
	ret = mpio_dev_delete(d, NULL);
	WRITE_ONCE(mpio_fault_test_hook, NULL);
	mutex_unlock(&mpio_devs_lock);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, fault_hits, 1);
	KUNIT_EXPECT_EQ(test, open_ret, -ENXIO);
}

static struct mpio_path *coming_back;

static int reinstate_meanwhile(enum mpio_step step)
{
	struct mpio_path *p = coming_back;

	if (step != MPIO_POINT_NO_PATH || !p)
		return 0;
	coming_back = NULL;
	fault_hits++;
	mpio_path_reinstate(p, true);
	flush_delayed_work(&p->dev->work);	/* its kick ran, to an empty queue */
	return 0;
}

static void kunit_bio_done(struct bio *bio)
{
	complete(bio->bi_private);
}

/*
 * A path comes back after a bio found none and before the bio is queued:
 * the rebuild's kick runs first and finds nothing to send. With
 * no_path_retry "queue" nothing else would send the bio; the queueing
 * itself must see the path and send it.
 */
static void bio_queued_as_a_path_comes_back_is_sent(struct kunit *test)
{
	struct mpio_dev *d = real_dev(test, 0, 0);
	DECLARE_COMPLETION_ONSTACK(done);
	struct mpio_path *p = NULL;
	unsigned long sent;
	struct ftio_bdev b;
	struct page *page;
	struct bio *bio;
	int ret;

	need_nullb0(test);
	mutex_lock(&d->lock);
	ret = mpio_path_add(d, "nullb0", 0, NULL, &p, NULL);
	mutex_unlock(&d->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	mpio_set_no_path_retry(d, -1);
	mpio_path_fail_admin(p);
	flush_work(&p->config);	/* the set without it is published */
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	ret = ftio_bdev_open_ro(&b, disk_devt(d->disk));
	if (ret)
		__free_page(page);
	KUNIT_ASSERT_EQ(test, ret, 0);
	bio = bio_alloc(ftio_bdev_get(&b), 1, REQ_OP_READ, GFP_KERNEL);
	__bio_add_page(bio, page, PAGE_SIZE, 0);
	bio->bi_private = &done;
	bio->bi_end_io = kunit_bio_done;

	coming_back = p;
	fault_hits = 0;
	WRITE_ONCE(mpio_fault_test_hook, reinstate_meanwhile);
	submit_bio(bio);
	sent = wait_for_completion_timeout(&done, 10 * HZ);
	WRITE_ONCE(mpio_fault_test_hook, NULL);
	if (!sent) {
		mpio_fail_queued(d);	/* let the test end */
		wait_for_completion(&done);
	}
	KUNIT_EXPECT_EQ(test, fault_hits, 1);
	KUNIT_EXPECT_NE_MSG(test, sent, 0UL,
			    "the bio stayed queued for 10 s with a usable path");
	KUNIT_EXPECT_EQ(test, bio->bi_status, BLK_STS_OK);
	bio_put(bio);
	__free_page(page);
	ftio_bdev_close(&b);
	mpio_set_no_path_retry(d, 0);
}

static struct kunit_case ftio_mpio_cases[] = {
	KUNIT_CASE(path_errors_retried_elsewhere),
	KUNIT_CASE(target_errors_passed_back),
	KUNIT_CASE(failfast_transport_passes_errors_back),
	KUNIT_CASE(nowait_again_passes_back),
	KUNIT_CASE(hist_threshold_within_window),
	KUNIT_CASE(hist_ignores_old_entries),
	KUNIT_CASE(hist_ring_wraps),
	KUNIT_CASE(select_round_robin_even),
	KUNIT_CASE(select_round_robin_repeat),
	KUNIT_CASE(select_round_robin_skips_failed),
	KUNIT_CASE(select_other_than_the_suspect),
	KUNIT_CASE(select_queue_depth_fewest_in_flight),
	KUNIT_CASE(select_service_time_latency_and_weight),
	KUNIT_CASE(select_weighted_proportional),
	KUNIT_CASE(select_numa_local_then_all),
	KUNIT_CASE(rebuild_best_group_active_rest_standby),
	KUNIT_CASE(rebuild_marginal_only_as_last_resort),
	KUNIT_CASE(failback_immediate),
	KUNIT_CASE(failback_manual),
	KUNIT_CASE(failback_deferred_not_early),
	KUNIT_CASE(rebuild_keeps_a_path_failed_meanwhile),
	KUNIT_CASE_SLOW(failback_deferred),
	KUNIT_CASE_SLOW(failback_deferred_rearmed),
	KUNIT_CASE(fail_and_reinstate),
	KUNIT_CASE(setup_undone_at_each_step),
	KUNIT_CASE(open_refused_while_deleting),
	KUNIT_CASE(bio_queued_as_a_path_comes_back_is_sent),
	KUNIT_CASE(io_error_event_from_work),
	KUNIT_CASE(admin_failed_path_needs_admin),
	KUNIT_CASE_SLOW(flapping_path_held_down),
	KUNIT_CASE_SLOW(repeatedly_failed_path_comes_back_marginal),
	{}
};

static struct kunit_suite ftio_mpio_suite = {
	.name = "ftio_mpio",
	.init = mpio_kunit_init,
	.exit = mpio_kunit_exit,
	.test_cases = ftio_mpio_cases,
};

kunit_test_suite(ftio_mpio_suite);

MODULE_DESCRIPTION("KUnit tests of ftio_mpio");
MODULE_LICENSE("GPL");
