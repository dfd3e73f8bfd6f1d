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
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/uaccess.h>
#include <ftio/core.h>

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
	return 0;
}

static void __exit tm_exit(void)
{
	debugfs_remove_recursive(tm_dir);
	ftio_unregister_module(&tm_module);
	platform_device_unregister(tm_pdev);
}

module_init(tm_init);
module_exit(tm_exit);
MODULE_DESCRIPTION("ftio test helper (not for production)");
MODULE_LICENSE("GPL");
