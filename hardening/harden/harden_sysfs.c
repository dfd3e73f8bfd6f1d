// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/ftio/harden/<adapter>/: state (written "isolated" or
 * "online" by an operator), driver, reason, dma_live, the recovery
 * tunables, and counters/.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "harden.h"

static struct ftio_hd_adapter *kobj_hd(struct kobject *kobj)
{
	return container_of(kobj, struct ftio_hd_adapter, kobj);
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", ftio_hd_state_name(READ_ONCE(kobj_hd(kobj)->state)));
}

/*
 * "isolated": fence and quiesce (nothing if it is fenced already);
 * "online": reset, reinit and back in service (nothing if it is online).
 */
static ssize_t state_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	struct ftio_hd_adapter *a = kobj_hd(kobj);
	int ret;

	if (sysfs_streq(buf, "isolated")) {
		ret = ftio_hd_take_down(a, FTIO_STATE_ISOLATED, "isolated by an operator");
		if (ret == -EALREADY)
			ret = 0;
	} else if (sysfs_streq(buf, "online")) {
		ret = ftio_hd_online(a, "brought online by an operator");
		if (ret == -EALREADY)
			ret = 0;
	} else {
		return -EINVAL;
	}
	return ret ?: count;
}

static ssize_t driver_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", kobj_hd(kobj)->driver);
}

static ssize_t reason_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct ftio_hd_adapter *a = kobj_hd(kobj);
	unsigned long flags;
	ssize_t n;

	spin_lock_irqsave(&a->fence_lock, flags);
	n = sysfs_emit(buf, "%s\n", a->reason);
	spin_unlock_irqrestore(&a->fence_lock, flags);
	return n;
}

static ssize_t dma_live_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(kobj_hd(kobj)->dma_live));
}

/* A tunable: an unsigned int of the adapter, in [min, max]. */
struct ftio_hd_tunable {
	struct kobj_attribute attr;
	size_t offset;
	unsigned int min, max;
};

static unsigned int *tunable_of(struct kobject *kobj, struct kobj_attribute *attr)
{
	struct ftio_hd_tunable *t = container_of(attr, struct ftio_hd_tunable, attr);

	return (unsigned int *)((char *)kobj_hd(kobj) + t->offset);
}

static ssize_t tunable_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(*tunable_of(kobj, attr)));
}

static ssize_t tunable_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	struct ftio_hd_tunable *t = container_of(attr, struct ftio_hd_tunable, attr);
	unsigned int v;

	if (kstrtouint(buf, 0, &v) || v < t->min || v > t->max)
		return -EINVAL;
	WRITE_ONCE(*tunable_of(kobj, attr), v);
	return count;
}

static struct ftio_hd_tunable ftio_hd_tunables[] = {
	{
		.attr = __ATTR(reset_budget, 0644, tunable_show, tunable_store),
		.offset = offsetof(struct ftio_hd_adapter, reset_budget),
		.min = 0,
		.max = FTIO_HD_MAX_BUDGET,
	},
	{
		.attr = __ATTR(reset_window_s, 0644, tunable_show, tunable_store),
		.offset = offsetof(struct ftio_hd_adapter, reset_window_s),
		.min = 1,
		.max = 86400,
	},
	{
		.attr = __ATTR(reinit_tries, 0644, tunable_show, tunable_store),
		.offset = offsetof(struct ftio_hd_adapter, reinit_tries),
		.min = 1,
		.max = 10,
	},
	{
		.attr = __ATTR(storm_threshold, 0644, tunable_show, tunable_store),
		.offset = offsetof(struct ftio_hd_adapter, storm_threshold),
		.min = 0,
		.max = 10000000,
	},
};

static struct kobj_attribute state_attr = __ATTR_RW(state);
static struct kobj_attribute driver_attr = __ATTR_RO(driver);
static struct kobj_attribute reason_attr = __ATTR_RO(reason);
static struct kobj_attribute dma_live_attr = __ATTR_RO(dma_live);

static struct attribute *ftio_hd_attrs[] = {
	&state_attr.attr,
	&driver_attr.attr,
	&reason_attr.attr,
	&dma_live_attr.attr,
	&ftio_hd_tunables[0].attr.attr,
	&ftio_hd_tunables[1].attr.attr,
	&ftio_hd_tunables[2].attr.attr,
	&ftio_hd_tunables[3].attr.attr,
	NULL
};

static const struct attribute_group ftio_hd_attr_group = {
	.attrs = ftio_hd_attrs,
};

/* counters/: one read-only file a counter. */
struct ftio_hd_counter_attr {
	struct kobj_attribute attr;
	enum ftio_hd_counter which;
};

static ssize_t counter_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct ftio_hd_counter_attr *c = container_of(attr, struct ftio_hd_counter_attr, attr);

	return sysfs_emit(buf, "%lld\n", atomic64_read(&kobj_hd(kobj)->counters[c->which]));
}

#define FTIO_HD_COUNTER(_name, _which)					\
	static struct ftio_hd_counter_attr _name##_counter = {		\
		.attr = __ATTR(_name, 0444, counter_show, NULL),	\
		.which = _which,					\
	}

FTIO_HD_COUNTER(reads_fenced, FTIO_HD_READS_FENCED);
FTIO_HD_COUNTER(writes_dropped, FTIO_HD_WRITES_DROPPED);
FTIO_HD_COUNTER(ones_checked, FTIO_HD_ONES_CHECKED);
FTIO_HD_COUNTER(dma_maps, FTIO_HD_DMA_MAPS);
FTIO_HD_COUNTER(dma_refused, FTIO_HD_DMA_REFUSED);
FTIO_HD_COUNTER(dma_revoked, FTIO_HD_DMA_REVOKED);
FTIO_HD_COUNTER(dma_unknown, FTIO_HD_DMA_UNKNOWN);
FTIO_HD_COUNTER(irqs, FTIO_HD_IRQS);
FTIO_HD_COUNTER(irqs_ignored, FTIO_HD_IRQS_IGNORED);
FTIO_HD_COUNTER(isolations, FTIO_HD_ISOLATIONS);
FTIO_HD_COUNTER(resets, FTIO_HD_RESETS);
FTIO_HD_COUNTER(reinit_failures, FTIO_HD_REINIT_FAILURES);

static struct attribute *ftio_hd_counter_attrs[] = {
	&reads_fenced_counter.attr.attr,
	&writes_dropped_counter.attr.attr,
	&ones_checked_counter.attr.attr,
	&dma_maps_counter.attr.attr,
	&dma_refused_counter.attr.attr,
	&dma_revoked_counter.attr.attr,
	&dma_unknown_counter.attr.attr,
	&irqs_counter.attr.attr,
	&irqs_ignored_counter.attr.attr,
	&isolations_counter.attr.attr,
	&resets_counter.attr.attr,
	&reinit_failures_counter.attr.attr,
	NULL
};

static const struct attribute_group ftio_hd_counter_group = {
	.name = "counters",
	.attrs = ftio_hd_counter_attrs,
};

static const struct attribute_group *ftio_hd_adapter_groups[] = {
	&ftio_hd_attr_group,
	&ftio_hd_counter_group,
	NULL
};

const struct kobj_type ftio_hd_ktype = {
	.release = ftio_hd_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = ftio_hd_adapter_groups,
};
