// SPDX-License-Identifier: GPL-2.0
/*
 * mpio devices: the I/O path.
 *
 * A bio to /dev/mpioN goes to one path the selector picks, itself or
 * (the parent of a chain) as a clone. The path's completion decides:
 * success or an error that is the target's
 * (medium, no space, not supported, reservation conflict, protection)
 * completes the original bio; a path error fails the path and sends the
 * original bio again, from its original position, over another path.
 * With no usable path left, bios wait in a queue for no_path_retry
 * seconds (or forever, or not at all) and go on as soon as a path is
 * back. Each original bio completes exactly once.
 */
#define pr_fmt(fmt) "ftio_mpio: " fmt

#include <linux/blk-crypto.h>
#include <linux/blk-mq.h>
#include <linux/ctype.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/pr.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <kunit/visibility.h>

#include "mpio.h"

LIST_HEAD(mpio_devs);
/* Serialises creating, deleting and looking up devices in mpio_devs. */
DEFINE_MUTEX(mpio_devs_lock);
EXPORT_SYMBOL_IF_KUNIT(mpio_devs_lock);
static DEFINE_IDA(mpio_ida);
static int mpio_major;

struct workqueue_struct *mpio_wq;

static void mpio_dispatch(struct mpio_dev *d, struct mpio_io *io);
static void mpio_end_io(struct bio *bio);

/*
 * Each I/O has a context (struct mpio_io) in front of a bio of the
 * device's bio_set, whose mempool guarantees progress. A context that is
 * done goes back to a small per-CPU cache, so that the I/O path neither
 * allocates nor frees while the cache lasts.
 *
 * Most bios go to the path themselves: their completion, device and
 * flags are kept in the context, the path's completion lands in
 * mpio_end_io(), and they are restored before the bio completes or is
 * sent again (the bio behind the context then only links the context
 * into the device's lists). The others (see mpio_in_place_ok()) go as
 * a clone, made in the context's bio.
 */
static struct bio *mpio_cache_get(struct mpio_dev *d)
{
	struct mpio_dev_pcpu *pc;
	unsigned long flags;
	struct bio *b;

	local_lock_irqsave(&d->pcpu->lock, flags);
	pc = this_cpu_ptr(d->pcpu);
	b = pc->cached;
	if (b) {
		pc->cached = b->bi_next;
		pc->ncached--;
	}
	local_unlock_irqrestore(&d->pcpu->lock, flags);
	return b;
}

/* A context for @orig, not bound to a path yet, neither hooked nor cloned. */
static struct mpio_io *mpio_io_get(struct mpio_dev *d, struct bio *orig,
				   unsigned long start)
{
	struct bio *b = mpio_cache_get(d);
	struct mpio_io *io;

	if (!b) {
		b = bio_alloc_bioset(NULL, 0, 0, GFP_NOIO, &d->bs);
		if (unlikely(!b))
			return NULL;
	}
	b->bi_next = NULL;
	io = container_of(b, struct mpio_io, clone);
	io->dev = d;
	io->orig = orig;
	io->path = NULL;
	io->start = start;
	io->opf = orig->bi_opf;
	io->suspect = NULL;
	io->tries = 0;
	io->in_place = false;
	return io;
}

/* A context is done with: keep it for reuse, or free it. */
static void mpio_io_put(struct mpio_dev *d, struct mpio_io *io)
{
	struct bio *b = &io->clone;
	struct mpio_dev_pcpu *pc;
	unsigned long flags;
	bool kept = false;

	if (!io->in_place) {
		/* Somebody below still holds the clone: bio_put() is theirs too. */
		if (unlikely(bio_flagged(b, BIO_REFFED))) {
			bio_put(b);
			return;
		}
		bio_uninit(b);
	}
	if (unlikely(READ_ONCE(d->dying))) {
		bio_put(b);	/* bio_uninit() again is harmless */
		return;
	}
	local_lock_irqsave(&d->pcpu->lock, flags);
	pc = this_cpu_ptr(d->pcpu);
	if (pc->ncached < MPIO_CLONE_CACHE) {
		b->bi_next = pc->cached;
		pc->cached = b;
		pc->ncached++;
		kept = true;
	}
	local_unlock_irqrestore(&d->pcpu->lock, flags);
	if (!kept)
		bio_put(b);
}

/* Free every CPU's cached contexts; no I/O may be in flight. */
static void mpio_cache_drain(struct mpio_dev *d)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct mpio_dev_pcpu *pc = per_cpu_ptr(d->pcpu, cpu);
		struct bio *b;

		while ((b = pc->cached)) {
			pc->cached = b->bi_next;
			b->bi_next = NULL;
			bio_put(b);
		}
		pc->ncached = 0;
	}
}

/*
 * May the original itself go to a path? Not the parent of a chain: a
 * child that never came through mpio may write its status into it at
 * any time. Not one with an integrity payload or an encryption context:
 * Linux 6.1's bio_endio() frees both before it calls mpio_end_io(), and
 * a bio sent again without them would lose its protection information,
 * or go to the disk unencrypted.
 */
static bool mpio_in_place_ok(struct bio *bio)
{
	return !bio_flagged(bio, BIO_CHAIN) && !(bio->bi_opf & REQ_INTEGRITY) &&
	       !bio_has_crypt_ctx(bio);
}

/* Send the original itself: keep what mpio changes in it. */
static void mpio_hook(struct mpio_io *io)
{
	struct bio *bio = io->orig;

	io->in_place = true;
	io->end_io = bio->bi_end_io;
	io->private = bio->bi_private;
	io->iter = bio->bi_iter;
	bio->bi_end_io = mpio_end_io;
	bio->bi_private = io;
}

/*
 * Give the original back its own completion, device, flags and position:
 * the path advanced it to its end, and the accounting (6.3+ counts
 * sectors at the end) reads its size. What the iterator says after
 * completion is the driver's choice; the one it came with is as good.
 */
static void mpio_unhook(struct mpio_io *io)
{
	struct bio *bio = io->orig;

	bio->bi_bdev = io->dev->disk->part0;	/* mpio disks have no partitions */
	bio->bi_end_io = io->end_io;
	bio->bi_private = io->private;
	bio->bi_opf = io->opf;
	bio->bi_iter = io->iter;
}

/*
 * An original a path failed, made as it came to mpio, to be sent again:
 * from its first sector (the path may have advanced it), without the
 * path's status or QoS marks. Whatever chain the path made of it is
 * complete, or it would not be back.
 */
static void mpio_rewind(struct mpio_io *io)
{
	struct bio *bio = io->orig;

	bio->bi_iter = io->iter;
	bio->bi_opf = io->opf;
	bio->bi_status = BLK_STS_OK;
	bio_clear_flag(bio, BIO_QOS_THROTTLED);
	bio_clear_flag(bio, BIO_QOS_MERGED);
	atomic_set(&bio->__bi_remaining, 1);
}

/*
 * Make the context's bio a clone of the original; if that fails, the
 * context goes back.
 */
static int mpio_clone_init(struct mpio_dev *d, struct mpio_io *io)
{
	struct bio *clone = &io->clone;
	int ret = bio_init_clone(NULL, clone, io->orig, GFP_NOIO);

	/* bio_init() forgot where it came from. */
	clone->bi_pool = &d->bs;
	if (unlikely(ret)) {
		mpio_io_put(d, io);
		return ret;
	}
	/* Our bio_set has no bio cache of the block layer's. */
	clone->bi_opf &= ~REQ_ALLOC_CACHE;
	clone->bi_end_io = mpio_end_io;
	clone->bi_private = io;
	return 0;
}

/*
 * The suspect's error was its own (another path did better, or no other
 * path can tell): fail it, as an I/O error would have, and unpin it.
 */
static void mpio_blame_suspect(struct mpio_io *io)
{
	struct mpio_path *p = io->suspect;

	io->suspect = NULL;
	if (mpio_path_fail_io(p, blk_status_to_errno(io->suspect_status)))
		queue_work(mpio_wq, &p->config);
	percpu_ref_put(&p->ref);
}

/* The suspect is cleared: the error was the data's, or the bio is done. */
static void mpio_clear_suspect(struct mpio_io *io)
{
	if (io->suspect) {
		percpu_ref_put(&io->suspect->ref);
		io->suspect = NULL;
	}
}

/* End the original bio of a context that will not be sent (again). */
static void mpio_fail_io(struct mpio_io *io, blk_status_t status)
{
	struct bio *orig = io->orig;

	mpio_clear_suspect(io);
	if (io->in_place)
		mpio_unhook(io);
	orig->bi_status = status;
	bio_end_io_acct(orig, io->start);
	mpio_io_put(io->dev, io);
	bio_endio(orig);
}

/*
 * A path error: send the bio again over another path, with the path as
 * its suspect (pinned until another path answers). False if the bio
 * ends here instead: a second path returned the same error, which is the
 * data's (a bad block, a command the disk rejects) and fails no path; or
 * the bio has tried MPIO_MAX_TRIES paths.
 */
static bool mpio_retry(struct mpio_dev *d, struct mpio_path *p,
		       struct mpio_io *io, blk_status_t status)
{
	unsigned long flags;

	if (io->suspect && status == io->suspect_status)
		return false;
	/* Another error than the suspect's: that one was its own. */
	if (io->suspect)
		mpio_blame_suspect(io);
	if (++io->tries >= MPIO_MAX_TRIES)
		return false;
	io->suspect = p;
	io->suspect_status = status;
	if (io->in_place)
		mpio_rewind(io);
	/* Send it again from the work item, over another path. */
	spin_lock_irqsave(&d->qlock, flags);
	bio_list_add(&d->retry, &io->clone);
	spin_unlock_irqrestore(&d->qlock, flags);
	mod_delayed_work(mpio_wq, &d->work, 0);
	return true;
}

/* The completion of what went to a path: the original or its clone. */
static void mpio_end_io(struct bio *bio)
{
	struct mpio_io *io = bio->bi_private;
	struct mpio_path *p = io->path;
	struct mpio_dev *d = io->dev;
	blk_status_t status = bio->bi_status;

	this_cpu_dec(p->pcpu->in_flight);
	if (io->issued_ns) {
		u64 lat = ktime_get_ns() - io->issued_ns;

		/* A moving average over ~8 samples; races only blur it. */
		WRITE_ONCE(p->latency_ns,
			   p->latency_ns - (p->latency_ns >> 3) + (lat >> 3));
	}

	if (unlikely(status))
		this_cpu_inc(p->pcpu->errors);
	/* Retried: p stays pinned as the suspect, its reference kept. */
	if (unlikely(mpio_retry_elsewhere(status, io->opf)) &&
	    mpio_retry(d, p, io, status))
		return;
	/* Another path did what the suspect could not: its error was its own. */
	if (unlikely(io->suspect) && !status)
		mpio_blame_suspect(io);
	mpio_fail_io(io, status);	/* completes, with or without error */
	percpu_ref_put(&p->ref);
}

/*
 * Look at the queues at @when at the latest: never later than a kick or
 * an earlier deadline already pending (queue_delayed_work() leaves a
 * pending work alone; the work arms the deadline again when it runs
 * before it).
 */
static void mpio_dev_kick_at(struct mpio_dev *d, unsigned long when)
{
	long delay = (long)(when - jiffies);

	queue_delayed_work(mpio_wq, &d->work, delay > 0 ? delay : 0);
}

/* Whether the published active set has a path. */
static bool mpio_dev_usable(struct mpio_dev *d)
{
	struct mpio_pathset *set;
	bool usable;

	rcu_read_lock();
	set = rcu_dereference(d->active);
	usable = set && set->n;
	rcu_read_unlock();
	return usable;
}

/* No usable path: queue (linked by the context's bio), or fail. */
static void mpio_queue(struct mpio_dev *d, struct mpio_io *io)
{
	unsigned long flags;
	bool first, deadline = false;

	if (READ_ONCE(d->no_path_retry) == 0 || READ_ONCE(d->dying)) {
		mpio_fail_io(io, BLK_STS_IOERR);
		return;
	}
	if (io->opf & REQ_NOWAIT) {
		mpio_fail_io(io, BLK_STS_AGAIN);
		return;
	}
	spin_lock_irqsave(&d->qlock, flags);
	first = !d->nqueued;
	if (first && d->no_path_retry > 0) {
		/*
		 * One tick more: jiffies may be about to move on, and I/O is
		 * not to fail before no_path_retry whole seconds have passed.
		 */
		d->qdeadline = jiffies + d->no_path_retry * HZ + 1;
		deadline = true;
	}
	bio_list_add(&d->queued, &io->clone);
	d->nqueued++;
	spin_unlock_irqrestore(&d->qlock, flags);
	/*
	 * A path may have come back between the selector's look and the
	 * queueing: its rebuild's kick may have run and found the queue
	 * empty. The work takes qlock after the new set is published, so
	 * either it saw this bio or this look sees the set.
	 */
	if (mpio_dev_usable(d))
		mpio_dev_kick(d);
	if (first) {
		ftio_event_emit(&mpio_module, FTIO_EVENT_CODE_MPIO_QUEUEING,
				disk_to_dev(d->disk), d->name,
				"no usable path: queueing I/O %s",
				d->no_path_retry < 0 ? "until a path is back" :
				"for no_path_retry seconds");
		if (deadline)
			mpio_dev_kick_at(d, d->qdeadline);
	}
}

/* Send to the path the selector picks, or queue. */
static void mpio_dispatch(struct mpio_dev *d, struct mpio_io *io)
{
	struct bio *bio = io->in_place ? io->orig : &io->clone;
	struct mpio_pathset *set;
	struct mpio_path *p;

	rcu_read_lock();
	set = rcu_dereference(d->active);
	p = set ? mpio_select(d, set) : NULL;
	if (unlikely(io->suspect) && p == io->suspect)
		p = mpio_select_other(set, p);
	if (p && !percpu_ref_tryget_live_rcu(&p->ref))
		p = NULL;
	rcu_read_unlock();
	if (unlikely(!p)) {
		/*
		 * No other path to ask: take the suspect at its word (its
		 * group may give way to the next), and wait for a path.
		 */
		if (io->suspect)
			mpio_blame_suspect(io);
		mpio_fault(MPIO_POINT_NO_PATH);
		mpio_queue(d, io);
		return;
	}
	bio_set_dev(bio, ftio_bdev_get(&p->bdev));
	io->path = p;
	/*
	 * Latency is sampled, not measured on every I/O: the clock read and
	 * the write to the path's shared average cost more than the rest.
	 */
	io->issued_ns = (this_cpu_read(p->pcpu->ios) & MPIO_LAT_SAMPLE) ? 0 :
			ktime_get_ns();
	this_cpu_inc(p->pcpu->ios);
	this_cpu_add(p->pcpu->bytes, bio->bi_iter.bi_size);
	this_cpu_inc(p->pcpu->in_flight);
	/*
	 * The lower driver does not retry transport errors (nor hold I/O
	 * while its controller reconnects): another path is the retry.
	 */
	bio->bi_opf |= REQ_FAILFAST_TRANSPORT;
	submit_bio_noacct(bio);
}

static void mpio_submit_bio(struct bio *bio)
{
	struct mpio_dev *d = bio->bi_bdev->bd_disk->private_data;
	unsigned long start = bio_start_io_acct(bio);
	struct mpio_io *io = mpio_io_get(d, bio, start);

	if (unlikely(!io))
		goto fail;
	if (likely(mpio_in_place_ok(bio)))
		mpio_hook(io);
	else if (unlikely(mpio_clone_init(d, io)))
		goto fail;
	mpio_dispatch(d, io);
	return;
fail:
	bio->bi_status = BLK_STS_RESOURCE;
	bio_end_io_acct(bio, start);
	bio_endio(bio);
}

/* A clone the path failed: a fresh one (the path may have advanced it). */
static struct mpio_io *mpio_reclone(struct mpio_dev *d, struct mpio_io *old)
{
	struct mpio_io *io = mpio_io_get(d, old->orig, old->start);

	if (!io || mpio_clone_init(d, io))
		return NULL;
	/* The retry's memory goes with it. */
	io->suspect = old->suspect;
	io->suspect_status = old->suspect_status;
	io->tries = old->tries;
	old->suspect = NULL;
	mpio_io_put(d, old);
	return io;
}

/*
 * The work item: resubmit what failed over, send queued I/O when a path
 * is back, fail it at the deadline.
 */
static void mpio_work(struct work_struct *work)
{
	struct mpio_dev *d = container_of(to_delayed_work(work), struct mpio_dev, work);
	struct bio_list retry, queued;
	unsigned long flags;
	bool usable, expired = false;
	unsigned int n;
	struct bio *b;

	usable = mpio_dev_usable(d);

	spin_lock_irqsave(&d->qlock, flags);
	retry = d->retry;
	bio_list_init(&d->retry);
	bio_list_init(&queued);
	n = d->nqueued;
	if (n && (usable || d->dying ||
		  (d->no_path_retry >= 0 && time_after_eq(jiffies, d->qdeadline)))) {
		queued = d->queued;
		bio_list_init(&d->queued);
		d->nqueued = 0;
		expired = !usable;
	}
	spin_unlock_irqrestore(&d->qlock, flags);

	while ((b = bio_list_pop(&retry))) {
		struct mpio_io *io = container_of(b, struct mpio_io, clone);

		if (!io->in_place) {
			struct mpio_io *fresh = mpio_reclone(d, io);

			if (!fresh) {
				mpio_fail_io(io, BLK_STS_RESOURCE);
				continue;
			}
			io = fresh;
		}
		mpio_dispatch(d, io);
	}
	if (expired && n && !d->dying)
		ftio_event_emit(&mpio_module, FTIO_EVENT_CODE_MPIO_NO_PATH_TIMEOUT,
				disk_to_dev(d->disk), d->name,
				"no path came back in time: %u queued bios failed", n);
	while ((b = bio_list_pop(&queued))) {
		struct mpio_io *io = container_of(b, struct mpio_io, clone);

		if (expired)
			mpio_fail_io(io, BLK_STS_IOERR);
		else
			mpio_dispatch(d, io);
	}
	/*
	 * I/O still waits for a path: the deadline is this work's own timer,
	 * armed again here (a kick that ran early used it up).
	 */
	spin_lock_irqsave(&d->qlock, flags);
	if (d->nqueued && READ_ONCE(d->no_path_retry) > 0)
		mpio_dev_kick_at(d, d->qdeadline);
	spin_unlock_irqrestore(&d->qlock, flags);
}

/* A deferred failback is due: rebuild, and the better group wins. */
static void mpio_failback_work(struct work_struct *work)
{
	struct mpio_dev *d = container_of(to_delayed_work(work), struct mpio_dev,
					  failback_work);

	mutex_lock(&d->lock);
	mpio_rebuild_active(d);
	mutex_unlock(&d->lock);
}

/**
 * mpio_dev_kick() - look at the queues again (a path is back, a setting
 *	changed)
 * @d: the device
 */
void mpio_dev_kick(struct mpio_dev *d)
{
	mod_delayed_work(mpio_wq, &d->work, 0);
}

/**
 * mpio_set_no_path_retry() - how long I/O waits for a path from now on
 * @d: the device
 * @secs: seconds, 0 to fail at once, -1 to wait until told otherwise
 *
 * I/O already queued gets the new time counted from now.
 */
void mpio_set_no_path_retry(struct mpio_dev *d, int secs)
{
	unsigned long flags;

	spin_lock_irqsave(&d->qlock, flags);
	WRITE_ONCE(d->no_path_retry, secs);
	if (d->nqueued && secs >= 0) {
		d->qdeadline = jiffies + secs * HZ + 1;	/* see mpio_queue() */
		/* Now: the work fails the queue or arms the new deadline. */
		mpio_dev_kick(d);
	}
	spin_unlock_irqrestore(&d->qlock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(mpio_set_no_path_retry);

/**
 * mpio_fail_queued() - fail the queued I/O now
 * @d: the device
 */
void mpio_fail_queued(struct mpio_dev *d)
{
	unsigned long flags;

	spin_lock_irqsave(&d->qlock, flags);
	d->qdeadline = jiffies;
	if (d->no_path_retry < 0 && d->nqueued) {
		struct bio_list q = d->queued;
		struct bio *b;

		bio_list_init(&d->queued);
		d->nqueued = 0;
		spin_unlock_irqrestore(&d->qlock, flags);
		while ((b = bio_list_pop(&q)))
			mpio_fail_io(container_of(b, struct mpio_io, clone),
				     BLK_STS_IOERR);
		return;
	}
	spin_unlock_irqrestore(&d->qlock, flags);
	mpio_dev_kick(d);
}
EXPORT_SYMBOL_IF_KUNIT(mpio_fail_queued);

/* Persistent reservations ------------------------------------------ */

static struct mpio_path *mpio_pr_path(struct mpio_dev *d)
{
	struct mpio_pathset *set;
	struct mpio_path *p = NULL;

	rcu_read_lock();
	set = rcu_dereference(d->active);
	if (set && set->n && percpu_ref_tryget_live_rcu(&set->p[0]->ref))
		p = set->p[0];
	rcu_read_unlock();
	return p;
}

static const struct pr_ops *mpio_path_pr_ops(struct mpio_path *p)
{
	return ftio_bdev_get(&p->bdev)->bd_disk->fops->pr_ops;
}

static int mpio_pr_register(struct block_device *bdev, u64 old_key,
			    u64 new_key, u32 flags)
{
	struct mpio_dev *d = bdev->bd_disk->private_data;
	struct mpio_path *p;
	int ret = -ENODEV, err;

	/* Every path registers, so that any of them can carry the I/O. */
	mutex_lock(&d->lock);
	list_for_each_entry(p, &d->paths, node) {
		const struct pr_ops *ops = mpio_path_pr_ops(p);

		if (atomic_read(&p->state) == MPIO_PATH_REMOVED)
			continue;
		if (!ops || !ops->pr_register) {
			ret = -EOPNOTSUPP;
			break;
		}
		err = ops->pr_register(ftio_bdev_get(&p->bdev), old_key, new_key,
				       flags);
		if (err && atomic_read(&p->state) == MPIO_PATH_ACTIVE) {
			ret = err;
			break;
		}
		ret = 0;
	}
	if (!ret) {
		d->pr_key = new_key;
		d->pr_flags = flags;
	}
	mutex_unlock(&d->lock);
	return ret;
}

/* The lower device and pr_ops of a usable path, pinned; NULL if none. */
static struct mpio_path *mpio_pr_begin(struct block_device *bdev,
				       struct block_device **lower,
				       const struct pr_ops **ops)
{
	struct mpio_path *p = mpio_pr_path(bdev->bd_disk->private_data);

	if (p) {
		*lower = ftio_bdev_get(&p->bdev);
		*ops = mpio_path_pr_ops(p);
	}
	return p;
}

static int mpio_pr_end(struct mpio_path *p, int ret)
{
	percpu_ref_put(&p->ref);
	return ret;
}

static int mpio_pr_reserve(struct block_device *bdev, u64 key,
			   enum pr_type type, u32 flags)
{
	const struct pr_ops *ops;
	struct block_device *b;
	struct mpio_path *p = mpio_pr_begin(bdev, &b, &ops);

	if (!p)
		return -ENODEV;
	return mpio_pr_end(p, ops && ops->pr_reserve ?
			   ops->pr_reserve(b, key, type, flags) : -EOPNOTSUPP);
}

static int mpio_pr_release(struct block_device *bdev, u64 key,
			   enum pr_type type)
{
	const struct pr_ops *ops;
	struct block_device *b;
	struct mpio_path *p = mpio_pr_begin(bdev, &b, &ops);

	if (!p)
		return -ENODEV;
	return mpio_pr_end(p, ops && ops->pr_release ?
			   ops->pr_release(b, key, type) : -EOPNOTSUPP);
}

static int mpio_pr_preempt(struct block_device *bdev, u64 old_key,
			   u64 new_key, enum pr_type type, bool abort)
{
	const struct pr_ops *ops;
	struct block_device *b;
	struct mpio_path *p = mpio_pr_begin(bdev, &b, &ops);

	if (!p)
		return -ENODEV;
	return mpio_pr_end(p, ops && ops->pr_preempt ?
			   ops->pr_preempt(b, old_key, new_key, type, abort) :
			   -EOPNOTSUPP);
}

static int mpio_pr_clear(struct block_device *bdev, u64 key)
{
	const struct pr_ops *ops;
	struct block_device *b;
	struct mpio_path *p = mpio_pr_begin(bdev, &b, &ops);

	if (!p)
		return -ENODEV;
	return mpio_pr_end(p, ops && ops->pr_clear ? ops->pr_clear(b, key) :
			   -EOPNOTSUPP);
}

#ifdef FTIO_HAVE_PR_READ_KEYS
static int mpio_pr_read_keys(struct block_device *bdev, struct pr_keys *keys)
{
	const struct pr_ops *ops;
	struct block_device *b;
	struct mpio_path *p = mpio_pr_begin(bdev, &b, &ops);

	if (!p)
		return -ENODEV;
	return mpio_pr_end(p, ops && ops->pr_read_keys ?
			   ops->pr_read_keys(b, keys) : -EOPNOTSUPP);
}

static int mpio_pr_read_reservation(struct block_device *bdev,
				    struct pr_held_reservation *rsv)
{
	const struct pr_ops *ops;
	struct block_device *b;
	struct mpio_path *p = mpio_pr_begin(bdev, &b, &ops);

	if (!p)
		return -ENODEV;
	return mpio_pr_end(p, ops && ops->pr_read_reservation ?
			   ops->pr_read_reservation(b, rsv) : -EOPNOTSUPP);
}
#endif

static const struct pr_ops mpio_pr_ops = {
	.pr_register = mpio_pr_register,
	.pr_reserve = mpio_pr_reserve,
	.pr_release = mpio_pr_release,
	.pr_preempt = mpio_pr_preempt,
	.pr_clear = mpio_pr_clear,
#ifdef FTIO_HAVE_PR_READ_KEYS
	.pr_read_keys = mpio_pr_read_keys,
	.pr_read_reservation = mpio_pr_read_reservation,
#endif
};

/*
 * A device being deleted cannot be opened: the check for openers and the
 * mark both happen under the disk's open_mutex, as does this test.
 */
#ifdef FTIO_HAVE_BDOPS_OPEN_DISK
static int mpio_open(struct gendisk *disk, blk_mode_t mode)
{
	struct mpio_dev *d = disk->private_data;
#else
static int mpio_open(struct block_device *bdev, fmode_t mode)
{
	struct mpio_dev *d = bdev->bd_disk->private_data;
#endif

	return READ_ONCE(d->dying) ? -ENXIO : 0;
}

static const struct block_device_operations mpio_fops = {
	.owner = THIS_MODULE,
	.open = mpio_open,
	.submit_bio = mpio_submit_bio,
	.pr_ops = &mpio_pr_ops,
};

/* Devices ------------------------------------------------------------ */

/**
 * mpio_dev_find() - look a device up by name
 * @name: its name
 *
 * Context: mpio_devs_lock held.
 * Return: the device or NULL.
 */
struct mpio_dev *mpio_dev_find(const char *name)
{
	struct mpio_dev *d;

	list_for_each_entry(d, &mpio_devs, node)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mpio_dev_find);

static bool mpio_name_ok(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len >= MPIO_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && name[i] != '_' && name[i] != '-' &&
		    name[i] != '.')
			return false;
	return true;
}

/**
 * mpio_dev_create() - make an empty mpio device
 * @name: its name, or "" for mpioN
 * @out: the new device
 * @extack: where to say what went wrong
 *
 * Context: mpio_devs_lock held.
 * Return: 0 or a negative errno.
 */
int mpio_dev_create(const char *name, struct mpio_dev **out,
		    struct netlink_ext_ack *extack)
{
	struct mpio_dev *d;
	int cpu, ret;

	if (*name && !mpio_name_ok(name)) {
		NL_SET_ERR_MSG(extack, "ftio: an mpio name is 1-31 of [A-Za-z0-9_.-]");
		return -EINVAL;
	}
	if (*name && mpio_dev_find(name)) {
		NL_SET_ERR_MSG(extack, "ftio: an mpio device of that name exists");
		return -EEXIST;
	}
	d = ftio_pool_zalloc(sizeof(*d), GFP_KERNEL, MPIO_TAG);
	if (!d)
		return -ENOMEM;
	d->index = ida_alloc(&mpio_ida, GFP_KERNEL);
	if (d->index < 0) {
		ret = d->index;
		goto err_free;
	}
	if (*name)
		strscpy(d->name, name, sizeof(d->name));
	else
		snprintf(d->name, sizeof(d->name), "mpio%d", d->index);
	if (mpio_dev_find(d->name)) {
		NL_SET_ERR_MSG(extack, "ftio: an mpio device of that name exists");
		ret = -EEXIST;
		goto err_ida;
	}
	mutex_init(&d->lock);
	INIT_LIST_HEAD(&d->paths);
	INIT_LIST_HEAD(&d->awaited);
	spin_lock_init(&d->qlock);
	bio_list_init(&d->queued);
	bio_list_init(&d->retry);
	INIT_DELAYED_WORK(&d->work, mpio_work);
	INIT_DELAYED_WORK(&d->probe, mpio_probe_work);
	INIT_DELAYED_WORK(&d->failback_work, mpio_failback_work);
	init_waitqueue_head(&d->paths_wq);
	d->selector = MPIO_SEL_ROUND_ROBIN;
	d->failback = 0;
	d->no_path_retry = 60;
	d->probe_interval = 5;
	d->rr_repeat = MPIO_RR_REPEAT_DEFAULT;
	d->pcpu = alloc_percpu(struct mpio_dev_pcpu);
	if (!d->pcpu) {
		ret = -ENOMEM;
		goto err_ida;
	}
	for_each_possible_cpu(cpu)
		local_lock_init(&per_cpu_ptr(d->pcpu, cpu)->lock);
	/*
	 * No bvecs: a context's bio is a clone sharing the original's, or
	 * none (in place); BIOSET_NEED_BVECS would cost a bvec pool and 64
	 * bytes of inline vecs per context for nothing.
	 */
	ret = bioset_init(&d->bs, 256, offsetof(struct mpio_io, clone), 0);
	if (ret)
		goto err_pcpu;

	d->disk = ftio_alloc_stacking_disk(NULL, NULL, true);
	if (IS_ERR(d->disk)) {
		ret = PTR_ERR(d->disk);
		goto err_bs;
	}
	d->disk->major = mpio_major;
	d->disk->first_minor = d->index;
	d->disk->minors = 1;
	d->disk->fops = &mpio_fops;
	d->disk->private_data = d;
	d->disk->flags |= GENHD_FL_NO_PART;
	snprintf(d->disk->disk_name, DISK_NAME_LEN, "mpio%d", d->index);
	set_capacity(d->disk, 0);
	ret = add_disk(d->disk);
	if (ret)
		goto err_disk;
	ret = mpio_fault(MPIO_STEP_DEV_SYSFS) ?: mpio_dev_sysfs_add(d);
	if (ret)
		goto err_del;
	list_add_tail(&d->node, &mpio_devs);
	mpio_readd_start(d->disk);
	queue_delayed_work(mpio_wq, &d->probe, d->probe_interval * HZ);
	ftio_event_emit(&mpio_module, FTIO_EVENT_CODE_MPIO_DEVICE_CREATED,
			disk_to_dev(d->disk), d->name, "/dev/%s created",
			d->disk->disk_name);
	*out = d;
	return 0;

err_del:
	del_gendisk(d->disk);
err_disk:
	put_disk(d->disk);
err_bs:
	bioset_exit(&d->bs);
err_pcpu:
	free_percpu(d->pcpu);
err_ida:
	ida_free(&mpio_ida, d->index);
err_free:
	ftio_pool_free(d, MPIO_TAG);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mpio_dev_create);

static bool mpio_dev_open(struct mpio_dev *d)
{
	return disk_openers(d->disk) > 0;
}

/**
 * mpio_dev_delete() - delete a device nobody has open
 * @d: the device
 * @extack: where to say why not
 *
 * Queued I/O fails; paths are closed once their last I/O is done.
 *
 * Context: mpio_devs_lock held.
 * Return: 0 or -EBUSY.
 */
int mpio_dev_delete(struct mpio_dev *d, struct netlink_ext_ack *extack)
{
	struct mpio_path *p, *tmp;

	mutex_lock(&d->disk->open_mutex);
	if (mpio_dev_open(d)) {
		mutex_unlock(&d->disk->open_mutex);
		NL_SET_ERR_MSG(extack, "ftio: the mpio device is open");
		return -EBUSY;
	}
	WRITE_ONCE(d->dying, true);	/* mpio_open() refuses from now on */
	mutex_unlock(&d->disk->open_mutex);
	mpio_fault(MPIO_POINT_DEV_DYING);
	list_del(&d->node);
	/*
	 * No sysfs write may queue work or add a path from here on:
	 * removing the files waits for the writes under way.
	 */
	mpio_dev_sysfs_del(d);
	cancel_delayed_work_sync(&d->probe);
	cancel_delayed_work_sync(&d->failback_work);
	mpio_fail_queued(d);
	flush_delayed_work(&d->work);

	/*
	 * Nobody has the device open, so no new I/O comes. Paths close when
	 * their last I/O completes, unlinking their holder links while the
	 * disk is still there; wait for that, then delete the disk.
	 */
	mutex_lock(&d->lock);
	mpio_forget_awaited(d);
	list_for_each_entry_safe(p, tmp, &d->paths, node)
		mpio_path_remove(p, NULL);
	mutex_unlock(&d->lock);
	wait_event(d->paths_wq, !atomic_read(&d->live_paths));
	/* A netlink probe may still be reading the device's state. */
	wait_var_event(&d->nl_users, !atomic_read(&d->nl_users));
	del_gendisk(d->disk);
	cancel_delayed_work_sync(&d->work);

	ftio_event_emit(&mpio_module, FTIO_EVENT_CODE_MPIO_DEVICE_DELETED, NULL,
			d->name, "/dev/%s deleted", d->disk->disk_name);
	put_disk(d->disk);
	mpio_cache_drain(d);
	bioset_exit(&d->bs);
	free_percpu(d->pcpu);
	synchronize_rcu();
	ftio_pool_free(rcu_dereference_protected(d->active, true), MPIO_TAG);
	ida_free(&mpio_ida, d->index);
	ftio_pool_free(d, MPIO_TAG);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mpio_dev_delete);

int mpio_devs_init(void)
{
	/*
	 * Failover resubmits from here: a high-priority worker runs ahead
	 * of the busy tasks that caused the load, so the stall stays short.
	 */
	mpio_wq = alloc_workqueue("ftio_mpio", WQ_MEM_RECLAIM | WQ_HIGHPRI, 0);
	if (!mpio_wq)
		return -ENOMEM;
	mpio_major = register_blkdev(0, "mpio");
	if (mpio_major < 0) {
		destroy_workqueue(mpio_wq);
		return mpio_major;
	}
	return 0;
}

void mpio_devs_exit(void)
{
	struct mpio_dev *d, *tmp;

	mpio_readd_stop();
	mutex_lock(&mpio_devs_lock);
	list_for_each_entry_safe(d, tmp, &mpio_devs, node)
		mpio_dev_delete(d, NULL);
	mutex_unlock(&mpio_devs_lock);
	unregister_blkdev(mpio_major, "mpio");
	ida_destroy(&mpio_ida);
	destroy_workqueue(mpio_wq);
}
