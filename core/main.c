// SPDX-License-Identifier: GPL-2.0
/*
 * ftio_core: the event log, the "ftio" generic netlink family, the sysfs
 * root /sys/kernel/ftio and the notifier chain that the other ftio
 * modules build on.
 */
#define pr_fmt(fmt) "ftio: " fmt

#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/sysfs.h>
#include <kunit/visibility.h>

#include "internal.h"

static unsigned int ring_size = 1024;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size,
		 "Capacity of the event ring, rounded up to a power of two (16-65536, default 1024)");

struct ftio_evlog ftio_log;
EXPORT_SYMBOL_IF_KUNIT(ftio_log);
struct kobject *ftio_kobj;

/*
 * Events of severity notice and above also go to the kernel log, where
 * an administrator's log monitoring already looks; routine ones (info,
 * debug) stay in the event log only.
 */
static void ftio_event_printk(u32 severity, const char *source,
			      const char *code, const char *object,
			      const char *message)
{
	static const char *const level[] = {
		[FTIO_SEVERITY_NOTICE] = KERN_NOTICE,
		[FTIO_SEVERITY_WARNING] = KERN_WARNING,
		[FTIO_SEVERITY_ERROR] = KERN_ERR,
		[FTIO_SEVERITY_CRITICAL] = KERN_CRIT,
	};

	if (severity < FTIO_SEVERITY_NOTICE || severity >= ARRAY_SIZE(level))
		return;
	if (object && *object)
		printk_ratelimited("%s" pr_fmt("%s: %s: %s: %s\n"), level[severity],
				   source, object, code, message);
	else
		printk_ratelimited("%s" pr_fmt("%s: %s: %s\n"), level[severity],
				   source, code, message);
}

/**
 * ftio_event_post() - append an event to the global log and log it
 * @severity: enum ftio_severity
 * @code: FTIO_EVENT_CODE_*
 * @source: emitting module's name
 * @object: object concerned, or NULL
 * @message: detail, or NULL
 * @dev: device for the uevent, or NULL
 *
 * Return: the sequence number.
 */
u64 ftio_event_post(u32 severity, u32 code, const char *source,
		    const char *object, const char *message,
		    struct device *dev)
{
	const char *name = ftio_event_code_name(code);
	u64 seq;

	/*
	 * Logged first, so that the event's time is when it happened: the
	 * printk may wait for a slow console (a serial one prints a line in
	 * milliseconds).
	 */
	seq = ftio_evlog_append(&ftio_log, severity, code, source, object,
				message, dev);
	ftio_event_printk(severity, source, name ? name : "unknown-event",
			  object, message ? message : "");
	return seq;
}

u64 ftio_event_emit(const struct ftio_module *src, u32 code,
		    struct device *dev, const char *object,
		    const char *fmt, ...)
{
	const struct ftio_event_desc *desc = ftio_event_desc(code);
	char msg[FTIO_EVENT_MESSAGE_LEN];
	va_list args;

	WARN_ONCE(!desc, "ftio: event code %u is not in the catalogue\n", code);
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	if (src)
		atomic64_inc(&((struct ftio_module *)src)->events);
	return ftio_event_post(desc ? desc->severity : FTIO_SEVERITY_WARNING,
			       code, src ? src->name : "core", object, msg,
			       dev);
}
EXPORT_SYMBOL_GPL(ftio_event_emit);

/* /sys/kernel/ftio/version and /sys/kernel/ftio/events/ */
static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", FTIO_VERSION);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);

#define FTIO_EVENTS_ATTR(_name, _field)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct ftio_evlog_stats st;					\
									\
	ftio_evlog_stats(&ftio_log, &st);				\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)st._field);\
}									\
static struct kobj_attribute _name##_attr = __ATTR_RO(_name)

FTIO_EVENTS_ATTR(count, count);
FTIO_EVENTS_ATTR(dropped, dropped);
FTIO_EVENTS_ATTR(last_seq, last_seq);
FTIO_EVENTS_ATTR(ring_size, size);

static struct attribute *ftio_root_attrs[] = {
	&version_attr.attr,
	NULL,
};

static const struct attribute_group ftio_root_group = {
	.attrs = ftio_root_attrs,
};

static struct attribute *ftio_events_attrs[] = {
	&count_attr.attr,
	&dropped_attr.attr,
	&last_seq_attr.attr,
	&ring_size_attr.attr,
	NULL,
};

static const struct attribute_group ftio_events_group = {
	.name = "events",
	.attrs = ftio_events_attrs,
};

static const struct attribute_group *ftio_root_groups[] = {
	&ftio_root_group,
	&ftio_events_group,
	NULL,
};

static int __init ftio_core_init(void)
{
	int ret;

	ret = ftio_evlog_init(&ftio_log, ring_size, ftio_netlink_deliver);
	if (ret)
		return ret;
	ring_size = ftio_log.size;

	ret = ftio_netlink_init();
	if (ret)
		goto err_log;

	ftio_kobj = kobject_create_and_add("ftio", kernel_kobj);
	if (!ftio_kobj) {
		ret = -ENOMEM;
		goto err_nl;
	}
	ret = sysfs_create_groups(ftio_kobj, ftio_root_groups);
	if (ret)
		goto err_kobj;

	ftio_event_emit(NULL, FTIO_EVENT_CODE_MODULE_REGISTERED, NULL, "core",
			"ftio_core %s loaded, event ring of %u", FTIO_VERSION,
			ftio_log.size);
	return 0;

err_kobj:
	kobject_put(ftio_kobj);
err_nl:
	ftio_evlog_stop(&ftio_log);
	ftio_netlink_exit();
err_log:
	ftio_evlog_destroy(&ftio_log);
	return ret;
}

/*
 * The reverse of ftio_core_init(), with the log's delivery stopped first:
 * its work item multicasts on the family, so it must be idle before the
 * family goes; the family's handlers read the ring, so it is freed only
 * after genl_unregister_family() has waited for those in flight.
 */
static void __exit ftio_core_exit(void)
{
	sysfs_remove_groups(ftio_kobj, ftio_root_groups);
	kobject_put(ftio_kobj);
	ftio_evlog_stop(&ftio_log);
	ftio_netlink_exit();
	ftio_evlog_destroy(&ftio_log);
}

module_init(ftio_core_init);
module_exit(ftio_core_exit);

MODULE_DESCRIPTION("ftio core: event log, netlink family and sysfs root");
MODULE_AUTHOR("The ftio developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(FTIO_VERSION);
