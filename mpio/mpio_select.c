// SPDX-License-Identifier: GPL-2.0
/*
 * Path selectors. Each picks one path of the usable set for a bio. The
 * default, round-robin, writes nothing shared: a per-CPU cursor, which
 * moves to the next path every rr_repeat bios. The cursors count and wrap
 * instead of dividing: a bio costs no division on the way to its path.
 */
#include <linux/percpu.h>
#include <linux/topology.h>
#include <kunit/visibility.h>

#include "mpio.h"

static const char *const mpio_sel_names[] = {
	[MPIO_SEL_ROUND_ROBIN] = "round-robin",
	[MPIO_SEL_QUEUE_DEPTH] = "queue-depth",
	[MPIO_SEL_SERVICE_TIME] = "service-time",
	[MPIO_SEL_NUMA] = "numa",
	[MPIO_SEL_WEIGHTED] = "weighted",
};

const char *mpio_selector_name(u32 sel)
{
	return sel < ARRAY_SIZE(mpio_sel_names) ? mpio_sel_names[sel] : "unknown";
}

int mpio_selector_parse(const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mpio_sel_names); i++)
		if (sysfs_streq(s, mpio_sel_names[i]))
			return i;
	return -EINVAL;
}

static long mpio_in_flight(struct mpio_path *p)
{
	long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(p->pcpu, cpu)->in_flight);
	return max(n, 0L);
}

static bool mpio_ok(struct mpio_path *p)
{
	int st = atomic_read(&p->state);

	return st == MPIO_PATH_ACTIVE || st == MPIO_PATH_MARGINAL;
}

/*
 * This CPU's turn among @n paths: the cursor moves on after rr_repeat bios
 * down one path. A submitter interrupted on this CPU by another may skew
 * the count by one; the cursor is kept below @n whatever happens, also
 * when the set shrank since the last bio.
 */
static unsigned int mpio_turn(struct mpio_dev *d, unsigned int n)
{
	struct mpio_dev_pcpu *c = get_cpu_ptr(d->pcpu);
	unsigned int at = c->at;

	if (++c->run >= READ_ONCE(d->rr_repeat)) {
		c->run = 0;
		at++;
	}
	if (at >= n)
		at = 0;
	c->at = at;
	put_cpu_ptr(d->pcpu);
	return at;
}

static struct mpio_path *mpio_sel_rr(struct mpio_dev *d, struct mpio_pathset *set)
{
	return set->p[mpio_turn(d, set->n)];
}

static struct mpio_path *mpio_sel_qd(struct mpio_dev *d, struct mpio_pathset *set)
{
	struct mpio_path *best = NULL;
	long best_n = LONG_MAX;
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		long n = mpio_in_flight(set->p[i]);

		if (mpio_ok(set->p[i]) && n < best_n) {
			best = set->p[i];
			best_n = n;
		}
	}
	return best;
}

/* Expected wait: (I/O in flight + this one) x average latency / weight. */
static struct mpio_path *mpio_sel_st(struct mpio_dev *d, struct mpio_pathset *set)
{
	struct mpio_path *best = NULL;
	u64 best_cost = U64_MAX;
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		struct mpio_path *p = set->p[i];
		u64 cost = (mpio_in_flight(p) + 1) *
			   (READ_ONCE(p->latency_ns) + 1) / max(p->weight, 1U);

		if (mpio_ok(p) && cost < best_cost) {
			best = p;
			best_cost = cost;
		}
	}
	return best;
}

/* Round-robin over the paths on this CPU's node; over all if none. */
static struct mpio_path *mpio_sel_numa(struct mpio_dev *d, struct mpio_pathset *set)
{
	unsigned int i, n = 0, node = numa_node_id();
	struct mpio_path *local[MPIO_MAX_PATHS];

	for (i = 0; i < set->n; i++)
		if (set->p[i]->node_id == NUMA_NO_NODE || set->p[i]->node_id == node)
			local[n++] = set->p[i];
	if (!n)
		return mpio_sel_rr(d, set);
	return local[mpio_turn(d, n)];
}

static struct mpio_path *mpio_sel_weighted(struct mpio_dev *d,
					   struct mpio_pathset *set)
{
	struct mpio_dev_pcpu *c;
	unsigned int i, w;

	if (!set->weights)
		return mpio_sel_rr(d, set);
	c = get_cpu_ptr(d->pcpu);
	w = c->wpos + 1;
	if (w >= set->weights)
		w = 0;
	c->wpos = w;
	put_cpu_ptr(d->pcpu);
	for (i = 0; i < set->n; i++) {
		if (w < set->p[i]->weight)
			return set->p[i];
		w -= set->p[i]->weight;
	}
	return set->p[0];
}

/**
 * mpio_select() - the path for the next bio
 * @d: the device
 * @set: its usable paths (under RCU)
 *
 * A path that failed since the set was built is skipped.
 *
 * Return: a path, or NULL if none of the set is usable.
 */
struct mpio_path *mpio_select(struct mpio_dev *d, struct mpio_pathset *set)
{
	struct mpio_path *p;
	unsigned int i;

	if (unlikely(!set->n))
		return NULL;
	switch (READ_ONCE(d->selector)) {
	case MPIO_SEL_QUEUE_DEPTH:
		p = mpio_sel_qd(d, set);
		break;
	case MPIO_SEL_SERVICE_TIME:
		p = mpio_sel_st(d, set);
		break;
	case MPIO_SEL_NUMA:
		p = mpio_sel_numa(d, set);
		break;
	case MPIO_SEL_WEIGHTED:
		p = mpio_sel_weighted(d, set);
		break;
	default:
		p = mpio_sel_rr(d, set);
		break;
	}
	if (likely(p && mpio_ok(p)))
		return p;
	for (i = 0; i < set->n; i++)
		if (mpio_ok(set->p[i]))
			return set->p[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mpio_select);

/**
 * mpio_select_other() - another usable path of the set than @p
 * @set: the published set (RCU read side)
 * @p: the path not wanted (a retry's suspect)
 *
 * Return: the path after @p in the set that the selectors could use, or
 * NULL if @p is the only one.
 */
struct mpio_path *mpio_select_other(struct mpio_pathset *set, struct mpio_path *p)
{
	unsigned int i, at = 0;

	for (i = 0; i < set->n; i++)
		if (set->p[i] == p)
			at = i;
	for (i = 1; i < set->n; i++) {
		struct mpio_path *q = set->p[(at + i) % set->n];

		if (q != p && mpio_ok(q))
			return q;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mpio_select_other);
