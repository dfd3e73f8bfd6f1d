/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ftio_core: the in-kernel API that every other ftio module builds on.
 *
 * A module describes itself with a &struct ftio_module and registers it
 * with ftio_register_module(). Registration gives it a sysfs directory
 * under /sys/kernel/ftio/<name>/, its netlink command handlers in the one
 * "ftio" generic netlink family, and a source name for its events.
 *
 * Modules never call each other; they talk through the ftio notifier
 * chain (ftio_notifier_register(), ftio_notify()).
 */
#ifndef _FTIO_CORE_H
#define _FTIO_CORE_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/atomic.h>
#include <linux/notifier.h>
#include <linux/compiler_attributes.h>
#include <uapi/linux/ftio.h>

struct device;
struct kobject;
struct module;
struct attribute_group;
struct sk_buff;
struct genl_info;
struct netlink_callback;
struct netlink_ext_ack;

/* Lengths of the text fields of an event, terminating NUL included. */
#define FTIO_EVENT_SOURCE_LEN	16
#define FTIO_EVENT_OBJECT_LEN	64
#define FTIO_EVENT_MESSAGE_LEN	160

/**
 * struct ftio_nl_handler - a netlink command a module implements
 * @cmd: the FTIO_CMD_* value, one that ftio_core dispatches to modules
 * @doit: handler of a do request, or NULL
 * @start: called once before a dump, or NULL
 * @dumpit: handler of a dump request, or NULL
 * @done: called once after a dump, or NULL
 *
 * The family's policies live in ftio_core (generated from the YNL spec),
 * so attributes arrive validated, ranges included. Permissions come from
 * the spec too: ftio_core refuses a command marked admin-perm to a sender
 * without CAP_SYS_ADMIN before the handler runs, so handlers do not check.
 * While a dump runs, ftio_core holds a reference on the module that
 * implements it.
 */
struct ftio_nl_handler {
	u8 cmd;
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*start)(struct netlink_callback *cb);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*done)(struct netlink_callback *cb);
};

/**
 * ftio_nl_put() - start a message of the ftio family
 * @skb: the message buffer
 * @portid: destination port (the requester's, or 0)
 * @seq: sequence number to answer with
 * @flags: netlink flags (NLM_F_MULTI in dumps)
 * @cmd: FTIO_CMD_*
 *
 * For module handlers, which build their answers like core's own:
 * genlmsg_end() and genlmsg_reply() or the dump's return follow as usual.
 *
 * Return: the user header, or NULL if @skb is full.
 */
void *ftio_nl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags, u8 cmd);

/**
 * struct ftio_module - an ftio module as ftio_core knows it
 * @name: short name, also the event source and the sysfs directory
 *        (at most FTIO_EVENT_SOURCE_LEN - 1 characters, [a-z0-9_])
 * @version: version string shown by ``ftioctl version``
 * @owner: THIS_MODULE
 * @groups: attribute groups for /sys/kernel/ftio/<name>/, or NULL
 * @nl_handlers: netlink commands this module implements, or NULL
 * @n_nl_handlers: number of entries in @nl_handlers
 * @node: private to ftio_core
 * @kobj: private to ftio_core; use ftio_module_kobj()
 * @events: private to ftio_core: events emitted under this source
 */
struct ftio_module {
	const char *name;
	const char *version;
	struct module *owner;
	const struct attribute_group **groups;
	const struct ftio_nl_handler *nl_handlers;
	unsigned int n_nl_handlers;

	struct list_head node;
	struct kobject *kobj;
	atomic64_t events;
};

/**
 * ftio_register_module() - make a module known to ftio_core
 * @mod: the module's description; must stay valid until unregistered
 *
 * Creates /sys/kernel/ftio/<name>/ with @mod->groups, installs the
 * netlink handlers and emits a module-registered event.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a bad name or handler, -EEXIST if the name is
 * taken, -EBUSY if a command already has a handler, -ENOMEM.
 */
int ftio_register_module(struct ftio_module *mod);

/**
 * ftio_unregister_module() - undo ftio_register_module()
 * @mod: a registered module
 *
 * Removes the sysfs directory and the netlink handlers, waits until no
 * handler of @mod runs any more and emits a module-unregistered event.
 *
 * Context: process context, may sleep.
 */
void ftio_unregister_module(struct ftio_module *mod);

/**
 * ftio_module_kobj() - the sysfs directory of a registered module
 * @mod: a registered module
 *
 * Return: the kobject of /sys/kernel/ftio/<name>/, for modules that add
 * subdirectories of their own.
 */
struct kobject *ftio_module_kobj(const struct ftio_module *mod);

/**
 * ftio_event_emit() - record an event and tell the world
 * @src: emitting module, or NULL for ftio_core itself
 * @code: an FTIO_EVENT_CODE_* value from the catalogue
 * @dev: device the event concerns (gets a KOBJ_CHANGE uevent), or NULL
 * @object: name of the object concerned (path, slot, range), or NULL
 * @fmt: printf-style human-readable detail
 *
 * The event gets the next sequence number, the severity the catalogue
 * gives @code, both clocks, and a place in the bounded ring. Multicast on
 * the "events" group and the uevent follow from a work item, so this may
 * be called from any context, hard interrupts included. Text longer than
 * the event's fields is truncated.
 *
 * Return: the event's sequence number (never 0).
 */
__printf(5, 6)
u64 ftio_event_emit(const struct ftio_module *src, u32 code,
		    struct device *dev, const char *object,
		    const char *fmt, ...);

/**
 * ftio_event_code_name() - the catalogue name of an event code
 * @code: an FTIO_EVENT_CODE_* value
 *
 * Return: the stable name ("module-registered", ...) or NULL if @code is
 * not in the catalogue.
 */
const char *ftio_event_code_name(u32 code);

/**
 * enum ftio_notify_action - what a cross-module notification announces
 * @FTIO_NOTIFY_PREPARE_REMOVE: a device is about to be removed; stop using
 *	it. Return notifier_from_errno() to veto the removal.
 * @FTIO_NOTIFY_CANCEL_REMOVE: a prepared removal was vetoed; resume use.
 * @FTIO_NOTIFY_REMOVED: the device is gone.
 * @FTIO_NOTIFY_ONLINE: the device (back) in service.
 * @FTIO_NOTIFY_ISOLATED: the device was isolated after an error.
 */
enum ftio_notify_action {
	FTIO_NOTIFY_PREPARE_REMOVE = 1,
	FTIO_NOTIFY_CANCEL_REMOVE,
	FTIO_NOTIFY_REMOVED,
	FTIO_NOTIFY_ONLINE,
	FTIO_NOTIFY_ISOLATED,
};

/*
 * Notifier priorities: higher runs first. Before an adapter goes, paths
 * fail over (mpio) before the adapter's driver is quiesced (hardening).
 */
#define FTIO_NOTIFY_PRI_MPIO		300
#define FTIO_NOTIFY_PRI_HARDEN		200
#define FTIO_NOTIFY_PRI_DEFAULT		0

/**
 * struct ftio_notify_info - payload of an ftio notification
 * @dev: the device concerned
 * @source: name of the module that raised the notification
 * @reason: short human-readable reason, or NULL
 */
struct ftio_notify_info {
	struct device *dev;
	const char *source;
	const char *reason;
};

/**
 * ftio_notifier_register() - subscribe to ftio notifications
 * @nb: notifier block; @nb->priority orders the callbacks (higher first),
 *	see FTIO_NOTIFY_PRI_*
 *
 * Callbacks get an &enum ftio_notify_action and a &struct ftio_notify_info.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EEXIST (and a kernel warning) if @nb is already
 * registered.
 */
int ftio_notifier_register(struct notifier_block *nb);

/**
 * ftio_notifier_unregister() - undo ftio_notifier_register()
 * @nb: a registered notifier block
 *
 * Return: 0 or -ENOENT.
 */
int ftio_notifier_unregister(struct notifier_block *nb);

/**
 * ftio_notify() - raise a notification on the ftio chain
 * @action: an &enum ftio_notify_action
 * @info: what it concerns
 *
 * For FTIO_NOTIFY_PREPARE_REMOVE, any callback may veto; the callbacks
 * that had already accepted then get FTIO_NOTIFY_CANCEL_REMOVE, in the
 * same order, and the veto's error is returned.
 *
 * Context: process context, may sleep.
 * Return: 0, or the negative errno of the callback that vetoed.
 */
int ftio_notify(unsigned long action, struct ftio_notify_info *info);

#endif /* _FTIO_CORE_H */
