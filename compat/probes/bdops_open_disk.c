// SPDX-License-Identifier: GPL-2.0
/*
 * FTIO_HAVE_BDOPS_OPEN_DISK: block_device_operations.open takes the
 * gendisk and a blk_mode_t (6.5).
 */
#include <linux/blkdev.h>

static int probe_open(struct gendisk *disk, blk_mode_t mode)
{
	return 0;
}

const struct block_device_operations probe_fops = {
	.open = probe_open,
};
