// SPDX-License-Identifier: GPL-2.0
/*
 * Health checks without a daemon, as multipathd's path checkers do them:
 * every probe_interval seconds each path is asked whether it is there.
 * A SCSI disk gets TEST UNIT READY (no data: a passive or standby port
 * answers it too); any other disk a read of its first block with the
 * fail-fast flags. All paths of a device are probed at once, with one
 * deadline, and no lock is held while they run.
 *
 * Only an answer that says the path is gone fails it: a transport error,
 * no answer by the deadline, a SCSI host error. A disk that answers with
 * an error of its own (a check condition, a medium error) is there. A
 * failed path that answers is reinstated (unless it flapped and is held
 * down, or the administrator failed it); a marginal path that stayed
 * quiet is promoted.
 */

#include <linux/bio.h>
#include <linux/blk_types.h>
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/refcount.h>
#include <scsi/scsi.h>
#include <scsi/scsi_device.h>

#include "mpio.h"

/* How long a probe may take before the path counts as gone. */
#define MPIO_PROBE_TIMEOUT	(10 * HZ)

/* A read probe in flight: it may outlive its waiter (the deadline). */
struct mpio_probe_io {
	struct completion done;
	refcount_t ref;
	blk_status_t status;
	struct page *page;
	struct bio *bio;
};

static void mpio_probe_io_put(struct mpio_probe_io *pio)
{
	if (!refcount_dec_and_test(&pio->ref))
		return;
	bio_put(pio->bio);
	__free_page(pio->page);
	kfree(pio);
}

static void mpio_probe_end_io(struct bio *bio)
{
	struct mpio_probe_io *pio = bio->bi_private;

	pio->status = bio->bi_status;
	complete(&pio->done);
	mpio_probe_io_put(pio);
}

static struct mpio_probe_io *mpio_probe_read_start(struct block_device *bdev)
{
	struct mpio_probe_io *pio = kzalloc(sizeof(*pio), GFP_KERNEL);

	if (!pio)
		return NULL;
	pio->page = alloc_page(GFP_KERNEL);
	if (!pio->page) {
		kfree(pio);
		return NULL;
	}
	pio->bio = bio_alloc(bdev, 1, REQ_OP_READ | REQ_SYNC | REQ_FAILFAST_DEV |
			     REQ_FAILFAST_TRANSPORT | REQ_FAILFAST_DRIVER, GFP_KERNEL);
	__bio_add_page(pio->bio, pio->page, bdev_logical_block_size(bdev), 0);
	pio->bio->bi_iter.bi_sector = 0;
	pio->bio->bi_end_io = mpio_probe_end_io;
	pio->bio->bi_private = pio;
	init_completion(&pio->done);
	refcount_set(&pio->ref, 2);	/* the waiter's and the completion's */
	submit_bio(pio->bio);
	return pio;
}

/*
 * The end of a read probe, by @deadline: 0 if the path is there (it
 * answered, even with an error of the disk's own), else the reason.
 */
static int mpio_probe_read_end(struct mpio_probe_io *pio, unsigned long deadline)
{
	long left = (long)(deadline - jiffies);
	int ret;

	if (!wait_for_completion_timeout(&pio->done, left > 0 ? left : 0))
		ret = -ETIMEDOUT;
	else if (pio->status && blk_path_error(pio->status))
		ret = blk_status_to_errno(pio->status);
	else
		ret = 0;
	mpio_probe_io_put(pio);
	return ret;
}

#if IS_ENABLED(CONFIG_SCSI)
/*
 * TEST UNIT READY on a SCSI disk: 0 if the device answered at all (a
 * sense answer included: a standby port is there), else why not.
 * Return: 1 if @bdev is not a SCSI disk.
 */
static int mpio_probe_tur(struct block_device *bdev)
{
	/* A SCSI disk's gendisk hangs below its scsi_device. */
	struct device *parent = disk_to_dev(bdev->bd_disk)->parent;
	struct scsi_sense_hdr sshdr;
	struct scsi_device *sdev;
	int ret;

	if (!parent || !scsi_is_sdev_device(parent))
		return 1;
	sdev = to_scsi_device(parent);
	if (scsi_device_get(sdev))
		return -ENODEV;
	ret = scsi_test_unit_ready(sdev, MPIO_PROBE_TIMEOUT, 1, &sshdr);
	scsi_device_put(sdev);
	if (ret < 0)
		return ret;
	if (ret && host_byte(ret) != DID_OK)
		return -ENOLINK;
	return 0;
}
#else
static int mpio_probe_tur(struct block_device *bdev)
{
	return 1;
}
#endif

static void mpio_probe_all(struct mpio_dev *d)
{
	struct mpio_probe_io *pio[MPIO_MAX_PATHS];
	struct mpio_path *todo[MPIO_MAX_PATHS];
	int ret[MPIO_MAX_PATHS];
	unsigned int i, n = 0;
	unsigned long deadline;
	struct mpio_path *p;

	/* Take references, probe without the lock: probes may take long. */
	mutex_lock(&d->lock);
	list_for_each_entry(p, &d->paths, node)
		if (n < MPIO_MAX_PATHS && percpu_ref_tryget_live(&p->ref))
			todo[n++] = p;
	mutex_unlock(&d->lock);

	/*
	 * SCSI disks one after the other (each TUR has its own timeout);
	 * reads all sent at once, then awaited with one deadline.
	 */
	deadline = jiffies + MPIO_PROBE_TIMEOUT;
	for (i = 0; i < n; i++) {
		struct block_device *bdev = ftio_bdev_get(&todo[i]->bdev);

		pio[i] = NULL;
		ret[i] = mpio_probe_tur(bdev);
		if (ret[i] > 0) {
			pio[i] = mpio_probe_read_start(bdev);
			ret[i] = pio[i] ? 0 : -ENOMEM;
		}
	}
	for (i = 0; i < n; i++)
		if (pio[i])
			ret[i] = mpio_probe_read_end(pio[i], deadline);

	for (i = 0; i < n; i++) {
		int st = atomic_read(&todo[i]->state);

		/* Our own lack of memory says nothing about the path. */
		if (ret[i] == -ENOMEM) {
			percpu_ref_put(&todo[i]->ref);
			continue;
		}
		if (!ret[i] && st == MPIO_PATH_FAILED)
			mpio_path_reinstate(todo[i], false);
		else if (ret[i] && st != MPIO_PATH_FAILED)
			mpio_path_fail(todo[i], ret[i], "health probe failed");
		else if (!ret[i] && st == MPIO_PATH_MARGINAL)
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
 * mpio_probe_now() - probe every path at once, and wait for it
 * @d: the device, which the caller keeps from being deleted (a sysfs
 *	store, or netlink's @nl_users) without holding a lock: the probe may
 *	take MPIO_PROBE_TIMEOUT
 */
void mpio_probe_now(struct mpio_dev *d)
{
	mod_delayed_work(mpio_wq, &d->probe, 0);
	flush_delayed_work(&d->probe);
}
