// SPDX-License-Identifier: GPL-2.0
/* FTIO_HAVE_BDEV_FILE: block devices are opened as files (6.9+). */
#include <linux/blkdev.h>
#include <linux/fs.h>

struct block_device *probe(dev_t dev, void *holder);
struct block_device *probe(dev_t dev, void *holder)
{
	struct file *f = bdev_file_open_by_dev(dev, BLK_OPEN_READ, holder, NULL);

	return IS_ERR(f) ? NULL : file_bdev(f);
}
