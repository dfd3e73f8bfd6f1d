// SPDX-License-Identifier: GPL-2.0
/*
 * mpio paths: adding one (with an identity check), removing one under
 * I/O, failing and reinstating, the marginal and flapping logic, and the
 * set of paths the selector uses, rebuilt after every change.
 */
#define pr_fmt(fmt) "ftio_mpio: " fmt

#include <linux/blk-integrity.h>
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/pr.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "mpio.h"

/*
 * A path that failed marginal_fails times within flap_window seconds comes
 * back marginal (used only when nothing better is left) until it has been
 * quiet for a window; one that failed flap_fails times is held down for
 * hold_down seconds: probes leave it failed meanwhile.
 */
static unsigned int marginal_fails = 3;
module_param(marginal_fails, uint, 0644);
MODULE_PARM_DESC(marginal_fails, "Failures within flap_window that make a path marginal (default 3, 0: never)");
static unsigned int flap_fails = 5;
module_param(flap_fails, uint, 0644);
MODULE_PARM_DESC(flap_fails, "Failures within flap_window that hold a path down (default 5, 0: never)");
static unsigned int flap_window = 300;
module_param(flap_window, uint, 0644);
MODULE_PARM_DESC(flap_window, "Seconds over which failures are counted (default 300)");
static unsigned int hold_down = 60;
module_param(hold_down, uint, 0644);
MODULE_PARM_DESC(hold_down, "Seconds a flapping path stays down (default 60)");

#define MPIO_WINDOW	(READ_ONCE(flap_window) * HZ)

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * mpio_swap_flap_params() - exchange the marginal and flapping parameters
 * @params: the new ones; the old ones on return
 */
void mpio_swap_flap_params(struct mpio_flap_params *params)
{
	params->marginal_fails = xchg(&marginal_fails, params->marginal_fails);
	params->flap_fails = xchg(&flap_fails, params->flap_fails);
	params->flap_window = xchg(&flap_window, params->flap_window);
	params->hold_down = xchg(&hold_down, params->hold_down);
}
EXPORT_SYMBOL_IF_KUNIT(mpio_swap_flap_params);
#endif

static const char *const mpio_state_names[] = {
	[MPIO_PATH_ACTIVE] = "active",
	[MPIO_PATH_STANDBY] = "standby",
	[MPIO_PATH_MARGINAL] = "marginal",
	[MPIO_PATH_FAILED] = "failed",
	[MPIO_PATH_REMOVED] = "removed",
};

const char *mpio_path_state_name(int state)
{
	if (state >= 0 && state < ARRAY_SIZE(mpio_state_names))
		return mpio_state_names[state];
	return "unknown";
}

/**
 * mpio_hist_add() - note an event and count those within a window
 * @h: the history
 * @now: jiffies
 * @n: threshold
 * @window: the window, in jiffies
 *
 * Return: true if at least @n events (this one included) fall in @window.
 */
bool mpio_hist_add(struct mpio_hist *h, unsigned long now, unsigned int n,
		   unsigned long window)
{
	unsigned int i, count = 0;

	h->at[h->next++ % MPIO_HIST] = now;
	for (i = 0; i < MPIO_HIST; i++)
		if (h->at[i] && time_before_eq(now - window, h->at[i]))
			count++;
	return count >= n;
}
EXPORT_SYMBOL_IF_KUNIT(mpio_hist_add);

static unsigned int mpio_hist_recent(const struct mpio_hist *h,
				     unsigned long now, unsigned long window)
{
	unsigned int i, count = 0;

	for (i = 0; i < MPIO_HIST; i++)
		if (h->at[i] && time_before_eq(now - window, h->at[i]))
			count++;
	return count;
}

void mpio_path_stats(struct mpio_path *p, struct mpio_path_pcpu *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct mpio_path_pcpu *c = per_cpu_ptr(p->pcpu, cpu);

		sum->ios += READ_ONCE(c->ios);
		sum->bytes += READ_ONCE(c->bytes);
		sum->errors += READ_ONCE(c->errors);
		sum->in_flight += READ_ONCE(c->in_flight);
	}
	if (sum->in_flight < 0)
		sum->in_flight = 0;
}

static bool mpio_usable(int state)
{
	return state == MPIO_PATH_ACTIVE || state == MPIO_PATH_STANDBY ||
	       state == MPIO_PATH_MARGINAL;
}

#if IS_ENABLED(CONFIG_KUNIT)
mpio_rebuild_hook_t mpio_rebuild_test_hook;
EXPORT_SYMBOL_IF_KUNIT(mpio_rebuild_test_hook);
mpio_fault_hook_t mpio_fault_test_hook;
EXPORT_SYMBOL_IF_KUNIT(mpio_fault_test_hook);

static void mpio_rebuild_observe(struct mpio_path *p)
{
	mpio_rebuild_hook_t hook = READ_ONCE(mpio_rebuild_test_hook);

	if (hook)
		hook(p);
}
#else
static inline void mpio_rebuild_observe(struct mpio_path *p) { }
#endif

/**
 * mpio_rebuild_active() - choose the group and publish the usable paths
 * @d: the device
 *
 * The group in use stays while it has a usable path, unless a better
 * (lower-numbered) group is usable and failback is immediate; marginal
 * paths serve only when no other path is usable.
 *
 * Context: d->lock held.
 */
void mpio_rebuild_active(struct mpio_dev *d)
{
	struct mpio_pathset *set, *old;
	u32 best = U32_MAX, group = d->group;
	bool cur_ok = false, only_marginal = true;
	struct mpio_path *p;
	unsigned int n = 0;

	list_for_each_entry(p, &d->paths, node) {
		int st = atomic_read(&p->state);

		if (st == MPIO_PATH_ACTIVE || st == MPIO_PATH_STANDBY) {
			only_marginal = false;
			best = min(best, p->group);
			cur_ok |= p->group == d->group;
		}
	}
	if (only_marginal) {
		list_for_each_entry(p, &d->paths, node)
			if (atomic_read(&p->state) == MPIO_PATH_MARGINAL)
				best = min(best, p->group);
	}
	if (best != U32_MAX && !cur_ok) {
		group = best;
		d->failback_at = 0;
	} else if (best < d->group) {
		/* A better group is back: fail back as the device says. */
		if (d->failback == FTIO_FAILBACK_IMMEDIATE) {
			group = best;
		} else if (d->failback == FTIO_FAILBACK_DEFERRED) {
			if (!d->failback_at) {
				d->failback_at = jiffies + d->failback_delay * HZ;
				/* Not queue_: an earlier, cancelled one may be pending. */
				mod_delayed_work(mpio_wq, &d->failback_work,
						 d->failback_delay * HZ);
			} else if (time_after_eq(jiffies, d->failback_at)) {
				group = best;
				d->failback_at = 0;
			}
		}
	} else {
		d->failback_at = 0;
	}

	set = ftio_pool_zalloc(struct_size(set, p, MPIO_MAX_PATHS), GFP_KERNEL,
			       MPIO_TAG);
	if (!set) {
		/*
		 * No memory for a new set, and the old one may name a path
		 * on its way out: take it from the readers (their I/O
		 * queues as with no path), wait for them to be done with
		 * it, and fill it again in place.
		 */
		set = rcu_replace_pointer(d->active, NULL, lockdep_is_held(&d->lock));
		if (!set)
			return;	/* none to reuse: I/O queues until the next change */
		synchronize_rcu();
		memset(set, 0, struct_size(set, p, MPIO_MAX_PATHS));
	}
	list_for_each_entry(p, &d->paths, node) {
		int st = atomic_read(&p->state);

		if (st == MPIO_PATH_FAILED || st == MPIO_PATH_REMOVED)
			continue;
		mpio_rebuild_observe(p);
		if (st == MPIO_PATH_MARGINAL) {
			if (only_marginal && p->group == group)
				set->p[n++] = p;
			continue;
		}
		/*
		 * From the state just read only: a path that fails meanwhile
		 * (mpio_path_mark_failed() from a completion, no lock) stays
		 * failed and out of the set; its config work rebuilds again.
		 */
		if (atomic_cmpxchg(&p->state, st, p->group == group ?
				   MPIO_PATH_ACTIVE : MPIO_PATH_STANDBY) != st)
			continue;
		if (p->group == group && n < MPIO_MAX_PATHS) {
			set->p[n++] = p;
			set->weights += p->weight;
		}
	}
	set->n = n;
	if (group != d->group && best != U32_MAX) {
		ftio_event_emit(&mpio_module, FTIO_EVENT_CODE_MPIO_GROUP_SWITCHED,
				disk_to_dev(d->disk), d->name,
				"path group %u -> %u", d->group, group);
		d->group = group;
	}
	old = rcu_replace_pointer(d->active, set, lockdep_is_held(&d->lock));
	if (old) {
		synchronize_rcu();
		ftio_pool_free(old, MPIO_TAG);
	}
	if (n)
		mpio_dev_kick(d);	/* queued I/O can go */
}
EXPORT_SYMBOL_IF_KUNIT(mpio_rebuild_active);

/* Take @p out of service; false if it was out already. */
static bool mpio_path_mark_failed(struct mpio_path *p, int err)
{
	unsigned long now = jiffies;
	int st = atomic_read(&p->state);
	unsigned int flap = READ_ONCE(flap_fails);

	do {
		if (!mpio_usable(st))
			return false;	/* failed or removed already */
	} while (!atomic_try_cmpxchg(&p->state, &st, MPIO_PATH_FAILED));

	WRITE_ONCE(p->last_error, err);
	atomic_inc(&p->fail_count);
	/* What the administrator does is no sign of a flaky path. */
	if (!READ_ONCE(p->admin_down) &&
	    mpio_hist_add(&p->fails, now, flap ? flap : UINT_MAX, MPIO_WINDOW))
		WRITE_ONCE(p->hold_until, now + READ_ONCE(hold_down) * HZ);
	return true;
}

static void mpio_path_failed_event(struct mpio_path *p, const char *why, int err)
{
	ftio_event_emit(&mpio_module, FTIO_EVENT_CODE_MPIO_PATH_FAILED,
			READ_ONCE(p->dev->dying) ? NULL : disk_to_dev(p->dev->disk),
			p->name,
			"%s: path %u (%s) failed: %s (%d)%s", p->dev->name, p->id,
			p->name, why, err,
			time_after(READ_ONCE(p->hold_until), jiffies) ?
			"; flapping, held down" : "");
}

/* The event mpio_path_fail_io() left to the work item, if not sent yet. */
static void mpio_path_flush_fail_event(struct mpio_path *p)
{
	if (atomic_xchg(&p->fail_event, 0))
		mpio_path_failed_event(p, "I/O error", READ_ONCE(p->last_error));
}

/**
 * mpio_path_fail() - take a path out of service after an error
 * @p: the path
 * @err: negative errno of the error
 * @why: for the event
 *
 * Context: any; the rebuild runs in a work item.
 */
void mpio_path_fail(struct mpio_path *p, int err, const char *why)
{
	if (!mpio_path_mark_failed(p, err))
		return;
	mpio_path_failed_event(p, why, err);
	queue_work(mpio_wq, &p->config);
}
EXPORT_SYMBOL_IF_KUNIT(mpio_path_fail);

/**
 * mpio_path_fail_io() - take a path out of service after an I/O error
 * @p: the path
 * @err: negative errno of the error
 *
 * As mpio_path_fail(), but neither the event nor the rebuild is started
 * here: the caller first sends what failed on its way to another path,
 * then queues @p->config, whose work item sends the event. The event
 * goes to the kernel log too, and a serial console prints it with
 * interrupts off; the I/O failing over does not wait for that.
 *
 * Context: I/O completion.
 * Return: true if this call failed the path (queue @p->config then).
 */
bool mpio_path_fail_io(struct mpio_path *p, int err)
{
	if (!mpio_path_mark_failed(p, err))
		return false;
	atomic_set(&p->fail_event, 1);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mpio_path_fail_io);

/**
 * mpio_path_fail_admin() - fail a path until the administrator says
 * @p: the path
 *
 * Health probes do not reinstate it; mpio_path_reinstate() with @by_admin
 * does.
 */
void mpio_path_fail_admin(struct mpio_path *p)
{
	WRITE_ONCE(p->admin_down, true);
	mpio_path_fail(p, 0, "failed by the administrator");
}
EXPORT_SYMBOL_IF_KUNIT(mpio_path_fail_admin);

/**
 * mpio_path_reinstate() - put a failed path back in service
 * @p: the path
 * @by_admin: an administrator asked (ignores the flapping hold-down)
 *
 * Context: process context; takes the device's lock.
 * Return: 0, -EBUSY while held down or (unless @by_admin) failed by the
 * administrator, -EINVAL if not failed.
 */
int mpio_path_reinstate(struct mpio_path *p, bool by_admin)
{
	struct mpio_dev *d = p->dev;
	unsigned long now = jiffies;
	int st, ret = 0;

	mutex_lock(&d->lock);
	mpio_path_flush_fail_event(p);	/* failed before it is back */
	st = atomic_read(&p->state);
	if (st != MPIO_PATH_FAILED) {
		ret = -EINVAL;
		goto out;
	}
	if (!by_admin && (READ_ONCE(p->admin_down) ||
			  time_before(now, READ_ONCE(p->hold_until)))) {
		ret = -EBUSY;
		goto out;
	}
	WRITE_ONCE(p->hold_until, 0);
	WRITE_ONCE(p->admin_down, false);
	if (READ_ONCE(marginal_fails) &&
	    mpio_hist_recent(&p->fails, now, MPIO_WINDOW) >= READ_ONCE(marginal_fails)) {
		/* Failed to marginal, and only from failed (see rebuild). */
		atomic_cmpxchg(&p->state, MPIO_PATH_FAILED, MPIO_PATH_MARGINAL);
		ftio_event_emit(&mpio_module, FTIO_EVENT_CODE_MPIO_PATH_MARGINAL,
				disk_to_dev(d->disk), p->name,
				"%s: path %u (%s) back, but marginal: %u failures in %u s",
				d->name, p->id, p->name,
				mpio_hist_recent(&p->fails, now, MPIO_WINDOW),
				READ_ONCE(flap_window));
	} else {
		atomic_cmpxchg(&p->state, MPIO_PATH_FAILED, MPIO_PATH_STANDBY);
		ftio_event_emit(&mpio_module, FTIO_EVENT_CODE_MPIO_PATH_REINSTATED,
				disk_to_dev(d->disk), p->name,
				"%s: path %u (%s) reinstated%s", d->name, p->id,
				p->name, by_admin ? " by the administrator" : "");
	}
	mpio_rebuild_active(d);
out:
	mutex_unlock(&d->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mpio_path_reinstate);

/* A marginal path that has been quiet for a window is fully back. */
static void mpio_path_promote(struct mpio_path *p)
{
	if (atomic_read(&p->state) == MPIO_PATH_MARGINAL &&
	    mpio_hist_recent(&p->fails, jiffies, MPIO_WINDOW) < READ_ONCE(marginal_fails) &&
	    atomic_cmpxchg(&p->state, MPIO_PATH_MARGINAL, MPIO_PATH_STANDBY) ==
	    MPIO_PATH_MARGINAL)
		mpio_rebuild_active(p->dev);
}

VISIBLE_IF_KUNIT void mpio_path_config_work(struct work_struct *work)
{
	struct mpio_path *p = container_of(work, struct mpio_path, config);
	struct mpio_dev *d = p->dev;

	mutex_lock(&d->lock);
	mpio_path_flush_fail_event(p);
	mpio_path_promote(p);
	mpio_rebuild_active(d);
	mutex_unlock(&d->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mpio_path_config_work);

/* The last I/O is done: close the lower device and let the path go. */
static void mpio_path_release_work(struct work_struct *work)
{
	struct mpio_path *p = container_of(work, struct mpio_path, release);
	struct mpio_dev *d = p->dev;

	cancel_work_sync(&p->config);
	bd_unlink_disk_holder(ftio_bdev_get(&p->bdev), d->disk);
	ftio_bdev_close(&p->bdev);
	percpu_ref_exit(&p->ref);
	mpio_path_sysfs_del(p);	/* the last put frees the path */
	if (atomic_dec_and_test(&d->live_paths))
		wake_up(&d->paths_wq);
}

static void mpio_path_ref_gone(struct percpu_ref *ref)
{
	struct mpio_path *p = container_of(ref, struct mpio_path, ref);

	queue_work(mpio_wq, &p->release);
}

/* "/dev/sdb", "sdb" or "8:16" -> dev_t. */
static int mpio_parse_dev(const char *spec, dev_t *devt)
{
	unsigned int maj, min;
	char path[160];

	if (sscanf(spec, "%u:%u", &maj, &min) == 2 && !strchr(spec, '/')) {
		*devt = MKDEV(maj, min);
		return 0;
	}
	if (spec[0] != '/') {
		snprintf(path, sizeof(path), "/dev/%s", spec);
		spec = path;
	}
	return lookup_bdev(spec, devt);
}

/**
 * mpio_path_find() - a path by id ("2") or by device ("/dev/sdb", "8:16")
 * @d: the device
 * @spec: what the administrator wrote
 *
 * Context: d->lock held.
 * Return: the path or NULL.
 */
struct mpio_path *mpio_path_find(struct mpio_dev *d, const char *spec)
{
	struct mpio_path *p;
	unsigned int id;
	dev_t devt = 0;
	char end;

	if (sscanf(spec, "%u%c", &id, &end) == 1) {
		list_for_each_entry(p, &d->paths, node)
			if (p->id == id)
				return p;
		return NULL;
	}
	if (mpio_parse_dev(spec, &devt))
		return NULL;
	list_for_each_entry(p, &d->paths, node)
		if (p->devt == devt)
			return p;
	return NULL;
}

/**
 * mpio_path_gone() - the path's disk went away (adapter pulled, device deleted)
 * @p: the path
 *
 * The path is removed, and awaited (see mpio_await_path()) unless its
 * device is being deleted.
 *
 * Context: p->dev->lock held.
 */
void mpio_path_gone(struct mpio_path *p)
{
	if (!p->dev->dying)
		mpio_await_path(p);
	mpio_path_remove(p, NULL);
}

/**
 * mpio_path_tryget() - pin a path across a section without its device's lock
 * @p: the path, found under d->lock or RCU
 *
 * A pinned path is not released, and neither is its device (which waits
 * for its paths' release before it is freed).
 *
 * Return: false if the path is already on its way out.
 */
bool mpio_path_tryget(struct mpio_path *p)
{
	return percpu_ref_tryget_live(&p->ref);
}

/**
 * mpio_path_put() - drop the pin of mpio_path_tryget()
 * @p: the path
 */
void mpio_path_put(struct mpio_path *p)
{
	percpu_ref_put(&p->ref);
}

#ifdef FTIO_HAVE_BDEV_FILE
/* The block layer's word that a disk went away (6.9+; see mpio_readd.c). */
static void mpio_path_mark_dead(struct block_device *bdev, bool surprise)
{
	struct mpio_dev *d = bdev->bd_holder;
	struct mpio_path *p, *found = NULL;

	/*
	 * Called with bd_holder_lock held, which the holder drops; it cannot
	 * take d->lock first (path add takes them the other way round). While
	 * it is held the claim stands, so the path and its device live: pin
	 * the path, which keeps both alive once it is dropped.
	 */
	rcu_read_lock();
	list_for_each_entry_rcu(p, &d->paths, node) {
		if (ftio_bdev_get(&p->bdev) == bdev) {
			if (mpio_path_tryget(p))
				found = p;
			break;
		}
	}
	rcu_read_unlock();
	mutex_unlock(&bdev->bd_holder_lock);
	if (!found)
		return;		/* already being removed */
	mutex_lock(&d->lock);
	mpio_path_gone(found);
	mutex_unlock(&d->lock);
	mpio_path_put(found);
}

static const struct blk_holder_ops mpio_holder_ops = {
	.mark_dead = mpio_path_mark_dead,
};

#define MPIO_HOLDER_OPS (&mpio_holder_ops)
#else
#define MPIO_HOLDER_OPS NULL
#endif

static int mpio_apply_limits(struct mpio_dev *d)
{
	struct mpio_path *p;
#ifdef FTIO_HAVE_QUEUE_LIMITS_UPDATE
	struct queue_limits lim = queue_limits_start_update(d->disk->queue);

	blk_set_stacking_limits(&lim);
	/* NOWAIT as long as every path has it (stacking clears it). */
	lim.features |= BLK_FEAT_IO_STAT | BLK_FEAT_NOWAIT;
	lim.max_zone_append_sectors = 0;	/* not zoned unless a path is */
	list_for_each_entry(p, &d->paths, node)
		if (atomic_read(&p->state) != MPIO_PATH_REMOVED)
			queue_limits_stack_bdev(&lim, ftio_bdev_get(&p->bdev), 0,
						d->disk->disk_name);
	return queue_limits_commit_update(d->disk->queue, &lim);
#else
	struct request_queue *q = d->disk->queue;
	bool wc = false, fua = false, nowait = true;

	blk_set_stacking_limits(&q->limits);
	list_for_each_entry(p, &d->paths, node) {
		struct block_device *b = ftio_bdev_get(&p->bdev);
		struct request_queue *bq = bdev_get_queue(b);

		if (atomic_read(&p->state) == MPIO_PATH_REMOVED)
			continue;
		blk_stack_limits(&q->limits, &bq->limits, 0);
		wc |= test_bit(QUEUE_FLAG_WC, &bq->queue_flags);
		fua |= test_bit(QUEUE_FLAG_FUA, &bq->queue_flags);
		nowait &= bdev_nowait(b);
	}
	blk_queue_write_cache(q, wc, fua);
	if (nowait)
		blk_queue_flag_set(QUEUE_FLAG_NOWAIT, q);
	else
		blk_queue_flag_clear(QUEUE_FLAG_NOWAIT, q);
	return 0;
#endif
}

/**
 * mpio_path_add() - open a block device as a new path
 * @d: the device
 * @spec: the lower device: /dev/NAME, NAME or MAJ:MIN
 * @group: path group
 * @note: added to the event's message, or NULL
 * @out: the new path
 * @extack: where to say why not
 *
 * Context: d->lock held.
 * Return: 0 or a negative errno with a message.
 */
int mpio_path_add(struct mpio_dev *d, const char *spec, u32 group,
		  const char *note, struct mpio_path **out,
		  struct netlink_ext_ack *extack)
{
	struct block_device *bdev;
	struct mpio_path *p, *other;
	char id[MPIO_UUID_LEN];
	dev_t devt;
	int ret;

	if (mpio_parse_dev(spec, &devt)) {
		NL_SET_ERR_MSG(extack, "ftio: no such block device");
		return -ENODEV;
	}
	if (devt == disk_devt(d->disk)) {
		NL_SET_ERR_MSG(extack, "ftio: an mpio device cannot be its own path");
		return -EINVAL;
	}
	list_for_each_entry(other, &d->paths, node) {
		if (other->devt == devt) {
			NL_SET_ERR_MSG(extack, "ftio: that device is a path already");
			return -EEXIST;
		}
	}
	if (d->npaths >= MPIO_MAX_PATHS) {
		NL_SET_ERR_MSG(extack, "ftio: an mpio device has at most 32 paths");
		return -ENOSPC;
	}
	p = ftio_pool_zalloc(sizeof(*p), GFP_KERNEL, MPIO_TAG);
	if (!p)
		return -ENOMEM;
	ret = ftio_bdev_open(&p->bdev, devt, d, MPIO_HOLDER_OPS);
	if (ret) {
		NL_SET_ERR_MSG(extack,
			       "ftio: cannot open the device exclusively (another holder has it)");
		goto err_free;
	}
	bdev = ftio_bdev_get(&p->bdev);
	if (bdev->bd_disk->fops == d->disk->fops) {
		NL_SET_ERR_MSG(extack, "ftio: an mpio device cannot be a path");
		ret = -EINVAL;
		goto err_close;
	}
	if (!bdev_nr_sectors(bdev)) {
		NL_SET_ERR_MSG(extack, "ftio: the device is empty (size 0)");
		ret = -EINVAL;
		goto err_close;
	}
	/* Zone and integrity limits are not stacked: such disks are refused. */
	if (bdev_is_zoned(bdev)) {
		NL_SET_ERR_MSG(extack, "ftio: a zoned device cannot be a path");
		ret = -EINVAL;
		goto err_close;
	}
	if (blk_get_integrity(bdev->bd_disk)) {
		NL_SET_ERR_MSG(extack,
			       "ftio: a device with an integrity profile cannot be a path");
		ret = -EINVAL;
		goto err_close;
	}
	mpio_identity(bdev, id, sizeof(id));
	/*
	 * The device is one LU for as long as it exists, paths or none: its
	 * capacity and identity hold for every path, the first after the
	 * last one left included (the data above it is that LU's).
	 */
	if (get_capacity(d->disk) && (get_capacity(d->disk) != bdev_nr_sectors(bdev) ||
				      queue_logical_block_size(d->disk->queue) !=
				      bdev_logical_block_size(bdev))) {
		NL_SET_ERR_MSG(extack,
			       "ftio: the device's size or logical block size differs from the mpio device's");
		ret = -EINVAL;
		goto err_close;
	}
	list_for_each_entry(other, &d->paths, node) {
		struct block_device *ob = ftio_bdev_get(&other->bdev);

		if (bdev_nr_sectors(ob) != bdev_nr_sectors(bdev)) {
			NL_SET_ERR_MSG(extack, "ftio: the device's size differs from the paths'");
			ret = -EINVAL;
			goto err_close;
		}
		if (bdev_logical_block_size(ob) != bdev_logical_block_size(bdev)) {
			NL_SET_ERR_MSG(extack, "ftio: the device's logical block size differs");
			ret = -EINVAL;
			goto err_close;
		}
		break;
	}
	/*
	 * Both ways: a device with an identity takes only paths with the
	 * same; a device known by its size only (its paths had none) takes
	 * no path with one, which could be another LU of that size.
	 */
	if (d->uuid[0] && (mpio_uuid_is_size(d->uuid) ? id[0] : strcmp(id, d->uuid))) {
		if (mpio_uuid_is_size(d->uuid))
			NL_SET_ERR_MSG(extack,
				       "ftio: the device has an identity, the mpio device's paths had none");
		else
			NL_SET_ERR_MSG(extack,
				       "ftio: the device's unique id (or wwid, or serial) is not the other paths'");
		ret = -EINVAL;
		goto err_close;
	}
	p->pcpu = alloc_percpu(struct mpio_path_pcpu);
	if (!p->pcpu) {
		ret = -ENOMEM;
		goto err_close;
	}
	ret = percpu_ref_init(&p->ref, mpio_path_ref_gone, 0, GFP_KERNEL);
	if (ret)
		goto err_pcpu;
	p->dev = d;
	p->devt = devt;
	p->id = d->next_id++;
	p->group = group;
	p->weight = 1;
	p->node_id = dev_to_node(disk_to_dev(bdev->bd_disk));
	snprintf(p->name, sizeof(p->name), "%pg", bdev);
	atomic_set(&p->state, MPIO_PATH_STANDBY);
	INIT_WORK(&p->config, mpio_path_config_work);
	INIT_WORK(&p->release, mpio_path_release_work);
	mpio_path_sysfs_init(p);
	ret = mpio_fault(MPIO_STEP_PATH_SYSFS) ?: mpio_path_sysfs_add(p);
	if (ret) {
		/* Undone in reverse; the kobject's release frees the path last. */
		percpu_ref_exit(&p->ref);
		ftio_bdev_close(&p->bdev);
		mpio_path_sysfs_put(p);
		return ret;
	}
	ret = mpio_fault(MPIO_STEP_PATH_HOLD) ?: bd_link_disk_holder(bdev, d->disk);
	if (ret) {
		percpu_ref_exit(&p->ref);
		ftio_bdev_close(&p->bdev);
		mpio_path_sysfs_del(p);
		return ret;
	}
	if (d->pr_key) {
		const struct pr_ops *ops = bdev->bd_disk->fops->pr_ops;

		if (ops && ops->pr_register)
			ops->pr_register(bdev, 0, d->pr_key, d->pr_flags);
	}
	list_add_tail_rcu(&p->node, &d->paths);
	d->npaths++;
	atomic_inc(&d->live_paths);
	ret = mpio_fault(MPIO_STEP_PATH_LIMITS) ?: mpio_apply_limits(d);
	if (ret) {
		/* Not in the active set yet: no I/O went to it. Undo in reverse. */
		list_del_rcu(&p->node);
		d->npaths--;
		atomic_dec(&d->live_paths);
		mpio_apply_limits(d);
		synchronize_rcu();
		NL_SET_ERR_MSG(extack,
			       "ftio: the device's queue limits do not stack with the paths'");
		bd_unlink_disk_holder(bdev, d->disk);
		percpu_ref_exit(&p->ref);
		ftio_bdev_close(&p->bdev);
		mpio_path_sysfs_del(p);
		return ret;
	}
	if (id[0] && !d->uuid[0])
		strscpy(d->uuid, id, sizeof(d->uuid));
	else if (!d->uuid[0])
		snprintf(d->uuid, sizeof(d->uuid), "size:%llu:%u",
			 (unsigned long long)bdev_nr_sectors(bdev),
			 bdev_logical_block_size(bdev));
	if (!note)
		mpio_unawait(d, p->name);
	if (get_capacity(d->disk) != bdev_nr_sectors(bdev))
		set_capacity_and_notify(d->disk, bdev_nr_sectors(bdev));
	mpio_rebuild_active(d);
	ftio_event_emit(&mpio_module, FTIO_EVENT_CODE_MPIO_PATH_ADDED,
			disk_to_dev(d->disk), p->name, "%s: path %u is %s, group %u%s%s",
			d->name, p->id, p->name, group, note ? "; " : "",
			note ? note : "");
	if (out)
		*out = p;
	return 0;

err_pcpu:
	free_percpu(p->pcpu);
err_close:
	ftio_bdev_close(&p->bdev);
err_free:
	ftio_pool_free(p, MPIO_TAG);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mpio_path_add);

/**
 * mpio_path_remove() - take a path away, even under I/O
 * @p: the path
 * @extack: unused; for symmetry with the other commands
 *
 * I/O in flight on the path completes there (or fails over); the lower
 * device is closed once it has.
 *
 * Context: p->dev->lock held.
 * Return: 0.
 */
int mpio_path_remove(struct mpio_path *p, struct netlink_ext_ack *extack)
{
	struct mpio_dev *d = p->dev;

	if (atomic_xchg(&p->state, MPIO_PATH_REMOVED) == MPIO_PATH_REMOVED)
		return 0;
	list_del_rcu(&p->node);
	d->npaths--;
	mpio_rebuild_active(d);
	mpio_path_flush_fail_event(p);	/* failed before it is removed */
	ftio_event_emit(&mpio_module, FTIO_EVENT_CODE_MPIO_PATH_REMOVED,
			d->dying ? NULL : disk_to_dev(d->disk), p->name,
			"%s: path %u (%s) removed", d->name, p->id, p->name);
	percpu_ref_kill(&p->ref);
	return 0;
}

/**
 * mpio_switch_group() - use another path group, by hand
 * @d: the device
 * @group: the group
 * @extack: where to say why not
 *
 * With immediate failback, the best usable group wins again at once.
 *
 * Context: d->lock held.
 * Return: 0, or -EINVAL if the group has no usable path.
 */
int mpio_switch_group(struct mpio_dev *d, u32 group,
		      struct netlink_ext_ack *extack)
{
	struct mpio_path *p;

	list_for_each_entry(p, &d->paths, node) {
		int st = atomic_read(&p->state);

		/* A group of marginal paths only would not be kept. */
		if (p->group == group &&
		    (st == MPIO_PATH_ACTIVE || st == MPIO_PATH_STANDBY)) {
			if (group != d->group)
				ftio_event_emit(&mpio_module,
						FTIO_EVENT_CODE_MPIO_GROUP_SWITCHED,
						disk_to_dev(d->disk), d->name,
						"path group %u -> %u by the administrator",
						d->group, group);
			d->group = group;
			d->failback_at = 0;
			mpio_rebuild_active(d);
			return 0;
		}
	}
	NL_SET_ERR_MSG(extack, "ftio: that path group has no usable path");
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(mpio_switch_group);
