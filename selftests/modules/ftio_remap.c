// SPDX-License-Identifier: GPL-2.0
/*
 * ftio_remap: the cheapest stacking block driver, for make bench only.
 *
 * "modprobe ftio_remap path=/dev/nullb0 [hook=N]" makes /dev/ftremap0, a
 * bio-based disk that sends each bio on to the one disk below it: the
 * floor of what any multipath driver built on bios costs, measured in
 * the same run as mpio. With hook=Y (the default) its completion comes
 * back through the driver first (the original completion and private
 * data kept in a small context from a slab cache, put back before the
 * bio completes), as failover needs at the least; with hook=N the bio is
 * only remapped. With iostats=Y (and the hook) each bio is also accounted
 * in the disk's I/O statistics, as mpio accounts its own; no other
 * accounting, no choice of path.
 * Without path=, it loads (as every module does in the smoke test) and
 * makes no disk.
 */
#include <linux/blkdev.h>
#include <linux/module.h>
#include <linux/slab.h>

#define FTIO_COMPAT_BLOCK
#include "ftio_compat.h"

static char *path;
module_param(path, charp, 0444);
MODULE_PARM_DESC(path, "The disk below, e.g. /dev/nullb0 (required)");

static bool hook = true;
module_param(hook, bool, 0444);
MODULE_PARM_DESC(hook, "Hook each bio's completion (default Y)");

static bool iostats;
module_param(iostats, bool, 0444);
MODULE_PARM_DESC(iostats, "Account each bio in the disk's I/O statistics (needs hook; default N)");

struct fr_ctx {
	bio_end_io_t *end_io;
	void *private;
	unsigned long start;
	struct bvec_iter iter;
};

static struct ftio_bdev fr_lower;
static struct gendisk *fr_disk;
static struct kmem_cache *fr_cache;
static int fr_major;

static void fr_end_io(struct bio *bio)
{
	struct fr_ctx *c = bio->bi_private;

	bio->bi_bdev = fr_disk->part0;
	bio->bi_end_io = c->end_io;
	bio->bi_private = c->private;
	/* The lower device advanced it; the accounting reads its size. */
	bio->bi_iter = c->iter;
	if (iostats)
		bio_end_io_acct(bio, c->start);
	kmem_cache_free(fr_cache, c);
	bio_endio(bio);
}

static void fr_submit_bio(struct bio *bio)
{
	/* A chain's parent may be completed by a child: not hooked. */
	if (hook && !bio_flagged(bio, BIO_CHAIN)) {
		struct fr_ctx *c = kmem_cache_alloc(fr_cache, GFP_NOIO);

		if (unlikely(!c)) {
			bio_io_error(bio);
			return;
		}
		if (iostats)
			c->start = bio_start_io_acct(bio);
		c->end_io = bio->bi_end_io;
		c->private = bio->bi_private;
		c->iter = bio->bi_iter;
		bio->bi_end_io = fr_end_io;
		bio->bi_private = c;
	}
	bio_set_dev(bio, ftio_bdev_get(&fr_lower));
	submit_bio_noacct(bio);
}

static const struct block_device_operations fr_fops = {
	.owner = THIS_MODULE,
	.submit_bio = fr_submit_bio,
};

static int __init fr_init(void)
{
	struct block_device *lower;
	dev_t devt;
	int ret;

	if (!path)
		return 0;
	ret = lookup_bdev(path, &devt);
	if (ret)
		return ret;
	fr_cache = KMEM_CACHE(fr_ctx, 0);
	if (!fr_cache)
		return -ENOMEM;
	ret = ftio_bdev_open(&fr_lower, devt, &fr_lower, NULL);
	if (ret)
		goto err_cache;
	lower = ftio_bdev_get(&fr_lower);
	fr_major = register_blkdev(0, "ftio_remap");
	if (fr_major < 0) {
		ret = fr_major;
		goto err_close;
	}
	fr_disk = ftio_alloc_stacking_disk(lower, "ftremap0", hook && iostats);
	if (IS_ERR(fr_disk)) {
		ret = PTR_ERR(fr_disk);
		goto err_major;
	}
	fr_disk->major = fr_major;
	fr_disk->first_minor = 0;
	fr_disk->minors = 1;
	fr_disk->fops = &fr_fops;
	fr_disk->flags |= GENHD_FL_NO_PART;
	strscpy(fr_disk->disk_name, "ftremap0", DISK_NAME_LEN);
	set_capacity(fr_disk, bdev_nr_sectors(lower));
	ret = add_disk(fr_disk);
	if (ret)
		goto err_disk;
	return 0;

err_disk:
	put_disk(fr_disk);
err_major:
	unregister_blkdev(fr_major, "ftio_remap");
err_close:
	ftio_bdev_close(&fr_lower);
err_cache:
	kmem_cache_destroy(fr_cache);
	return ret;
}

static void __exit fr_exit(void)
{
	if (!fr_disk)
		return;
	del_gendisk(fr_disk);
	put_disk(fr_disk);
	unregister_blkdev(fr_major, "ftio_remap");
	ftio_bdev_close(&fr_lower);
	kmem_cache_destroy(fr_cache);
}

module_init(fr_init);
module_exit(fr_exit);
MODULE_DESCRIPTION("ftio bench: the cheapest stacking block driver");
MODULE_LICENSE("GPL");
