// SPDX-License-Identifier: GPL-2.0
/* FTIO_HAVE_QUEUE_LIMITS_UPDATE: atomic queue_limits updates and feature
 * flags in the limits, blk_alloc_disk() taking limits (6.11+).
 */
#include <linux/blkdev.h>

int probe(struct gendisk *disk, struct block_device *bdev);
int probe(struct gendisk *disk, struct block_device *bdev)
{
	struct queue_limits lim = queue_limits_start_update(disk->queue);

	lim.features |= BLK_FEAT_IO_STAT;
	queue_limits_stack_bdev(&lim, bdev, 0, "probe");
	return queue_limits_commit_update(disk->queue, &lim);
}
