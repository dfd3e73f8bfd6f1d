// SPDX-License-Identifier: GPL-2.0
/*
 * Health checks without a daemon: every probe_interval seconds each path
 * reads one block with the fail-fast flags. A failed path that answers is
 * reinstated (unless it flapped and is held down, or the administrator
 * failed it); a usable path that does not is failed; a marginal path that
 * stayed quiet is promoted.
 */

#include <linux/bio.h>
#include <linux/gfp.h>

#include "mpio.h"

/**
 * mpio_probe_path() - read the first block of a path
 * @p: the path
 *
 * Return: 0 or the read's negative errno.
 */
int mpio_probe_path(struct mpio_path *p)
{
	struct block_device *bdev = ftio_bdev_get(&p->bdev);
	struct page *page;
	struct bio *bio;
	int ret;

	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	bio = bio_alloc(bdev, 1, REQ_OP_READ | REQ_SYNC | REQ_FAILFAST_DEV |
			REQ_FAILFAST_TRANSPORT | REQ_FAILFAST_DRIVER, GFP_KERNEL);
	__bio_add_page(bio, page, bdev_logical_block_size(bdev), 0);
	bio->bi_iter.bi_sector = 0;
	ret = submit_bio_wait(bio);
	bio_put(bio);
	__free_page(page);
	return ret;
}

static void mpio_probe_all(struct mpio_dev *d)
{
	struct mpio_path *p, *todo[MPIO_MAX_PATHS];
	unsigned int i, n = 0;

	/* Take references, probe without the lock: probes may take long. */
	mutex_lock(&d->lock);
	list_for_each_entry(p, &d->paths, node)
		if (n < MPIO_MAX_PATHS && percpu_ref_tryget_live(&p->ref))
			todo[n++] = p;
	mutex_unlock(&d->lock);

	for (i = 0; i < n; i++) {
		int st = atomic_read(&todo[i]->state);
		int ret = mpio_probe_path(todo[i]);

		if (!ret && st == MPIO_PATH_FAILED)
			mpio_path_reinstate(todo[i], false);
		else if (ret && st != MPIO_PATH_FAILED)
			mpio_path_fail(todo[i], ret, "health probe failed");
		else if (!ret && st == MPIO_PATH_MARGINAL)
			queue_work(mpio_wq, &todo[i]->config);
		percpu_ref_put(&todo[i]->ref);
	}
}

void mpio_probe_work(struct work_struct *work)
{
	struct mpio_dev *d = container_of(to_delayed_work(work), struct mpio_dev,
					  probe);
	unsigned int interval = READ_ONCE(d->probe_interval);

	mpio_probe_all(d);
	if (interval && !READ_ONCE(d->dying))
		queue_delayed_work(mpio_wq, &d->probe, interval * HZ);
}

/**
 * mpio_probe_now() - probe every path at once
 * @d: the device
 */
void mpio_probe_now(struct mpio_dev *d)
{
	mod_delayed_work(mpio_wq, &d->probe, 0);
	flush_delayed_work(&d->probe);
}
