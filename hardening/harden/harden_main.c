// SPDX-License-Identifier: GPL-2.0
/*
 * ftio_harden: the hardening shim for PCI drivers (include/ftio/harden.h).
 * Registers with ftio_core as "harden"; each adapter a driver registers
 * gets /sys/kernel/ftio/harden/<PCI address>/.
 */
#define pr_fmt(fmt) "ftio_harden: " fmt

#include <linux/module.h>
#include <kunit/visibility.h>

#include "harden.h"

struct ftio_module ftio_hd_module = {
	.name = "harden",
	.version = FTIO_VERSION,
	.owner = THIS_MODULE,
};
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_module);

static int __init ftio_hd_init(void)
{
	int ret;

	ret = ftio_hd_io_init();
	if (ret)
		return ret;
	ret = ftio_register_module(&ftio_hd_module);
	if (ret)
		goto err_io;
	return 0;

err_io:
	ftio_hd_io_exit();
	return ret;
}

static void __exit ftio_hd_exit(void)
{
	ftio_hd_adapters_exit();
	ftio_unregister_module(&ftio_hd_module);
	ftio_hd_io_exit();
}

module_init(ftio_hd_init);
module_exit(ftio_hd_exit);

MODULE_DESCRIPTION("ftio hardening shim for PCI drivers");
MODULE_AUTHOR("The ftio developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(FTIO_VERSION);
