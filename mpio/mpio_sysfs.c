// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs of ftio_mpio, one value per file:
 *   /sys/kernel/ftio/mpio/{create,delete}
 *   /sys/block/mpioN/mpio/{name,uuid,policy,failback,no_path_retry,
 *                          probe_interval,rr_repeat,group,queued,awaited,
 *                          add_path,remove_path,fail_queued,probe}
 *   /sys/block/mpioN/mpio/paths/<id>/{state,dev,group,priority,weight,ios,
 *                          bytes,errors,in_flight,latency,last_error,
 *                          fail_count}
 * Attribute handlers never take mpio_devs_lock: deleting a device drains
 * them while holding it.
 */

#include <linux/capability.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/sysfs.h>

#include "mpio.h"

/* /sys/kernel/ftio/mpio/ ------------------------------------------- */

static ssize_t create_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	char name[MPIO_NAME_LEN + 1];
	struct mpio_dev *d;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (count > MPIO_NAME_LEN)
		return -EINVAL;
	strscpy(name, buf, sizeof(name));
	strim(name);
	mutex_lock(&mpio_devs_lock);
	ret = mpio_dev_create(name, &d, NULL);
	mutex_unlock(&mpio_devs_lock);
	return ret ? ret : count;
}

static struct kobj_attribute create_attr = __ATTR_WO(create);

static ssize_t delete_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	char name[MPIO_NAME_LEN + 1];
	struct mpio_dev *d;
	int ret = -ENODEV;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (count > MPIO_NAME_LEN)
		return -EINVAL;
	strscpy(name, buf, sizeof(name));
	strim(name);
	mutex_lock(&mpio_devs_lock);
	d = mpio_dev_find(name);
	if (d)
		ret = mpio_dev_delete(d, NULL);
	mutex_unlock(&mpio_devs_lock);
	return ret ? ret : count;
}

static struct kobj_attribute delete_attr = __ATTR_WO(delete);

static struct attribute *mpio_root_attrs[] = {
	&create_attr.attr,
	&delete_attr.attr,
	NULL,
};

static const struct attribute_group mpio_root_group = {
	.attrs = mpio_root_attrs,
};

const struct attribute_group *mpio_root_groups[] = {
	&mpio_root_group,
	NULL,
};

/* /sys/block/mpioN/mpio/ ------------------------------------------- */

static struct mpio_dev *kobj_to_mpio(struct kobject *kobj)
{
	return dev_to_disk(kobj_to_dev(kobj->parent))->private_data;
}

#define MPIO_DEV_RO(_name, _fmt, _expr)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct mpio_dev *d = kobj_to_mpio(kobj);			\
									\
	return sysfs_emit(buf, _fmt "\n", _expr);			\
}

MPIO_DEV_RO(name, "%s", d->name)
MPIO_DEV_RO(uuid, "%s", d->uuid)
MPIO_DEV_RO(queued, "%u", READ_ONCE(d->nqueued))
static struct kobj_attribute name_attr = __ATTR_RO(name);
static struct kobj_attribute uuid_attr = __ATTR_RO(uuid);
static struct kobj_attribute queued_attr = __ATTR_RO(queued);

/* Paths whose disk went away and that come back when it does. */
static ssize_t awaited_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct mpio_dev *d = kobj_to_mpio(kobj);
	ssize_t n;

	mutex_lock(&d->lock);
	n = mpio_show_awaited(d, buf);
	mutex_unlock(&d->lock);
	return n;
}

static struct kobj_attribute awaited_attr = __ATTR_RO(awaited);

MPIO_DEV_RO(policy, "%s", mpio_selector_name(READ_ONCE(d->selector)))

static ssize_t policy_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	int sel = mpio_selector_parse(buf);

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (sel < 0)
		return sel;
	WRITE_ONCE(kobj_to_mpio(kobj)->selector, sel);
	return count;
}

static struct kobj_attribute policy_attr = __ATTR_RW(policy);

static ssize_t failback_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct mpio_dev *d = kobj_to_mpio(kobj);

	if (d->failback == FTIO_FAILBACK_DEFERRED)
		return sysfs_emit(buf, "deferred:%u\n", d->failback_delay);
	return sysfs_emit(buf, "%s\n", d->failback == FTIO_FAILBACK_MANUAL ?
			  "manual" : "immediate");
}

static ssize_t failback_store(struct kobject *kobj, struct kobj_attribute *attr,
			      const char *buf, size_t count)
{
	struct mpio_dev *d = kobj_to_mpio(kobj);
	unsigned int delay;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	mutex_lock(&d->lock);
	if (sysfs_streq(buf, "immediate")) {
		d->failback = FTIO_FAILBACK_IMMEDIATE;
	} else if (sysfs_streq(buf, "manual")) {
		d->failback = FTIO_FAILBACK_MANUAL;
	} else if (sscanf(buf, "deferred:%u", &delay) == 1 && delay <= 86400) {
		d->failback = FTIO_FAILBACK_DEFERRED;
		d->failback_delay = delay;
	} else {
		mutex_unlock(&d->lock);
		return -EINVAL;
	}
	mpio_rebuild_active(d);
	mutex_unlock(&d->lock);
	return count;
}

static struct kobj_attribute failback_attr = __ATTR_RW(failback);

MPIO_DEV_RO(no_path_retry, "%d", READ_ONCE(d->no_path_retry))

static ssize_t no_path_retry_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	int v;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (kstrtoint(buf, 0, &v) || v < -1 || v > MPIO_NO_PATH_RETRY_MAX)
		return -EINVAL;
	mpio_set_no_path_retry(kobj_to_mpio(kobj), v);
	return count;
}

static struct kobj_attribute no_path_retry_attr = __ATTR_RW(no_path_retry);

MPIO_DEV_RO(probe_interval, "%u", READ_ONCE(d->probe_interval))

static ssize_t probe_interval_store(struct kobject *kobj,
				    struct kobj_attribute *attr,
				    const char *buf, size_t count)
{
	struct mpio_dev *d = kobj_to_mpio(kobj);
	unsigned int v;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (kstrtouint(buf, 0, &v) || v > 3600)
		return -EINVAL;
	WRITE_ONCE(d->probe_interval, v);
	if (v)
		mod_delayed_work(mpio_wq, &d->probe, v * HZ);
	return count;
}

static struct kobj_attribute probe_interval_attr = __ATTR_RW(probe_interval);

MPIO_DEV_RO(rr_repeat, "%u", READ_ONCE(d->rr_repeat))

static ssize_t rr_repeat_store(struct kobject *kobj, struct kobj_attribute *attr,
			       const char *buf, size_t count)
{
	unsigned int v;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (kstrtouint(buf, 0, &v) || !v || v > MPIO_RR_REPEAT_MAX)
		return -EINVAL;
	WRITE_ONCE(kobj_to_mpio(kobj)->rr_repeat, v);
	return count;
}

static struct kobj_attribute rr_repeat_attr = __ATTR_RW(rr_repeat);

MPIO_DEV_RO(group, "%u", READ_ONCE(d->group))

static ssize_t group_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	struct mpio_dev *d = kobj_to_mpio(kobj);
	unsigned int g;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (kstrtouint(buf, 0, &g) || g > 1000)
		return -EINVAL;
	mutex_lock(&d->lock);
	ret = mpio_switch_group(d, g, NULL);
	mutex_unlock(&d->lock);
	return ret ? ret : count;
}

static struct kobj_attribute group_attr = __ATTR_RW(group);

static ssize_t add_path_store(struct kobject *kobj, struct kobj_attribute *attr,
			      const char *buf, size_t count)
{
	struct mpio_dev *d = kobj_to_mpio(kobj);
	char spec[128];
	unsigned int group = 0;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (sscanf(buf, "%127s %u", spec, &group) < 1)
		return -EINVAL;
	mutex_lock(&d->lock);
	ret = d->dying ? -ENODEV : mpio_path_add(d, spec, group, NULL, NULL, NULL);
	mutex_unlock(&d->lock);
	return ret ? ret : count;
}

static struct kobj_attribute add_path_attr = __ATTR_WO(add_path);

static ssize_t remove_path_store(struct kobject *kobj,
				 struct kobj_attribute *attr,
				 const char *buf, size_t count)
{
	struct mpio_dev *d = kobj_to_mpio(kobj);
	struct mpio_path *p;
	char spec[128];
	int ret = -ENODEV;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (sscanf(buf, "%127s", spec) != 1)
		return -EINVAL;
	mutex_lock(&d->lock);
	p = d->dying ? NULL : mpio_path_find(d, spec);
	if (p)
		ret = mpio_path_remove(p, NULL);
	mutex_unlock(&d->lock);
	return ret ? ret : count;
}

static struct kobj_attribute remove_path_attr = __ATTR_WO(remove_path);

static ssize_t fail_queued_store(struct kobject *kobj,
				 struct kobj_attribute *attr,
				 const char *buf, size_t count)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	if (!sysfs_streq(buf, "1"))
		return -EINVAL;
	mpio_fail_queued(kobj_to_mpio(kobj));
	return count;
}

static struct kobj_attribute fail_queued_attr = __ATTR_WO(fail_queued);

static ssize_t probe_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	if (!sysfs_streq(buf, "1"))
		return -EINVAL;
	mpio_probe_now(kobj_to_mpio(kobj));
	return count;
}

static struct kobj_attribute probe_attr = __ATTR_WO(probe);

static struct attribute *mpio_dev_attrs[] = {
	&name_attr.attr,
	&uuid_attr.attr,
	&policy_attr.attr,
	&failback_attr.attr,
	&no_path_retry_attr.attr,
	&probe_interval_attr.attr,
	&rr_repeat_attr.attr,
	&group_attr.attr,
	&queued_attr.attr,
	&awaited_attr.attr,
	&add_path_attr.attr,
	&remove_path_attr.attr,
	&fail_queued_attr.attr,
	&probe_attr.attr,
	NULL,
};

static const struct attribute_group mpio_dev_group = {
	.attrs = mpio_dev_attrs,
};

int mpio_dev_sysfs_add(struct mpio_dev *d)
{
	int ret;

	d->kobj = kobject_create_and_add("mpio", &disk_to_dev(d->disk)->kobj);
	if (!d->kobj)
		return -ENOMEM;
	ret = sysfs_create_group(d->kobj, &mpio_dev_group);
	if (ret)
		goto err;
	d->paths_kobj = kobject_create_and_add("paths", d->kobj);
	if (!d->paths_kobj) {
		ret = -ENOMEM;
		goto err_group;
	}
	return 0;
err_group:
	sysfs_remove_group(d->kobj, &mpio_dev_group);
err:
	kobject_put(d->kobj);
	return ret;
}

void mpio_dev_sysfs_del(struct mpio_dev *d)
{
	kobject_put(d->paths_kobj);
	sysfs_remove_group(d->kobj, &mpio_dev_group);
	kobject_put(d->kobj);
}

/* paths/<id>/ ------------------------------------------------------- */

struct mpio_path_attr {
	struct attribute attr;
	ssize_t (*show)(struct mpio_path *p, char *buf);
	ssize_t (*store)(struct mpio_path *p, const char *buf, size_t count);
};

#define to_path(k) container_of(k, struct mpio_path, kobj)
#define to_path_attr(a) container_of(a, struct mpio_path_attr, attr)

static ssize_t mpio_path_attr_show(struct kobject *kobj, struct attribute *attr,
				   char *buf)
{
	return to_path_attr(attr)->show(to_path(kobj), buf);
}

static ssize_t mpio_path_attr_store(struct kobject *kobj,
				    struct attribute *attr, const char *buf,
				    size_t count)
{
	struct mpio_path_attr *a = to_path_attr(attr);

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return a->store ? a->store(to_path(kobj), buf, count) : -EPERM;
}

static const struct sysfs_ops mpio_path_sysfs_ops = {
	.show = mpio_path_attr_show,
	.store = mpio_path_attr_store,
};

#define MPIO_PATH_STAT(_name, _expr)					\
static ssize_t path_##_name##_show(struct mpio_path *p, char *buf)	\
{									\
	struct mpio_path_pcpu s;					\
									\
	mpio_path_stats(p, &s);						\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)(_expr));	\
}									\
static struct mpio_path_attr path_##_name##_attr =			\
	__ATTR(_name, 0444, path_##_name##_show, NULL)

MPIO_PATH_STAT(ios, s.ios);
MPIO_PATH_STAT(bytes, s.bytes);
MPIO_PATH_STAT(errors, s.errors);
MPIO_PATH_STAT(in_flight, s.in_flight);

static ssize_t path_latency_show(struct mpio_path *p, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(p->latency_ns) / 1000);
}

static struct mpio_path_attr path_latency_attr =
	__ATTR(latency, 0444, path_latency_show, NULL);

static ssize_t path_dev_show(struct mpio_path *p, char *buf)
{
	return sysfs_emit(buf, "%s %u:%u\n", p->name, MAJOR(p->devt),
			  MINOR(p->devt));
}

static struct mpio_path_attr path_dev_attr = __ATTR(dev, 0444, path_dev_show, NULL);

static ssize_t path_last_error_show(struct mpio_path *p, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(p->last_error));
}

static struct mpio_path_attr path_last_error_attr =
	__ATTR(last_error, 0444, path_last_error_show, NULL);

static ssize_t path_fail_count_show(struct mpio_path *p, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&p->fail_count));
}

static struct mpio_path_attr path_fail_count_attr =
	__ATTR(fail_count, 0444, path_fail_count_show, NULL);

static ssize_t path_state_show(struct mpio_path *p, char *buf)
{
	return sysfs_emit(buf, "%s\n", mpio_path_state_name(atomic_read(&p->state)));
}

/* Writing "failed" takes the path out of service, "active" puts it back. */
static ssize_t path_state_store(struct mpio_path *p, const char *buf,
				size_t count)
{
	int ret = 0;

	if (sysfs_streq(buf, "failed"))
		mpio_path_fail_admin(p);
	else if (sysfs_streq(buf, "active"))
		ret = mpio_path_reinstate(p, true);
	else
		return -EINVAL;
	return ret ? ret : count;
}

static struct mpio_path_attr path_state_attr =
	__ATTR(state, 0644, path_state_show, path_state_store);

static ssize_t path_u32_store(struct mpio_path *p, u32 *field, u32 min,
			      u32 max, const char *buf, size_t count)
{
	unsigned int v;

	if (kstrtouint(buf, 0, &v) || v < min || v > max)
		return -EINVAL;
	mutex_lock(&p->dev->lock);
	WRITE_ONCE(*field, v);
	mpio_rebuild_active(p->dev);
	mutex_unlock(&p->dev->lock);
	return count;
}

static ssize_t path_group_show(struct mpio_path *p, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(p->group));
}

static ssize_t path_group_store(struct mpio_path *p, const char *buf, size_t count)
{
	return path_u32_store(p, &p->group, 0, 1000, buf, count);
}

static struct mpio_path_attr path_group_attr =
	__ATTR(group, 0644, path_group_show, path_group_store);

static ssize_t path_priority_show(struct mpio_path *p, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(p->priority));
}

static ssize_t path_priority_store(struct mpio_path *p, const char *buf,
				   size_t count)
{
	return path_u32_store(p, &p->priority, 0, 1000, buf, count);
}

static struct mpio_path_attr path_priority_attr =
	__ATTR(priority, 0644, path_priority_show, path_priority_store);

static ssize_t path_weight_show(struct mpio_path *p, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(p->weight));
}

static ssize_t path_weight_store(struct mpio_path *p, const char *buf,
				 size_t count)
{
	return path_u32_store(p, &p->weight, 1, 1000, buf, count);
}

static struct mpio_path_attr path_weight_attr =
	__ATTR(weight, 0644, path_weight_show, path_weight_store);

static struct attribute *mpio_path_attrs[] = {
	&path_state_attr.attr,
	&path_dev_attr.attr,
	&path_group_attr.attr,
	&path_priority_attr.attr,
	&path_weight_attr.attr,
	&path_ios_attr.attr,
	&path_bytes_attr.attr,
	&path_errors_attr.attr,
	&path_in_flight_attr.attr,
	&path_latency_attr.attr,
	&path_last_error_attr.attr,
	&path_fail_count_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mpio_path);

static void mpio_path_kobj_release(struct kobject *kobj)
{
	struct mpio_path *p = to_path(kobj);

	free_percpu(p->pcpu);
	ftio_pool_free(p, MPIO_TAG);
}

static const struct kobj_type mpio_path_ktype = {
	.release = mpio_path_kobj_release,
	.sysfs_ops = &mpio_path_sysfs_ops,
	.default_groups = mpio_path_groups,
};

/**
 * mpio_path_sysfs_init() - give a path its kobject, not yet in sysfs
 * @p: the path, with its per-CPU counters
 *
 * From here on the kobject owns the path: its last put, by
 * mpio_path_sysfs_put() or mpio_path_sysfs_del(), frees it.
 */
void mpio_path_sysfs_init(struct mpio_path *p)
{
	kobject_init(&p->kobj, &mpio_path_ktype);
}

/**
 * mpio_path_sysfs_add() - show the path under its device's paths/
 * @p: the path, after mpio_path_sysfs_init()
 *
 * On failure the caller undoes what it set up and then drops the path
 * with mpio_path_sysfs_put().
 *
 * Return: 0 or a negative errno.
 */
int mpio_path_sysfs_add(struct mpio_path *p)
{
	return kobject_add(&p->kobj, p->dev->paths_kobj, "%u", p->id);
}

/**
 * mpio_path_sysfs_put() - drop a path that never made it into sysfs
 * @p: the path
 */
void mpio_path_sysfs_put(struct mpio_path *p)
{
	kobject_put(&p->kobj);
}

/**
 * mpio_path_sysfs_del() - take the path out of sysfs and drop it
 * @p: the path
 */
void mpio_path_sysfs_del(struct mpio_path *p)
{
	kobject_del(&p->kobj);
	kobject_put(&p->kobj);
}
