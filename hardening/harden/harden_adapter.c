// SPDX-License-Identifier: GPL-2.0
/*
 * The adapters under the shim, and their state machine:
 *
 *   online <-> degraded            (a non-fatal error, then resume)
 *   online/degraded -> isolated    (a fatal error, a storm, an operator)
 *   isolated -> online             (reset, the driver's reinit, resume)
 *   isolated -> failed             (reset budget spent, reinit failed)
 *   any -> removed                 (the device is gone)
 *
 * Taking an adapter down always goes the same way, under its lock: fence
 * (the accessors, DMA mappings and interrupts stop at once), wait for the
 * driver's interrupt handlers to finish, bus mastering off where the
 * device is still there, the driver's quiesce (once), then the shim
 * unmaps the DMA the driver left. Each change is an event and a
 * notification on the ftio chain (after the lock is dropped, so that a
 * subscriber may look at the adapter).
 */
#define pr_fmt(fmt) "ftio_harden: " fmt

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "harden.h"

static LIST_HEAD(ftio_hd_adapters);
static DEFINE_MUTEX(ftio_hd_adapters_lock);

static const char *const ftio_hd_state_names[] = {
	[FTIO_STATE_ONLINE] = "online",
	[FTIO_STATE_DEGRADED] = "degraded",
	[FTIO_STATE_ISOLATED] = "isolated",
	[FTIO_STATE_REMOVED] = "removed",
	[FTIO_STATE_FAILED] = "failed",
};

const char *ftio_hd_state_name(enum ftio_state s)
{
	return (unsigned int)s < ARRAY_SIZE(ftio_hd_state_names) ?
	       ftio_hd_state_names[s] : "unknown";
}

enum ftio_state ftio_adapter_state(const struct ftio_adapter *ad)
{
	return READ_ONCE(to_hd(ad)->state);
}
EXPORT_SYMBOL_GPL(ftio_adapter_state);

int ftio_adapter_errno(const struct ftio_adapter *ad)
{
	const struct ftio_hd_adapter *a = to_hd(ad);

	if (!ftio_adapter_fenced(ad))
		return 0;
	return READ_ONCE(a->gone) || READ_ONCE(a->state) == FTIO_STATE_REMOVED ?
	       -ENODEV : -EIO;
}
EXPORT_SYMBOL_GPL(ftio_adapter_errno);

static void ftio_hd_notify(struct ftio_hd_adapter *a, unsigned long action,
			   const char *reason)
{
	struct ftio_notify_info info = {
		.dev = a->dev,
		.source = ftio_hd_module.name,
		.reason = reason,
	};

	ftio_notify(action, &info);
}

/* The fence work: take the adapter where the fence said, in process context. */
static void ftio_hd_fence_work(struct work_struct *work)
{
	struct ftio_hd_adapter *a = container_of(work, struct ftio_hd_adapter,
						 fence_work);
	char reason[sizeof(a->reason)];
	enum ftio_state to;
	unsigned long flags;

	spin_lock_irqsave(&a->fence_lock, flags);
	to = a->pending_state;
	strscpy(reason, a->reason, sizeof(reason));
	spin_unlock_irqrestore(&a->fence_lock, flags);
	ftio_hd_take_down(a, to, reason);
}

/* The steps of taking down, under the adapter's lock; returns the old state. */
static enum ftio_state __ftio_hd_take_down(struct ftio_hd_adapter *a,
					   enum ftio_state to,
					   const char *reason)
{
	enum ftio_state was = a->state;

	lockdep_assert_held(&a->lock);
	/* A worse fence pending (the device gone) is left for its work. */
	ftio_hd_fence_mark(a, to, reason);
	ftio_hd_irqs_sync(a);
	/* A device still there stops its DMA before the driver is told. */
	if (!READ_ONCE(a->gone))
		a->bus->set_master(a, false);
	if (!a->quiesced) {
		a->ops->quiesce(&a->pub);
		a->quiesced = true;
	}
	ftio_hd_dma_revoke(a);
	WRITE_ONCE(a->state, to);
	if (ftio_hd_rank(was) < ftio_hd_rank(FTIO_STATE_ISOLATED))
		ftio_hd_count(a, FTIO_HD_ISOLATIONS);
	ftio_event_emit(&ftio_hd_module,
			to == FTIO_STATE_REMOVED ? FTIO_EVENT_CODE_COMPONENT_REMOVED :
						   FTIO_EVENT_CODE_COMPONENT_BROKEN,
			a->dev, a->name, "%s (%s): %s -> %s: %s", a->name, a->driver,
			ftio_hd_state_name(was), ftio_hd_state_name(to), reason);
	return was;
}

/**
 * ftio_hd_take_down() - fence an adapter and quiesce its driver
 * @a: the adapter
 * @to: isolated, failed or removed
 * @reason: why
 *
 * Context: process context, may sleep.
 * Return: 0, or -EALREADY if the adapter was fenced in a state at least
 * as bad (nothing is done).
 */
int ftio_hd_take_down(struct ftio_hd_adapter *a, enum ftio_state to,
		      const char *reason)
{
	mutex_lock(&a->lock);
	if (ftio_adapter_fenced(&a->pub) &&
	    ftio_hd_rank(a->state) >= ftio_hd_rank(to) &&
	    ftio_hd_rank(a->state) >= ftio_hd_rank(FTIO_STATE_ISOLATED)) {
		mutex_unlock(&a->lock);
		return -EALREADY;
	}
	__ftio_hd_take_down(a, to, reason);
	mutex_unlock(&a->lock);
	ftio_hd_notify(a, to == FTIO_STATE_REMOVED ? FTIO_NOTIFY_REMOVED :
						     FTIO_NOTIFY_ISOLATED, reason);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_take_down);

/**
 * ftio_hd_budget_left() - take one reset from the adapter's budget
 * @a: the adapter
 *
 * Return: false if reset_budget resets began within the last
 * reset_window_s seconds (none is taken), true otherwise (one is).
 */
bool ftio_hd_budget_left(struct ftio_hd_adapter *a)
{
	unsigned long now = jiffies, window;
	unsigned int i, used = 0, oldest = 0;
	bool ok;

	mutex_lock(&a->lock);
	window = (unsigned long)READ_ONCE(a->reset_window_s) * HZ;
	for (i = 0; i < FTIO_HD_MAX_BUDGET; i++) {
		unsigned long t = a->reset_times[i];

		if (t && time_before(now, t + window))
			used++;
		if (!t || time_before(t, a->reset_times[oldest]))
			oldest = i;
	}
	ok = used < READ_ONCE(a->reset_budget);
	if (ok)
		a->reset_times[oldest] = now ?: 1;
	mutex_unlock(&a->lock);
	return ok;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_budget_left);

/**
 * ftio_hd_bring_up() - lift the fence and have the driver reinitialise
 * @a: a fenced adapter whose device was just reset
 * @why: for the event should it fail
 *
 * Bus mastering goes back on, the fence is lifted and the driver's reinit
 * is called up to reinit_tries times, with a back-off of 100 ms doubled
 * each time (2 s at most). On success the adapter stays in its state
 * until ftio_hd_set_online(); on failure it is taken down as "failed".
 *
 * Context: process context, may sleep.
 * Return: 0, -EALREADY if it was not fenced, -ENODEV if it is gone or
 * leaving, or the error of the last reinit.
 */
int ftio_hd_bring_up(struct ftio_hd_adapter *a, const char *why)
{
	char reason[sizeof(a->reason)];
	unsigned int i, tries;
	unsigned long flags;
	int ret = 0;

	mutex_lock(&a->lock);
	if (a->leaving || a->state == FTIO_STATE_REMOVED) {
		mutex_unlock(&a->lock);
		return -ENODEV;
	}
	if (!ftio_adapter_fenced(&a->pub)) {
		mutex_unlock(&a->lock);
		return -EALREADY;
	}
	if (!a->bus->present(a)) {
		WRITE_ONCE(a->gone, true);
		__ftio_hd_take_down(a, FTIO_STATE_REMOVED, "device gone before reinit");
		mutex_unlock(&a->lock);
		ftio_hd_notify(a, FTIO_NOTIFY_REMOVED, "device gone before reinit");
		return -ENODEV;
	}
	a->bus->set_master(a, true);
	spin_lock_irqsave(&a->fence_lock, flags);
	a->pending_state = a->state;
	clear_bit(FTIO_ADAPTER_FENCED_BIT, &a->pub.io);
	spin_unlock_irqrestore(&a->fence_lock, flags);
	a->quiesced = false;

	tries = max(READ_ONCE(a->reinit_tries), 1U);
	for (i = 0; i < tries; i++) {
		if (i)
			msleep(min(100U << (i - 1), 2000U));
		ret = a->ops->reinit(&a->pub);
		if (!ret)
			break;
		ftio_hd_count(a, FTIO_HD_REINIT_FAILURES);
		/* The reinit found the device in trouble: no use trying again. */
		if (ftio_adapter_fenced(&a->pub))
			break;
	}
	if (ret) {
		snprintf(reason, sizeof(reason), "%s: reinit failed (%d) after %u tries",
			 why, ret, i + (i < tries));
		goto failed;
	}
	mutex_unlock(&a->lock);
	return 0;

failed:
	__ftio_hd_take_down(a, READ_ONCE(a->gone) ? FTIO_STATE_REMOVED :
						    FTIO_STATE_FAILED, reason);
	mutex_unlock(&a->lock);
	ftio_hd_notify(a, FTIO_NOTIFY_ISOLATED, reason);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_bring_up);

/**
 * ftio_hd_online() - an operator's "online": reset, reinit, in service
 * @a: a fenced adapter (isolated or failed)
 * @why: for the events
 *
 * The reset runs without the adapter's lock: the PCI core takes its own
 * locks for it, and holds them when it calls the shim's error handlers,
 * which take the adapter's lock. A failed reset changes nothing.
 *
 * Context: process context, may sleep.
 * Return: 0, -EALREADY if it is not fenced, -ENODEV if it is gone or
 * leaving, the reset's error, or that of the driver's last reinit.
 */
int ftio_hd_online(struct ftio_hd_adapter *a, const char *why)
{
	int ret;

	mutex_lock(&a->lock);
	ret = a->leaving || a->state == FTIO_STATE_REMOVED ? -ENODEV :
	      !ftio_adapter_fenced(&a->pub) ? -EALREADY : 0;
	mutex_unlock(&a->lock);
	if (ret)
		return ret;
	ftio_hd_count(a, FTIO_HD_RESETS);
	ret = a->bus->reset(a);
	if (ret)
		return ret;
	ret = ftio_hd_bring_up(a, why);
	if (!ret)
		ftio_hd_set_online(a, why);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_online);

/* A non-fatal error: the adapter stays in service, marked degraded. */
void ftio_hd_set_degraded(struct ftio_hd_adapter *a, const char *reason)
{
	mutex_lock(&a->lock);
	if (a->state == FTIO_STATE_ONLINE && !ftio_adapter_fenced(&a->pub)) {
		WRITE_ONCE(a->state, FTIO_STATE_DEGRADED);
		strscpy(a->reason, reason, sizeof(a->reason));
		ftio_event_emit(&ftio_hd_module, FTIO_EVENT_CODE_COMPONENT_DEGRADED,
				a->dev, a->name, "%s (%s): online -> degraded: %s",
				a->name, a->driver, reason);
	}
	mutex_unlock(&a->lock);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_set_degraded);

/* Back in service: after a bring-up, or a degraded adapter's resume. */
void ftio_hd_set_online(struct ftio_hd_adapter *a, const char *why)
{
	enum ftio_state was;

	mutex_lock(&a->lock);
	was = a->state;
	if (ftio_adapter_fenced(&a->pub) || was == FTIO_STATE_ONLINE) {
		mutex_unlock(&a->lock);
		return;
	}
	WRITE_ONCE(a->state, FTIO_STATE_ONLINE);
	ftio_event_emit(&ftio_hd_module, FTIO_EVENT_CODE_COMPONENT_FIXED, a->dev,
			a->name, "%s (%s): %s -> online: %s", a->name, a->driver,
			ftio_hd_state_name(was), why);
	mutex_unlock(&a->lock);
	if (was != FTIO_STATE_DEGRADED)
		ftio_hd_notify(a, FTIO_NOTIFY_ONLINE, why);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_set_online);

int ftio_adapter_isolate(struct ftio_adapter *ad, const char *reason)
{
	return ftio_hd_take_down(to_hd(ad), FTIO_STATE_ISOLATED, reason);
}
EXPORT_SYMBOL_GPL(ftio_adapter_isolate);

/* The adapter's last reference is gone (its kobject's release). */
void ftio_hd_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct ftio_hd_adapter, kobj));
}

/**
 * ftio_hd_create() - a new adapter, not yet known to anyone
 * @dev: the device
 * @name: its name (the PCI address)
 * @driver: the driver's name
 * @bus: the way down to it
 * @ops: the driver's operations (quiesce and reinit required)
 * @drvdata: for the driver
 *
 * Return: the adapter (online, with one reference), or an ERR_PTR().
 */
struct ftio_hd_adapter *ftio_hd_create(struct device *dev, const char *name,
				       const char *driver,
				       const struct ftio_hd_bus *bus,
				       const struct ftio_adapter_ops *ops,
				       void *drvdata)
{
	struct ftio_hd_adapter *a;
	int i;

	if (!ops || !ops->quiesce || !ops->reinit || !bus || !name)
		return ERR_PTR(-EINVAL);
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return ERR_PTR(-ENOMEM);
	a->pub.drvdata = drvdata;
	init_waitqueue_head(&a->pub.wait);
	a->ops = ops;
	a->bus = bus;
	a->dev = dev;
	strscpy(a->name, name, sizeof(a->name));
	strscpy(a->driver, driver ?: "-", sizeof(a->driver));
	kobject_init(&a->kobj, &ftio_hd_ktype);
	INIT_LIST_HEAD(&a->node);
	mutex_init(&a->lock);
	spin_lock_init(&a->fence_lock);
	spin_lock_init(&a->dma_lock);
	for (i = 0; i < FTIO_HD_DMA_BUCKETS; i++)
		INIT_HLIST_HEAD(&a->dma[i]);
	INIT_WORK(&a->fence_work, ftio_hd_fence_work);
	a->state = FTIO_STATE_ONLINE;
	a->pending_state = FTIO_STATE_ONLINE;
	a->reset_budget = 3;
	a->reset_window_s = 600;
	a->reinit_tries = 3;
	a->storm_threshold = 100000;
	return a;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_create);

void ftio_hd_put(struct ftio_hd_adapter *a)
{
	kobject_put(&a->kobj);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_put);

/**
 * ftio_hd_add() - make an adapter known: registry, sysfs, event
 * @a: from ftio_hd_create()
 *
 * Return: 0, -EEXIST if an adapter of that name or device is known, or
 * the error of sysfs.
 */
int ftio_hd_add(struct ftio_hd_adapter *a)
{
	struct ftio_hd_adapter *o;
	int ret;

	mutex_lock(&ftio_hd_adapters_lock);
	list_for_each_entry(o, &ftio_hd_adapters, node) {
		if (!strcmp(o->name, a->name) || (a->dev && o->dev == a->dev)) {
			mutex_unlock(&ftio_hd_adapters_lock);
			return -EEXIST;
		}
	}
	ret = kobject_add(&a->kobj, ftio_module_kobj(&ftio_hd_module), "%s", a->name);
	if (ret) {
		mutex_unlock(&ftio_hd_adapters_lock);
		return ret;
	}
	kobject_get(&a->kobj);		/* the registry's */
	list_add_tail(&a->node, &ftio_hd_adapters);
	mutex_unlock(&ftio_hd_adapters_lock);
	ftio_event_emit(&ftio_hd_module, FTIO_EVENT_CODE_COMPONENT_INSERTED, a->dev,
			a->name, "%s (%s): hardened, online", a->name, a->driver);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_add);

/**
 * ftio_hd_remove() - the adapter leaves the shim (its driver unbinds)
 * @a: an added adapter
 *
 * Fences it and quiesces the driver (again, if it was isolated: the
 * driver's quiesce also waits for its requests in progress), frees the
 * interrupts, unmaps what is left, and says whether the device is gone
 * or only its driver left. Never waits for the device. Drops the
 * registry's reference; the caller still holds its own.
 *
 * Context: process context, may sleep.
 */
void ftio_hd_remove(struct ftio_hd_adapter *a)
{
	enum ftio_state was;
	bool gone;

	mutex_lock(&ftio_hd_adapters_lock);
	list_del_init(&a->node);
	mutex_unlock(&ftio_hd_adapters_lock);

	mutex_lock(&a->lock);
	a->leaving = true;
	gone = READ_ONCE(a->gone) || !a->bus->present(a);
	WRITE_ONCE(a->gone, gone);
	was = a->state;
	/* Quiesced once more: no request of the driver outlives the adapter. */
	a->quiesced = false;
	if (was != FTIO_STATE_REMOVED)
		__ftio_hd_take_down(a, FTIO_STATE_REMOVED,
				    gone ? "device gone" : "driver unbound");
	else
		a->ops->quiesce(&a->pub);
	a->quiesced = true;
	ftio_hd_irqs_free(a);
	mutex_unlock(&a->lock);
	/* The last fence work, if any, finds the adapter removed. */
	cancel_work_sync(&a->fence_work);
	if (was != FTIO_STATE_REMOVED)
		ftio_hd_notify(a, FTIO_NOTIFY_REMOVED,
			       gone ? "device gone" : "driver unbound");
	kobject_del(&a->kobj);
	kobject_put(&a->kobj);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_remove);

static struct ftio_hd_adapter *ftio_hd_find(struct device *dev, const char *name)
{
	struct ftio_hd_adapter *a, *found = NULL;

	mutex_lock(&ftio_hd_adapters_lock);
	list_for_each_entry(a, &ftio_hd_adapters, node) {
		if ((dev && a->dev == dev) || (name && !strcmp(a->name, name))) {
			kobject_get(&a->kobj);
			found = a;
			break;
		}
	}
	mutex_unlock(&ftio_hd_adapters_lock);
	return found;
}

/* The adapter of @dev with a reference (ftio_hd_put()), or NULL. */
struct ftio_hd_adapter *ftio_hd_find_dev(struct device *dev)
{
	return ftio_hd_find(dev, NULL);
}

/* The adapter named @name with a reference (ftio_hd_put()), or NULL. */
struct ftio_hd_adapter *ftio_hd_find_name(const char *name)
{
	return ftio_hd_find(NULL, name);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_find_name);

void ftio_hd_adapters_exit(void)
{
	/* Drivers unregister their adapters before ftio_harden can go. */
	WARN_ON(!list_empty(&ftio_hd_adapters));
}
