// SPDX-License-Identifier: GPL-2.0
/*
 * Paths that come back without an operator. When the disk of a path goes
 * away (adapter pulled, SCSI device deleted), its device remembers the
 * path: the identity of the logical unit, the group, priority and weight.
 * When a disk appears whose identity is the device's, it is added back
 * as a path with those settings.
 *
 * New disks are seen through a class interface on the block class (its
 * address is taken from the first mpio disk: the class is not exported).
 * The interface's callback runs while the disk is being added and cannot
 * open it yet, so it only notes the disk; a work item opens it a little
 * later, reads its identity and matches it against the awaited paths.
 *
 * From 6.9 on, the block layer tells a disk's holder that the disk went
 * away (mpio_path.c). Before, the same class interface sees the disk's
 * device deleted, after the disk was marked dead; a work item removes
 * the path, since the callback runs under the class's mutex, which
 * mpio_readd_start() takes under mpio_devs_lock.
 */
#define pr_fmt(fmt) "ftio_mpio: " fmt

#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/fs.h>

#include "mpio.h"

static bool auto_readd = true;
module_param(auto_readd, bool, 0644);
MODULE_PARM_DESC(auto_readd, "Add a path back when its disk returns (default Y)");

/* "NAME:VALUE" from the disk's attribute NAME, if it has one. */
static bool mpio_disk_attr(struct device *dev, const char *name, char *buf,
			   size_t len)
{
	const struct attribute_group **g;
	struct attribute **a;

	for (g = dev->groups; g && *g; g++) {
		for (a = (*g)->attrs; a && *a; a++) {
			struct device_attribute *da;
			char *page;
			ssize_t n;

			if (strcmp((*a)->name, name))
				continue;
			da = container_of(*a, struct device_attribute, attr);
			if (!da->show)
				return false;
			page = (char *)get_zeroed_page(GFP_KERNEL);
			if (!page)
				return false;
			n = da->show(dev, da, page);
			if (n > 0) {
				page[min_t(ssize_t, n, PAGE_SIZE - 1)] = '\0';
				strim(page);
				if (page[0])
					snprintf(buf, len, "%s:%s", name, page);
			}
			free_page((unsigned long)page);
			return buf[0];
		}
	}
	return false;
}

/**
 * mpio_identity() - what identifies the logical unit behind a disk
 * @bdev: the disk
 * @buf: "TYPE:HEX" for a unique id (NVMe, SCSI), else "wwid:TEXT" for a
 *	disk with a world-wide id attribute (NVMe), "serial:TEXT" for one with
 *	a serial number (virtio-blk), "" for none of these
 * @len: size of @buf
 */
void mpio_identity(struct block_device *bdev, char *buf, size_t len)
{
	struct gendisk *disk = bdev->bd_disk;
	struct device *dev = disk_to_dev(disk);

	buf[0] = '\0';
#ifdef FTIO_HAVE_GET_UNIQUE_ID
	if (disk->fops->get_unique_id) {
		static const enum blk_unique_id types[] = {
			BLK_UID_NAA, BLK_UID_EUI64, BLK_UID_T10,
		};
		unsigned int i;
		u8 id[16];

		for (i = 0; i < ARRAY_SIZE(types); i++) {
			int n = disk->fops->get_unique_id(disk, id, types[i]);

			if (n > 0) {
				snprintf(buf, len, "%u:%*phN", types[i], n, id);
				return;
			}
		}
	}
#endif
	/*
	 * The driver's own attributes of the disk, read as sysfs would,
	 * through the device attribute's show(): NVMe namespaces have
	 * "wwid" (also when the controller's identifiers are not to be
	 * trusted), virtio-blk disks "serial".
	 */
	if (!mpio_disk_attr(dev, "wwid", buf, len))
		mpio_disk_attr(dev, "serial", buf, len);
}

/* A path whose disk went away, waiting for it to come back. */
struct mpio_awaited {
	struct list_head node;
	unsigned int old_id;
	char name[BDEVNAME_SIZE];
	u32 group;
	u32 priority;
	u32 weight;
	unsigned long since;
};

/* A disk that appeared (or, before 6.9, went away). */
struct mpio_newdisk {
	struct list_head node;
	dev_t devt;
	unsigned int tries;
};

#define MPIO_READD_TRIES	50	/* every 100 ms: 5 s for a disk to go live */

static DEFINE_SPINLOCK(mpio_newdisks_lock);
static LIST_HEAD(mpio_newdisks);
static LIST_HEAD(mpio_gonedisks);
static atomic_t mpio_nawaited = ATOMIC_INIT(0);
static const struct device_type *mpio_disk_type;
static unsigned int mpio_disk_major;
static bool mpio_intf_registered;
static bool mpio_intf_stopping;
/*
 * On system_unbound_wq, not mpio_wq: it takes mpio_devs_lock, under which
 * deleting a device flushes work on mpio_wq, whose rescuer it could hold.
 */
static void mpio_readd_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(mpio_readd_dwork, mpio_readd_work);

/**
 * mpio_await_path() - remember a path whose disk went away
 * @p: the path, about to be removed
 *
 * Only a device whose paths have a real identity waits: size and block
 * size alone could match another disk.
 *
 * Context: p->dev->lock held.
 */
void mpio_await_path(struct mpio_path *p)
{
	struct mpio_dev *d = p->dev;
	struct mpio_awaited *w;

	if (!READ_ONCE(auto_readd) || !d->uuid[0] || mpio_uuid_is_size(d->uuid) ||
	    d->nawaited >= MPIO_MAX_PATHS)
		return;
	w = ftio_pool_zalloc(sizeof(*w), GFP_NOIO, MPIO_TAG);
	if (!w)
		return;
	w->old_id = p->id;
	strscpy(w->name, p->name, sizeof(w->name));
	w->group = p->group;
	w->priority = p->priority;
	w->weight = p->weight;
	w->since = jiffies;
	list_add_tail(&w->node, &d->awaited);
	d->nawaited++;
	atomic_inc(&mpio_nawaited);
}

/**
 * mpio_unawait() - a path came back by the administrator's hand
 * @d: the device
 * @name: the new path's disk
 *
 * The awaited path of that disk name, else the oldest one, is no longer
 * awaited: the disk it waited for is back.
 *
 * Context: d->lock held.
 */
void mpio_unawait(struct mpio_dev *d, const char *name)
{
	struct mpio_awaited *w, *found = NULL;

	list_for_each_entry(w, &d->awaited, node) {
		if (!strcmp(w->name, name)) {
			found = w;
			break;
		}
	}
	if (!found)
		found = list_first_entry_or_null(&d->awaited, struct mpio_awaited, node);
	if (!found)
		return;
	list_del(&found->node);
	d->nawaited--;
	atomic_dec(&mpio_nawaited);
	ftio_pool_free(found, MPIO_TAG);
}

/**
 * mpio_forget_awaited() - stop waiting for the paths of a device
 * @d: the device
 *
 * Context: d->lock held.
 */
void mpio_forget_awaited(struct mpio_dev *d)
{
	struct mpio_awaited *w, *tmp;

	list_for_each_entry_safe(w, tmp, &d->awaited, node) {
		list_del(&w->node);
		ftio_pool_free(w, MPIO_TAG);
		atomic_dec(&mpio_nawaited);
	}
	d->nawaited = 0;
}

/**
 * mpio_show_awaited() - the awaited paths, one per line, for sysfs
 * @d: the device
 * @buf: a sysfs page
 *
 * Context: d->lock held.
 * Return: bytes written.
 */
ssize_t mpio_show_awaited(struct mpio_dev *d, char *buf)
{
	struct mpio_awaited *w;
	int n = 0;

	list_for_each_entry(w, &d->awaited, node)
		n += sysfs_emit_at(buf, n, "%u %s %u %lu\n", w->old_id, w->name,
				   w->group, (jiffies - w->since) / HZ);
	return n;
}

/* Note a disk for the work item, which runs after @delay. */
static bool mpio_note_disk(struct list_head *list, dev_t devt,
			   unsigned long delay)
{
	struct mpio_newdisk *nd;

	nd = ftio_pool_zalloc(sizeof(*nd), GFP_KERNEL, MPIO_TAG);
	if (!nd)
		return false;
	nd->devt = devt;
	spin_lock(&mpio_newdisks_lock);
	list_add_tail(&nd->node, list);
	spin_unlock(&mpio_newdisks_lock);
	mod_delayed_work(system_unbound_wq, &mpio_readd_dwork, delay);
	return true;
}

/* Runs under the block class's mutex, while the disk is being added. */
static int mpio_disk_added(struct device *dev)
{
	if (dev->type == mpio_disk_type && atomic_read(&mpio_nawaited) &&
	    MAJOR(dev->devt) != mpio_disk_major)
		mpio_note_disk(&mpio_newdisks, dev->devt, HZ / 10);
	return 0;
}

#ifndef FTIO_HAVE_BDEV_FILE
/*
 * Runs under the block class's mutex, while a disk's device is deleted:
 * the disk is dead already, its I/O fails. Its paths go in the work item.
 * From 6.9 on, the holder is told instead (mpio_path.c).
 */
static void mpio_disk_deleted(struct device *dev)
{
	if (dev->type != mpio_disk_type || READ_ONCE(mpio_intf_stopping) ||
	    MAJOR(dev->devt) == mpio_disk_major)
		return;
	if (!mpio_note_disk(&mpio_gonedisks, dev->devt, 0))
		pr_warn("%u:%u went away, but its paths stay (no memory)\n",
			MAJOR(dev->devt), MINOR(dev->devt));
}
#endif

#ifdef FTIO_HAVE_CLASS_INTF_DEV_ONLY
static struct class_interface mpio_intf = {
	.add_dev = mpio_disk_added,
#ifndef FTIO_HAVE_BDEV_FILE
	.remove_dev = mpio_disk_deleted,
#endif
};
#else
/* Before 6.4, class interface callbacks are told their interface too. */
static int mpio_intf_add(struct device *dev, struct class_interface *intf)
{
	return mpio_disk_added(dev);
}

static void mpio_intf_remove(struct device *dev, struct class_interface *intf)
{
	mpio_disk_deleted(dev);
}

static struct class_interface mpio_intf = {
	.add_dev = mpio_intf_add,
	.remove_dev = mpio_intf_remove,
};
#endif

/* A disk went away: remove the paths on it (kernels before 6.9). */
static void mpio_disk_gone(dev_t devt)
{
	struct mpio_path *p, *tmp;
	struct mpio_dev *d;

	mutex_lock(&mpio_devs_lock);
	list_for_each_entry(d, &mpio_devs, node) {
		mutex_lock(&d->lock);
		list_for_each_entry_safe(p, tmp, &d->paths, node)
			if (p->devt == devt)
				mpio_path_gone(p);
		mutex_unlock(&d->lock);
	}
	mutex_unlock(&mpio_devs_lock);
}

/* Give the disk's path back to the device that waits for it. */
static void mpio_readd_to(struct mpio_dev *d, dev_t devt, const char *id,
			  const char *name)
{
	struct mpio_awaited *w, *x;
	struct mpio_path *p;
	char spec[24], note[80];
	int ret;

	mutex_lock(&d->lock);
	/* The path that had this disk name, else the one waiting longest. */
	w = list_first_entry_or_null(&d->awaited, struct mpio_awaited, node);
	list_for_each_entry(x, &d->awaited, node) {
		if (!strcmp(x->name, name)) {
			w = x;
			break;
		}
	}
	if (!w || d->dying || strcmp(d->uuid, id))
		goto out;
	snprintf(spec, sizeof(spec), "%u:%u", MAJOR(devt), MINOR(devt));
	snprintf(note, sizeof(note), "path %u (%s) back, added automatically",
		 w->old_id, w->name);
	ret = mpio_path_add(d, spec, w->group, note, &p, NULL);
	if (ret) {
		pr_warn("%s: %s has the identity of path %u (%s) but cannot be added back: %d\n",
			d->name, spec, w->old_id, w->name, ret);
		goto out;
	}
	p->priority = w->priority;
	p->weight = w->weight;
	mpio_rebuild_active(d);
	list_del(&w->node);
	d->nawaited--;
	atomic_dec(&mpio_nawaited);
	ftio_pool_free(w, MPIO_TAG);
out:
	mutex_unlock(&d->lock);
}

/* Open the disk, read its identity, find the device waiting for it. */
static int mpio_readd_one(dev_t devt)
{
	char id[MPIO_UUID_LEN], name[BDEVNAME_SIZE];
	struct ftio_bdev b;
	struct mpio_dev *d;
	int ret;

	ret = ftio_bdev_open_ro(&b, devt);
	if (ret)
		return ret;
	mpio_identity(ftio_bdev_get(&b), id, sizeof(id));
	snprintf(name, sizeof(name), "%pg", ftio_bdev_get(&b));
	ftio_bdev_close(&b);
	if (!id[0])
		return 0;
	mutex_lock(&mpio_devs_lock);
	list_for_each_entry(d, &mpio_devs, node)
		mpio_readd_to(d, devt, id, name);
	mutex_unlock(&mpio_devs_lock);
	return 0;
}

static void mpio_readd_work(struct work_struct *work)
{
	struct mpio_newdisk *nd, *tmp;
	LIST_HEAD(gone);
	LIST_HEAD(todo);
	bool again = false;

	spin_lock(&mpio_newdisks_lock);
	list_splice_init(&mpio_gonedisks, &gone);
	list_splice_init(&mpio_newdisks, &todo);
	spin_unlock(&mpio_newdisks_lock);

	list_for_each_entry_safe(nd, tmp, &gone, node) {
		mpio_disk_gone(nd->devt);
		list_del(&nd->node);
		ftio_pool_free(nd, MPIO_TAG);
	}
	list_for_each_entry_safe(nd, tmp, &todo, node) {
		/* Not live yet: the disk is still being added. */
		if (mpio_readd_one(nd->devt) == -ENXIO &&
		    ++nd->tries < MPIO_READD_TRIES) {
			again = true;
			continue;
		}
		list_del(&nd->node);
		ftio_pool_free(nd, MPIO_TAG);
	}
	if (again) {
		spin_lock(&mpio_newdisks_lock);
		list_splice(&todo, &mpio_newdisks);
		spin_unlock(&mpio_newdisks_lock);
		mod_delayed_work(system_unbound_wq, &mpio_readd_dwork, HZ / 10);
	}
}

/**
 * mpio_readd_start() - watch for new disks, once there is an mpio disk
 * @disk: an mpio disk, whose class and type are those of every disk
 *
 * Context: mpio_devs_lock held.
 */
void mpio_readd_start(struct gendisk *disk)
{
	if (mpio_intf_registered)
		return;
	mpio_disk_type = disk_to_dev(disk)->type;
	mpio_disk_major = disk->major;
	mpio_intf.class = disk_to_dev(disk)->class;
	if (class_interface_register(&mpio_intf))
		pr_warn("cannot watch for new disks: paths are not added back automatically\n");
	else
		mpio_intf_registered = true;
}

/**
 * mpio_readd_stop() - stop watching, at module unload
 */
void mpio_readd_stop(void)
{
	struct mpio_newdisk *nd, *tmp;

	/* Unregistering calls remove_dev for every disk: none went away. */
	WRITE_ONCE(mpio_intf_stopping, true);
	if (mpio_intf_registered)
		class_interface_unregister(&mpio_intf);
	mpio_intf_registered = false;
	cancel_delayed_work_sync(&mpio_readd_dwork);
	list_splice_init(&mpio_gonedisks, &mpio_newdisks);
	list_for_each_entry_safe(nd, tmp, &mpio_newdisks, node) {
		list_del(&nd->node);
		ftio_pool_free(nd, MPIO_TAG);
	}
}
