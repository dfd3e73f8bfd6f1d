// SPDX-License-Identifier: GPL-2.0
/*
 * The ftio notifier chain: how ftio modules tell each other about a
 * device without calling each other. Callbacks run in priority order
 * (FTIO_NOTIFY_PRI_*), higher first.
 */
#include <linux/notifier.h>
#include <linux/export.h>

#include "internal.h"

static BLOCKING_NOTIFIER_HEAD(ftio_chain);

int ftio_notifier_register(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&ftio_chain, nb);
}
EXPORT_SYMBOL_GPL(ftio_notifier_register);

int ftio_notifier_unregister(struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&ftio_chain, nb);
}
EXPORT_SYMBOL_GPL(ftio_notifier_unregister);

int ftio_notify(unsigned long action, struct ftio_notify_info *info)
{
	int ret;

	if (action == FTIO_NOTIFY_PREPARE_REMOVE)
		ret = blocking_notifier_call_chain_robust(&ftio_chain,
							  FTIO_NOTIFY_PREPARE_REMOVE,
							  FTIO_NOTIFY_CANCEL_REMOVE,
							  info);
	else
		ret = blocking_notifier_call_chain(&ftio_chain, action, info);
	return notifier_to_errno(ret);
}
EXPORT_SYMBOL_GPL(ftio_notify);
