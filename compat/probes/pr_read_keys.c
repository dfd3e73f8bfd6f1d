// SPDX-License-Identifier: GPL-2.0
/* FTIO_HAVE_PR_READ_KEYS: pr_ops can read keys and the reservation (6.5+). */
#include <linux/blkdev.h>
#include <linux/pr.h>

int probe(struct pr_ops *ops, struct block_device *b, struct pr_keys *k);
int probe(struct pr_ops *ops, struct block_device *b, struct pr_keys *k)
{
	return ops->pr_read_keys(b, k);
}
