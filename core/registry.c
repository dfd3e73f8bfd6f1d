// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of ftio modules: their sysfs directories under
 * /sys/kernel/ftio and the table that routes netlink commands of the one
 * "ftio" family to the module that implements them.
 */
#include <linux/ctype.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sysfs.h>
#include <kunit/visibility.h>

#include "internal.h"

static DEFINE_MUTEX(ftio_registry_lock);
static LIST_HEAD(ftio_modules);
static unsigned int ftio_nmodules;

/* Indexed by FTIO_CMD_*; an entry is published and retired under RCU. */
static struct ftio_module __rcu *ftio_nl_owner[FTIO_CMD_MAX + 1];
static const struct ftio_nl_handler __rcu *ftio_nl_table[FTIO_CMD_MAX + 1];

/* Commands ftio_core serves itself; no module may claim them. */
static bool ftio_nl_cmd_is_core(u8 cmd)
{
	switch (cmd) {
	case FTIO_CMD_CORE_GET:
	case FTIO_CMD_EVENT_GET:
	case FTIO_CMD_EVENT_POST:
	case FTIO_CMD_CATALOGUE_GET:
	case FTIO_CMD_EVENT_NTF:
		return true;
	default:
		return false;
	}
}

static bool ftio_module_name_ok(const char *name)
{
	size_t len = name ? strlen(name) : 0;
	size_t i;

	if (!len || len >= FTIO_EVENT_SOURCE_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!islower(name[i]) && !isdigit(name[i]) && name[i] != '_')
			return false;
	/* Names of ftio_core's own entries in /sys/kernel/ftio. */
	return strcmp(name, "events") && strcmp(name, "version") &&
	       strcmp(name, "core");
}

/**
 * ftio_nl_handler_check() - validate a module's netlink handlers
 * @mod: the module about to register
 *
 * Context: ftio_registry_lock held (or a KUnit test with its own table).
 * Return: 0, -EINVAL for a malformed handler, -EBUSY for a command that
 * is core's or already handled.
 */
int ftio_nl_handler_check(const struct ftio_module *mod)
{
	unsigned int i, j;

	if (mod->n_nl_handlers && !mod->nl_handlers)
		return -EINVAL;
	for (i = 0; i < mod->n_nl_handlers; i++) {
		const struct ftio_nl_handler *h = &mod->nl_handlers[i];

		if (!h->cmd || h->cmd > FTIO_CMD_MAX)
			return -EINVAL;
		if (!h->doit && !h->dumpit)
			return -EINVAL;
		if (ftio_nl_cmd_is_core(h->cmd))
			return -EBUSY;
		if (rcu_access_pointer(ftio_nl_table[h->cmd]))
			return -EBUSY;
		for (j = 0; j < i; j++)
			if (mod->nl_handlers[j].cmd == h->cmd)
				return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_nl_handler_check);

/**
 * ftio_nl_handler_get() - find who handles a command and pin its module
 * @cmd: FTIO_CMD_*
 * @owner: set to the module to module_put() when the caller is done
 *
 * Return: the handler, or NULL if no loaded module handles @cmd.
 */
const struct ftio_nl_handler *ftio_nl_handler_get(u8 cmd, struct module **owner)
{
	const struct ftio_nl_handler *h = NULL;
	struct ftio_module *mod;

	if (cmd > FTIO_CMD_MAX)
		return NULL;
	rcu_read_lock();
	mod = rcu_dereference(ftio_nl_owner[cmd]);
	if (mod && try_module_get(mod->owner)) {
		h = rcu_dereference(ftio_nl_table[cmd]);
		*owner = mod->owner;
		if (!h)
			module_put(mod->owner);
	}
	rcu_read_unlock();
	return h;
}

/* The kernel module's name ("ftio_pooltag"), else the ftio name. */
static const char *ftio_module_kname(const struct ftio_module *mod)
{
	return mod->owner ? module_name(mod->owner) : mod->name;
}

int ftio_register_module(struct ftio_module *mod)
{
	struct ftio_module *m;
	unsigned int i;
	int ret;

	if (!mod || !ftio_module_name_ok(mod->name))
		return -EINVAL;

	mutex_lock(&ftio_registry_lock);
	list_for_each_entry(m, &ftio_modules, node) {
		if (!strcmp(m->name, mod->name)) {
			ret = -EEXIST;
			goto unlock;
		}
	}
	ret = ftio_nl_handler_check(mod);
	if (ret)
		goto unlock;

	mod->kobj = kobject_create_and_add(mod->name, ftio_kobj);
	if (!mod->kobj) {
		ret = -ENOMEM;
		goto unlock;
	}
	if (mod->groups) {
		ret = sysfs_create_groups(mod->kobj, mod->groups);
		if (ret) {
			kobject_put(mod->kobj);
			mod->kobj = NULL;
			goto unlock;
		}
	}
	atomic64_set(&mod->events, 0);
	for (i = 0; i < mod->n_nl_handlers; i++) {
		u8 cmd = mod->nl_handlers[i].cmd;

		rcu_assign_pointer(ftio_nl_table[cmd], &mod->nl_handlers[i]);
		rcu_assign_pointer(ftio_nl_owner[cmd], mod);
	}
	list_add_tail(&mod->node, &ftio_modules);
	ftio_nmodules++;
unlock:
	mutex_unlock(&ftio_registry_lock);
	if (!ret)
		ftio_event_emit(NULL, FTIO_EVENT_CODE_MODULE_REGISTERED, NULL,
				mod->name, "%s %s registered",
				ftio_module_kname(mod),
				mod->version ? mod->version : "");
	return ret;
}
EXPORT_SYMBOL_GPL(ftio_register_module);

void ftio_unregister_module(struct ftio_module *mod)
{
	unsigned int i;

	mutex_lock(&ftio_registry_lock);
	for (i = 0; i < mod->n_nl_handlers; i++) {
		u8 cmd = mod->nl_handlers[i].cmd;

		RCU_INIT_POINTER(ftio_nl_owner[cmd], NULL);
		RCU_INIT_POINTER(ftio_nl_table[cmd], NULL);
	}
	list_del(&mod->node);
	ftio_nmodules--;
	mutex_unlock(&ftio_registry_lock);
	synchronize_rcu();

	if (mod->groups)
		sysfs_remove_groups(mod->kobj, mod->groups);
	kobject_put(mod->kobj);
	mod->kobj = NULL;
	ftio_event_emit(NULL, FTIO_EVENT_CODE_MODULE_UNREGISTERED, NULL,
			mod->name, "%s unregistered after %lld events",
			ftio_module_kname(mod), atomic64_read(&mod->events));
}
EXPORT_SYMBOL_GPL(ftio_unregister_module);

struct kobject *ftio_module_kobj(const struct ftio_module *mod)
{
	return mod->kobj;
}
EXPORT_SYMBOL_GPL(ftio_module_kobj);

unsigned int ftio_module_count(void)
{
	unsigned int n;

	mutex_lock(&ftio_registry_lock);
	n = ftio_nmodules;
	mutex_unlock(&ftio_registry_lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_module_count);

/**
 * ftio_module_for_each() - call @fn for each registered module in order
 * @fn: callback; a non-zero return stops the walk and is returned
 * @arg: passed to @fn
 *
 * Context: may sleep; @fn runs with the registry locked.
 * Return: 0 or what @fn returned.
 */
int ftio_module_for_each(int (*fn)(const struct ftio_module *mod, void *arg),
			 void *arg)
{
	const struct ftio_module *m;
	int ret = 0;

	mutex_lock(&ftio_registry_lock);
	list_for_each_entry(m, &ftio_modules, node) {
		ret = fn(m, arg);
		if (ret)
			break;
	}
	mutex_unlock(&ftio_registry_lock);
	return ret;
}
