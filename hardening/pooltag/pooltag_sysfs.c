// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/ftio/pool/: totals over all tags and the global knobs.
 * Per-tag state and controls are in netlink (ftioctl pool ...).
 */
#include <linux/capability.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/sysfs.h>

#include "pooltag.h"

bool ftio_pt_panic_on_leak;
atomic64_t ftio_pt_leaks = ATOMIC64_INIT(0);

static void ftio_pt_totals(struct ftio_pt_stats *sum)
{
	struct ftio_pt_tag *t;

	memset(sum, 0, sizeof(*sum));
	rcu_read_lock();
	list_for_each_entry_rcu(t, &ftio_pt_tags, node) {
		struct ftio_pt_stats st;

		ftio_pt_stats(t, &st);
		sum->allocs += st.allocs;
		sum->frees += st.frees;
		sum->live_objects += st.live_objects;
		sum->live_bytes += st.live_bytes;
		sum->failures += st.failures;
	}
	rcu_read_unlock();
}

#define FTIO_PT_TOTAL_ATTR(_name, _field)				\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct ftio_pt_stats sum;					\
									\
	ftio_pt_totals(&sum);						\
	return sysfs_emit(buf, "%llu\n", sum._field);			\
}									\
static struct kobj_attribute _name##_attr = __ATTR_RO(_name)

FTIO_PT_TOTAL_ATTR(allocs, allocs);
FTIO_PT_TOTAL_ATTR(frees, frees);
FTIO_PT_TOTAL_ATTR(live_objects, live_objects);
FTIO_PT_TOTAL_ATTR(live_bytes, live_bytes);
FTIO_PT_TOTAL_ATTR(failures, failures);

static ssize_t tags_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n", ftio_pt_ntags());
}

static struct kobj_attribute tags_attr = __ATTR_RO(tags);

static ssize_t leaks_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&ftio_pt_leaks));
}

static struct kobj_attribute leaks_attr = __ATTR_RO(leaks);

static ssize_t panic_on_leak_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(ftio_pt_panic_on_leak));
}

static ssize_t panic_on_leak_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	unsigned int v;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (kstrtouint(buf, 0, &v) || v > 1)
		return -EINVAL;
	WRITE_ONCE(ftio_pt_panic_on_leak, v);
	return count;
}

static struct kobj_attribute panic_on_leak_attr = __ATTR_RW(panic_on_leak);

static struct attribute *ftio_pt_attrs[] = {
	&tags_attr.attr,
	&allocs_attr.attr,
	&frees_attr.attr,
	&live_objects_attr.attr,
	&live_bytes_attr.attr,
	&failures_attr.attr,
	&leaks_attr.attr,
	&panic_on_leak_attr.attr,
	NULL,
};

static const struct attribute_group ftio_pt_group = {
	.attrs = ftio_pt_attrs,
};

const struct attribute_group *ftio_pt_groups[] = {
	&ftio_pt_group,
	NULL,
};
