// SPDX-License-Identifier: GPL-2.0
/* FTIO_HAVE_GET_UNIQUE_ID: disks report a unique id (5.15+). */
#include <linux/blkdev.h>

int probe(struct gendisk *disk, u8 id[16]);
int probe(struct gendisk *disk, u8 id[16])
{
	return disk->fops->get_unique_id(disk, id, BLK_UID_NAA);
}
