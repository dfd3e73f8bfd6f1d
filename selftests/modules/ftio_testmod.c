// SPDX-License-Identifier: GPL-2.0
/*
 * ftio_testmod: a test helper for the ftio test bed, never shipped.
 *
 * It registers with ftio_core as module "testmod" and owns a platform
 * device, and lets tests act through debugfs (/sys/kernel/debug/ftio_testmod/):
 *
 *   emit     write "CODE [COUNT]" to emit COUNT events of CODE (object
 *            "testmod0"); with the device, so each raises a uevent
 *   burst    write N to emit N operator-note events as fast as possible
 *   warn     write 1 to provoke a kernel WARN (tests the runner's detector)
 *   leak     write SIZE to allocate SIZE bytes eight times and forget them
 *            (kmemleak reports, for the runner's tests)
 *   hang     write SECONDS (at most 600) to sleep that long in
 *            uninterruptible state (a hung-task report)
 *   oob      write 1 to read one byte past a kmalloc()ed object (a KASAN
 *            report; refused with -EOPNOTSUPP on a kernel without KASAN)
 *   alloc    write "TAG SIZE COUNT": allocate COUNT objects under TAG
 *            through ftio_pooltag and hold them
 *   free     write "TAG": free the objects held under TAG
 *   mismatch write "TAG OTHER": allocate under TAG, free under OTHER
 *   badfree  write "TAG": free under TAG memory it never handed out
 *
 * Objects still held at unload are freed, unless the module parameter
 * leak_on_unload is set: then they are left for ftio_pooltag's leak
 * report.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/uaccess.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <ftio/core.h>
#include <ftio/pooltag.h>

#define TM_NODE_TAG FTIO_TAG('T', 'n', 'o', 'd')

static bool leak_on_unload;
module_param(leak_on_unload, bool, 0644);
MODULE_PARM_DESC(leak_on_unload, "Leave held objects behind at unload");

/* An object held on behalf of a test. */
struct tm_obj {
	struct list_head node;
	u32 tag;
	void *mem;
};

static LIST_HEAD(tm_objs);
static DEFINE_MUTEX(tm_lock);

static struct platform_device *tm_pdev;
static struct dentry *tm_dir;

static struct ftio_module tm_module = {
	.name = "testmod",
	.version = "test",
	.owner = THIS_MODULE,
};

static int tm_parse(const char __user *ubuf, size_t len, u32 *a, u32 *b)
{
	char buf[32];
	int n;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	*b = 1;
	n = sscanf(buf, "%u %u", a, b);
	return n >= 1 ? 0 : -EINVAL;
}

static ssize_t emit_write(struct file *f, const char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	u32 code, count, i;
	int ret = tm_parse(ubuf, len, &code, &count);

	if (ret)
		return ret;
	if (!ftio_event_code_name(code) || count > 100000)
		return -EINVAL;
	for (i = 0; i < count; i++)
		ftio_event_emit(&tm_module, code, &tm_pdev->dev, "testmod0",
				"test event %u of %u", i + 1, count);
	return len;
}

static ssize_t burst_write(struct file *f, const char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	u32 count, unused, i;
	int ret = tm_parse(ubuf, len, &count, &unused);

	if (ret)
		return ret;
	if (count > 1000000)
		return -EINVAL;
	for (i = 0; i < count; i++)
		ftio_event_emit(&tm_module, FTIO_EVENT_CODE_OPERATOR_NOTE, NULL,
				"testmod0", "burst %u of %u", i + 1, count);
	return len;
}

static ssize_t warn_write(struct file *f, const char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	WARN(1, "ftio_testmod: WARN provoked on purpose\n");
	return len;
}

/*
 * Allocate @size bytes eight times and forget them, on purpose: kmemleak
 * must find them. Several, because a copy of a pointer may stay where no
 * scrub here reaches it: an interrupt that came while it was in a
 * register saves it on the IRQ stack, a per-CPU area kmemleak scans.
 * With the debug kernel's voluntary preemption one object in four was
 * seen kept alive that way, once all four of a run.
 */
#define TM_LEAKS 8
static noinline bool tm_leak(u32 size)
{
	int i;

	for (i = 0; i < TM_LEAKS; i++) {
		char *p = kmalloc(size, GFP_KERNEL);

		if (!p)
			return false;
		memset(p, 0x5a, size);
		OPTIMIZER_HIDE_VAR(p);
	}
	return true;
}

/*
 * Overwrite about @depth * 384 bytes of the stack below the caller, where
 * tm_leak() and the allocator under it left copies of the pointer:
 * kmemleak scans kernel stacks (a task's that exited is cached, not
 * cleared) and a stale copy there counts as a reference. The allocator
 * goes deep on a debug kernel (kmemleak and KASAN save stack traces):
 * the caller scrubs half of the stack. The recursive call comes first,
 * so that each frame stays while the next is made.
 */
static noinline void tm_scrub_stack(unsigned int depth)
{
	char buf[384];

	if (depth)
		tm_scrub_stack(depth - 1);
	memzero_explicit(buf, sizeof(buf));
}

static ssize_t leak_write(struct file *f, const char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	u32 size, unused;
	int ret = tm_parse(ubuf, len, &size, &unused);
	bool leaked;

	if (ret)
		return ret;
	if (!size || size > PAGE_SIZE)
		return -EINVAL;
	leaked = tm_leak(size);
	tm_scrub_stack(THREAD_SIZE / 2 / 512);
	return leaked ? len : -ENOMEM;
}

static ssize_t hang_write(struct file *f, const char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	u32 secs, unused;
	int ret = tm_parse(ubuf, len, &secs, &unused);

	if (ret)
		return ret;
	if (secs > 600)
		return -EINVAL;
	schedule_timeout_uninterruptible(secs * HZ);
	return len;
}

static ssize_t oob_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	char *p;

	if (!IS_ENABLED(CONFIG_KASAN))
		return -EOPNOTSUPP;
	p = kmalloc(16, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	pr_info("ftio_testmod: reading past an object on purpose: %d\n", READ_ONCE(p[16]));
	kfree(p);
	return len;
}

/* Parse "TAG [N [M]]"; the tag is four characters. */
static int tm_parse_tag(const char __user *ubuf, size_t len, u32 *tag,
			char *rest, size_t restlen)
{
	char buf[64];

	if (len >= sizeof(buf) || len < 4)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	*tag = FTIO_TAG(buf[0], buf[1], buf[2], buf[3]);
	if (!ftio_pool_tag_valid(*tag))
		return -EINVAL;
	strscpy(rest, buf + 4, restlen);
	return 0;
}

static ssize_t alloc_write(struct file *f, const char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	u32 tag, size, count, i;
	char rest[60];
	int ret = tm_parse_tag(ubuf, len, &tag, rest, sizeof(rest));

	if (ret)
		return ret;
	if (sscanf(rest, "%u %u", &size, &count) != 2 || count > 100000)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		struct tm_obj *o = ftio_pool_alloc(sizeof(*o), GFP_KERNEL, TM_NODE_TAG);

		if (!o)
			return -ENOMEM;
		o->tag = tag;
		o->mem = ftio_pool_alloc(size, GFP_KERNEL, tag);
		if (!o->mem) {
			ftio_pool_free(o, TM_NODE_TAG);
			return -ENOMEM;
		}
		mutex_lock(&tm_lock);
		list_add_tail(&o->node, &tm_objs);
		mutex_unlock(&tm_lock);
	}
	return len;
}

static void tm_free_held(u32 tag, bool all)
{
	struct tm_obj *o, *tmp;

	mutex_lock(&tm_lock);
	list_for_each_entry_safe(o, tmp, &tm_objs, node) {
		if (!all && o->tag != tag)
			continue;
		list_del(&o->node);
		ftio_pool_free(o->mem, o->tag);
		ftio_pool_free(o, TM_NODE_TAG);
	}
	mutex_unlock(&tm_lock);
}

static ssize_t free_write(struct file *f, const char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	char rest[60];
	u32 tag;
	int ret = tm_parse_tag(ubuf, len, &tag, rest, sizeof(rest));

	if (ret)
		return ret;
	tm_free_held(tag, false);
	return len;
}

static ssize_t mismatch_write(struct file *f, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	char rest[60];
	u32 tag, other;
	void *p;
	int ret = tm_parse_tag(ubuf, len, &tag, rest, sizeof(rest));

	if (ret)
		return ret;
	if (strlen(rest) < 5)
		return -EINVAL;
	other = FTIO_TAG(rest[1], rest[2], rest[3], rest[4]);
	p = ftio_pool_alloc(64, GFP_KERNEL, tag);
	if (!p)
		return -ENOMEM;
	ftio_pool_free(p, other);
	return len;
}

static ssize_t badfree_write(struct file *f, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char rest[60];
	void *foreign;
	u32 tag;
	int ret = tm_parse_tag(ubuf, len, &tag, rest, sizeof(rest));

	if (ret)
		return ret;
	foreign = kmalloc(64, GFP_KERNEL);
	if (!foreign)
		return -ENOMEM;
	ftio_pool_free(foreign, tag);	/* refused when tracking is on */
	kfree(foreign);
	return len;
}

static const struct file_operations alloc_fops = {
	.owner = THIS_MODULE,
	.write = alloc_write,
};

static const struct file_operations free_fops = {
	.owner = THIS_MODULE,
	.write = free_write,
};

static const struct file_operations mismatch_fops = {
	.owner = THIS_MODULE,
	.write = mismatch_write,
};

static const struct file_operations badfree_fops = {
	.owner = THIS_MODULE,
	.write = badfree_write,
};

static const struct file_operations emit_fops = {
	.owner = THIS_MODULE,
	.write = emit_write,
};

static const struct file_operations burst_fops = {
	.owner = THIS_MODULE,
	.write = burst_write,
};

static const struct file_operations warn_fops = {
	.owner = THIS_MODULE,
	.write = warn_write,
};

static const struct file_operations leak_fops = {
	.owner = THIS_MODULE,
	.write = leak_write,
};

static const struct file_operations hang_fops = {
	.owner = THIS_MODULE,
	.write = hang_write,
};

static const struct file_operations oob_fops = {
	.owner = THIS_MODULE,
	.write = oob_write,
};

static int __init tm_init(void)
{
	int ret;

	tm_pdev = platform_device_register_simple("ftio_testmod", -1, NULL, 0);
	if (IS_ERR(tm_pdev))
		return PTR_ERR(tm_pdev);
	ret = ftio_register_module(&tm_module);
	if (ret) {
		platform_device_unregister(tm_pdev);
		return ret;
	}
	tm_dir = debugfs_create_dir("ftio_testmod", NULL);
	debugfs_create_file("emit", 0200, tm_dir, NULL, &emit_fops);
	debugfs_create_file("burst", 0200, tm_dir, NULL, &burst_fops);
	debugfs_create_file("warn", 0200, tm_dir, NULL, &warn_fops);
	debugfs_create_file("leak", 0200, tm_dir, NULL, &leak_fops);
	debugfs_create_file("hang", 0200, tm_dir, NULL, &hang_fops);
	debugfs_create_file("oob", 0200, tm_dir, NULL, &oob_fops);
	debugfs_create_file("alloc", 0200, tm_dir, NULL, &alloc_fops);
	debugfs_create_file("free", 0200, tm_dir, NULL, &free_fops);
	debugfs_create_file("mismatch", 0200, tm_dir, NULL, &mismatch_fops);
	debugfs_create_file("badfree", 0200, tm_dir, NULL, &badfree_fops);
	ftio_pool_tag_describe(TM_NODE_TAG, "ftio_testmod bookkeeping");
	return 0;
}

static void __exit tm_exit(void)
{
	debugfs_remove_recursive(tm_dir);
	if (!leak_on_unload)
		tm_free_held(0, true);
	ftio_unregister_module(&tm_module);
	platform_device_unregister(tm_pdev);
}

module_init(tm_init);
module_exit(tm_exit);
MODULE_DESCRIPTION("ftio test helper (not for production)");
MODULE_LICENSE("GPL");
