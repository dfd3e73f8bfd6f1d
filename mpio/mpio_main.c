// SPDX-License-Identifier: GPL-2.0
/*
 * ftio_mpio: multipath block devices that never surface a path failure
 * to the application. Registers with ftio_core (/sys/kernel/ftio/mpio/,
 * the mpio-* netlink commands) and listens on the ftio notifier chain:
 * before a device is removed, the paths below it fail over.
 */
#define pr_fmt(fmt) "ftio_mpio: " fmt

#include <linux/device.h>
#include <linux/module.h>
#include <kunit/visibility.h>

#include "mpio.h"

struct ftio_module mpio_module = {
	.name = "mpio",
	.version = FTIO_VERSION,
	.owner = THIS_MODULE,
	.groups = mpio_root_groups,
	.nl_handlers = mpio_nl_handlers,
	.n_nl_handlers = ARRAY_SIZE(mpio_nl_handlers),
};
EXPORT_SYMBOL_IF_KUNIT(mpio_module);

/* Is the disk of this path @dev itself, or below it? */
static bool mpio_path_below(struct mpio_path *p, struct device *dev)
{
	struct device *d = disk_to_dev(ftio_bdev_get(&p->bdev)->bd_disk);

	for (; d; d = d->parent)
		if (d == dev)
			return true;
	return false;
}

static int mpio_notify(struct notifier_block *nb, unsigned long action,
		       void *data)
{
	struct ftio_notify_info *info = data;
	struct mpio_dev *d;
	struct mpio_path *p;

	if (action != FTIO_NOTIFY_PREPARE_REMOVE && action != FTIO_NOTIFY_ISOLATED)
		return NOTIFY_DONE;
	mutex_lock(&mpio_devs_lock);
	list_for_each_entry(d, &mpio_devs, node) {
		mutex_lock(&d->lock);
		list_for_each_entry(p, &d->paths, node)
			if (mpio_path_below(p, info->dev))
				mpio_path_fail(p, -ENODEV, info->reason ?
					       info->reason : "its adapter goes away");
		mutex_unlock(&d->lock);
	}
	mutex_unlock(&mpio_devs_lock);
	return NOTIFY_OK;
}

static struct notifier_block mpio_nb = {
	.notifier_call = mpio_notify,
	.priority = FTIO_NOTIFY_PRI_MPIO,
};

static int __init mpio_init(void)
{
	int ret;

	ret = mpio_devs_init();
	if (ret)
		return ret;
	ftio_pool_tag_describe(MPIO_TAG, "mpio devices, paths and path sets");
	ret = ftio_notifier_register(&mpio_nb);
	if (ret)
		goto err_devs;
	ret = ftio_register_module(&mpio_module);
	if (ret)
		goto err_nb;
	return 0;
err_nb:
	ftio_notifier_unregister(&mpio_nb);
err_devs:
	mpio_devs_exit();
	return ret;
}

static void __exit mpio_exit(void)
{
	ftio_unregister_module(&mpio_module);
	ftio_notifier_unregister(&mpio_nb);
	mpio_devs_exit();
}

module_init(mpio_init);
module_exit(mpio_exit);

MODULE_DESCRIPTION("ftio multipath block devices");
MODULE_AUTHOR("The ftio developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(FTIO_VERSION);
