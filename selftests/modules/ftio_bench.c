// SPDX-License-Identifier: GPL-2.0
/*
 * ftio_bench: in-kernel microbenchmarks for make bench, never shipped.
 *
 * Write "NAME ITERATIONS" to /sys/kernel/debug/ftio_bench/run; read the
 * same file for "NAME ns_per_op reference_ns_per_op". Each benchmark
 * measures ftio against a reference measured in the same call, so only
 * the ratio matters on a noisy emulated machine.
 *
 *   events   ftio_event_emit() against the floor of any event log: a
 *            spinlock-protected copy of a record of the same size into a
 *            ring
 */
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <ftio/core.h>

static struct dentry *fb_dir;
static char fb_result[128];
static DEFINE_MUTEX(fb_lock);
static DEFINE_SPINLOCK(fb_ref_lock);

static struct ftio_module fb_module = {
	.name = "bench",
	.version = "test",
	.owner = THIS_MODULE,
};

/* The reference: what a minimal ring of event records costs. */
struct fb_rec {
	u64 seq, t1, t2;
	u32 code, sev;
	char text[FTIO_EVENT_SOURCE_LEN + FTIO_EVENT_OBJECT_LEN +
		  FTIO_EVENT_MESSAGE_LEN];
};

static void fb_events(u32 n, u64 *ns_ftio, u64 *ns_ref)
{
	struct fb_rec *ring = kcalloc(1024, sizeof(*ring), GFP_KERNEL);
	unsigned long flags;
	u64 seq = 0, t;
	u32 i;

	if (!ring)
		return;
	t = ktime_get_ns();
	for (i = 0; i < n; i++) {
		char msg[FTIO_EVENT_MESSAGE_LEN];
		struct fb_rec *r;

		snprintf(msg, sizeof(msg), "bench event %u", i);
		spin_lock_irqsave(&fb_ref_lock, flags);
		r = &ring[seq++ & 1023];
		r->seq = seq;
		r->t1 = ktime_get_real_ns();
		r->t2 = ktime_get_boottime_ns();
		r->code = FTIO_EVENT_CODE_OPERATOR_NOTE;
		r->sev = FTIO_SEVERITY_DEBUG;
		strscpy(r->text, msg, sizeof(r->text));
		spin_unlock_irqrestore(&fb_ref_lock, flags);
	}
	*ns_ref = (ktime_get_ns() - t) / n;

	t = ktime_get_ns();
	for (i = 0; i < n; i++)
		ftio_event_emit(&fb_module, FTIO_EVENT_CODE_OPERATOR_NOTE, NULL,
				"bench0", "bench event %u", i);
	*ns_ftio = (ktime_get_ns() - t) / n;
	kfree(ring);
}

static ssize_t run_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	char buf[64], name[16];
	u64 a = 0, b = 0;
	u32 n;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%15s %u", name, &n) != 2 || !n || n > 10000000)
		return -EINVAL;
	mutex_lock(&fb_lock);
	if (!strcmp(name, "events")) {
		fb_events(n, &a, &b);
	} else {
		mutex_unlock(&fb_lock);
		return -EINVAL;
	}
	snprintf(fb_result, sizeof(fb_result), "%s %llu %llu\n", name, a, b);
	mutex_unlock(&fb_lock);
	return len;
}

static ssize_t run_read(struct file *f, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&fb_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, fb_result,
				      strlen(fb_result));
	mutex_unlock(&fb_lock);
	return ret;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.read = run_read,
	.write = run_write,
};

static int __init fb_init(void)
{
	int ret = ftio_register_module(&fb_module);

	if (ret)
		return ret;
	fb_dir = debugfs_create_dir("ftio_bench", NULL);
	debugfs_create_file("run", 0600, fb_dir, NULL, &run_fops);
	return 0;
}

static void __exit fb_exit(void)
{
	debugfs_remove_recursive(fb_dir);
	ftio_unregister_module(&fb_module);
}

module_init(fb_init);
module_exit(fb_exit);
MODULE_DESCRIPTION("ftio microbenchmarks (not for production)");
MODULE_LICENSE("GPL");
