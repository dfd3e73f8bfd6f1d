// SPDX-License-Identifier: GPL-2.0
/*
 * ftio_pooltag: the pool-tagging allocator. Registers with ftio_core
 * (sysfs /sys/kernel/ftio/pool/, the pool-get and pool-set commands),
 * checks departing modules for leaks, and explains oopses that hit a
 * special-pool guard page or a freed special-pool object.
 */
#define pr_fmt(fmt) "ftio_pooltag: " fmt

#include <linux/kdebug.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <asm/special_insns.h>
#include <kunit/visibility.h>

#include "pooltag.h"

struct ftio_module ftio_pt_module = {
	.name = "pool",
	.version = FTIO_VERSION,
	.owner = THIS_MODULE,
	.groups = ftio_pt_groups,
	.nl_handlers = ftio_pt_nl_handlers,
	.n_nl_handlers = ARRAY_SIZE(ftio_pt_nl_handlers),
};
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_module);

static int ftio_pt_module_event(struct notifier_block *nb, unsigned long state,
				void *data)
{
	if (state == MODULE_STATE_GOING)
		ftio_pt_leak_check(data, NULL, 0);
	return NOTIFY_DONE;
}

static struct notifier_block ftio_pt_module_nb = {
	.notifier_call = ftio_pt_module_event,
};

/* An oops on a special-pool guard page or freed object: say whose. */
static int ftio_pt_die_event(struct notifier_block *nb, unsigned long val,
			     void *data)
{
	/*
	 * A guard page or freed object faults: on x86 CR2 holds the
	 * address. Elsewhere the special pool still faults on its guard
	 * pages, but the oops is not explained (the admin guide says so).
	 */
#ifdef CONFIG_X86
	char buf[256];

	if (val == DIE_OOPS && ftio_pt_describe(read_cr2(), buf, sizeof(buf)))
		pr_emerg("%s\n", buf + strlen("ftio_pooltag: "));
#endif
	return NOTIFY_DONE;
}

static struct notifier_block ftio_pt_die_nb = {
	.notifier_call = ftio_pt_die_event,
};

static int __init ftio_pt_init(void)
{
	int ret;

	ret = ftio_pt_tags_init();
	if (ret)
		return ret;
	ret = ftio_pt_records_init();
	if (ret)
		goto err_tags;
	ret = register_module_notifier(&ftio_pt_module_nb);
	if (ret)
		goto err_records;
	ret = register_die_notifier(&ftio_pt_die_nb);
	if (ret)
		goto err_modnb;
	ret = ftio_register_module(&ftio_pt_module);
	if (ret)
		goto err_dienb;
	return 0;

err_dienb:
	unregister_die_notifier(&ftio_pt_die_nb);
err_modnb:
	unregister_module_notifier(&ftio_pt_module_nb);
err_records:
	ftio_pt_records_exit();
err_tags:
	ftio_pt_tags_exit();
	return ret;
}

static void __exit ftio_pt_exit(void)
{
	ftio_unregister_module(&ftio_pt_module);
	unregister_die_notifier(&ftio_pt_die_nb);
	unregister_module_notifier(&ftio_pt_module_nb);
	ftio_pt_records_exit();
	ftio_pt_tags_exit();
}

module_init(ftio_pt_init);
module_exit(ftio_pt_exit);

MODULE_DESCRIPTION("ftio pool-tagging allocator");
MODULE_AUTHOR("The ftio developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(FTIO_VERSION);
