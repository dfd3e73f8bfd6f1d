/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the kernels ftio builds for, decided by
 * the feature probes in compat/probes/ (see compat/conftest.sh), never by
 * version numbers. Each FTIO_HAVE_* comes from the generated header.
 */
#ifndef _FTIO_COMPAT_H
#define _FTIO_COMPAT_H

#include "generated/ftio_probes.h"

#include <net/genetlink.h>

/* Attributes of a dump request, parsed by genetlink against the policy. */
static inline struct nlattr **ftio_dump_attrs(struct netlink_callback *cb)
{
#ifdef FTIO_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#ifdef FTIO_COMPAT_BLOCK
#include <linux/blkdev.h>
#include <linux/fs.h>

/* Declared by 6.5 and later only; the parameter is unused before. */
struct blk_holder_ops;

/* An opened block device, the way the kernel at hand does it. */
struct ftio_bdev {
#ifdef FTIO_HAVE_BDEV_FILE
	struct file *file;
#else
	struct block_device *bdev;
	fmode_t mode;
#endif
};

/* Read-write and exclusive, for @holder (notified through @ops, 6.9+). */
static inline int ftio_bdev_open(struct ftio_bdev *b, dev_t dev, void *holder,
				 const struct blk_holder_ops *ops)
{
#ifdef FTIO_HAVE_BDEV_FILE
	b->file = bdev_file_open_by_dev(dev, BLK_OPEN_READ | BLK_OPEN_WRITE,
					holder, ops);
	return PTR_ERR_OR_ZERO(b->file);
#else
	b->mode = FMODE_READ | FMODE_WRITE | FMODE_EXCL;
	b->bdev = blkdev_get_by_dev(dev, b->mode, holder);
	return PTR_ERR_OR_ZERO(b->bdev);
#endif
}

/* Read-only and shared: to look at a disk, not to use it. */
static inline int ftio_bdev_open_ro(struct ftio_bdev *b, dev_t dev)
{
#ifdef FTIO_HAVE_BDEV_FILE
	b->file = bdev_file_open_by_dev(dev, BLK_OPEN_READ, NULL, NULL);
	return PTR_ERR_OR_ZERO(b->file);
#else
	b->mode = FMODE_READ;
	b->bdev = blkdev_get_by_dev(dev, b->mode, NULL);
	return PTR_ERR_OR_ZERO(b->bdev);
#endif
}

static inline struct block_device *ftio_bdev_get(const struct ftio_bdev *b)
{
#ifdef FTIO_HAVE_BDEV_FILE
	return file_bdev(b->file);
#else
	return b->bdev;
#endif
}

static inline void ftio_bdev_close(struct ftio_bdev *b)
{
#ifdef FTIO_HAVE_BDEV_FILE
	bdev_fput(b->file);
#else
	blkdev_put(b->bdev, b->mode);
#endif
}

/*
 * The disk of a bio-based stacking driver: the stacking defaults, with the
 * limits of @lower (named @name in messages) if given, I/O statistics if
 * @io_stat, and not zoned until a lower device says so.
 */
static inline struct gendisk *
ftio_alloc_stacking_disk(struct block_device *lower, const char *name,
			 bool io_stat)
{
#ifdef FTIO_HAVE_QUEUE_LIMITS_UPDATE
	struct queue_limits lim;

	blk_set_stacking_limits(&lim);
	lim.max_zone_append_sectors = 0;
	if (io_stat)
		lim.features |= BLK_FEAT_IO_STAT;
	if (lower)
		queue_limits_stack_bdev(&lim, lower, 0, name);
	return blk_alloc_disk(&lim, NUMA_NO_NODE);
#else
	struct gendisk *disk = blk_alloc_disk(NUMA_NO_NODE);

	if (!disk)
		return ERR_PTR(-ENOMEM);
	blk_set_stacking_limits(&disk->queue->limits);
	if (io_stat)
		blk_queue_flag_set(QUEUE_FLAG_IO_STAT, disk->queue);
	if (lower)
		disk_stack_limits(disk, lower, 0);
	return disk;
#endif
}
#endif /* FTIO_COMPAT_BLOCK */

#ifdef FTIO_COMPAT_KMALLOC
#include <linux/slab.h>

/*
 * The kmalloc cache type of a GFP_KERNEL allocation; where kmalloc has
 * random caches, the one that @seed (any number: a caller, a tag) picks.
 */
static inline enum kmalloc_cache_type ftio_kmalloc_type(unsigned long seed)
{
#ifdef FTIO_HAVE_KMALLOC_TYPE_CALLER
	return kmalloc_type(GFP_KERNEL, seed);
#else
	return kmalloc_type(GFP_KERNEL);
#endif
}
#endif /* FTIO_COMPAT_KMALLOC */

#endif /* _FTIO_COMPAT_H */
