/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ftio_harden internals, shared by its files and its KUnit suite.
 *
 * Files call downwards: harden_pci.c (the PCI glue: registration, error
 * handlers, the bus operations of a real function) and harden_sysfs.c
 * use harden_adapter.c (the registry and the state machine), which uses
 * harden_io.c (accessors, interrupts, DMA tracking, and the fence itself,
 * which any context may raise: it queues the adapter's fence work, the
 * state machine's function). The bus operations are the one way down to
 * the device, so the KUnit suite drives everything with a fake bus.
 */
#ifndef _FTIO_HARDEN_INTERNAL_H
#define _FTIO_HARDEN_INTERNAL_H

#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <ftio/core.h>
#include <ftio/harden.h>

struct ftio_hd_adapter;

/**
 * struct ftio_hd_bus - the shim's way down to a device
 * @present: whether the device still answers (its vendor id reads back)
 * @set_master: bus mastering on or off
 * @reset: reset the function and restore its config space (bus
 *	mastering as it was saved); 0 or a negative errno. May sleep.
 * @dma_map: map a buffer for the device, as dma_map_single()
 * @dma_unmap: undo @dma_map
 * @irq: the Linux interrupt number of vector @nr, or a negative errno
 */
struct ftio_hd_bus {
	bool (*present)(struct ftio_hd_adapter *a);
	void (*set_master)(struct ftio_hd_adapter *a, bool on);
	int (*reset)(struct ftio_hd_adapter *a);
	dma_addr_t (*dma_map)(struct ftio_hd_adapter *a, void *ptr, size_t size,
			      enum dma_data_direction dir);
	void (*dma_unmap)(struct ftio_hd_adapter *a, dma_addr_t addr, size_t size,
			  enum dma_data_direction dir);
	int (*irq)(struct ftio_hd_adapter *a, unsigned int nr);
};

/* One interrupt vector requested through the shim. */
struct ftio_hd_irq {
	struct ftio_hd_adapter *a;
	irq_handler_t handler;
	void *dev_id;
	int irq;		/* 0: not requested */
	unsigned long window;	/* storm detection: start of this second */
	unsigned int count;	/* interrupts in it */
};

/* Counters of an adapter, shown in sysfs. */
enum ftio_hd_counter {
	FTIO_HD_READS_FENCED,	/* reads not made: the adapter was fenced */
	FTIO_HD_WRITES_DROPPED,	/* writes not made, likewise */
	FTIO_HD_ONES_CHECKED,	/* all-ones reads checked in config space */
	FTIO_HD_DMA_MAPS,	/* mappings made */
	FTIO_HD_DMA_REFUSED,	/* mappings refused (fenced, failed, fault) */
	FTIO_HD_DMA_REVOKED,	/* mappings the shim unmapped for the driver */
	FTIO_HD_DMA_UNKNOWN,	/* unmaps of an address the shim did not map */
	FTIO_HD_IRQS,		/* interrupts passed to the driver */
	FTIO_HD_IRQS_IGNORED,	/* interrupts of a fenced adapter */
	FTIO_HD_ISOLATIONS,	/* times the adapter was fenced */
	FTIO_HD_RESETS,		/* resets (AER slot resets, online actions) */
	FTIO_HD_REINIT_FAILURES,/* calls of the driver's reinit that failed */
	FTIO_HD_NR_COUNTERS
};

#define FTIO_HD_DMA_BUCKETS	64

/**
 * struct ftio_hd_adapter - an adapter under the shim
 * @pub: what the driver sees
 * @ops: the driver's operations
 * @bus: the way down to the device
 * @bus_data: the bus's own (PCI: the config space saved at registration
 *	and after each recovery, which a reset restores)
 * @dev: the device, for events and notifications
 * @name: its name (the PCI address)
 * @driver: the driver's name
 * @kobj: /sys/kernel/ftio/harden/<name>/; its reference count is the
 *	adapter's
 * @node: in the registry
 * @lock: serialises transitions, the driver's quiesce and reinit
 * @state: &enum ftio_state, written under @lock
 * @quiesced: the driver's quiesce ran since its last reinit
 * @gone: the device no longer answers (or fault insertion says so)
 * @leaving: unregistering: no transition may start
 * @resetting: the shim resets the function itself (the PCI core's reset
 *	handlers then leave it alone)
 * @fence_lock: protects @pending_state and @reason, which a fence may
 *	write from any context
 * @pending_state: what the fence work is to do (set with the fence)
 * @reason: why the adapter was last taken down, for sysfs and events
 * @fence_work: the process-context half of a fence raised in any context
 * @reset_budget: resets allowed within @reset_window_s before "failed"
 * @reset_window_s: the budget's window, in seconds
 * @reset_times: when the last resets of the window began (jiffies)
 * @reinit_tries: calls of reinit per recovery before it fails
 * @storm_threshold: interrupts in a second that make a storm
 * @dma_lock: protects @dma and @dma_live
 * @dma: live mappings, hashed by bus address
 * @dma_live: their number
 * @irqs: the vectors requested through the shim
 * @counters: &enum ftio_hd_counter
 */
struct ftio_hd_adapter {
	struct ftio_adapter pub;
	const struct ftio_adapter_ops *ops;
	const struct ftio_hd_bus *bus;
	void *bus_data;
	struct device *dev;
	char name[32];
	char driver[32];
	struct kobject kobj;
	struct list_head node;

	struct mutex lock;		/* transitions, quiesce, reinit */
	enum ftio_state state;
	bool quiesced;
	bool gone;
	bool leaving;
	bool resetting;
	spinlock_t fence_lock;		/* pending_state, reason */
	enum ftio_state pending_state;
	char reason[96];
	struct work_struct fence_work;

	unsigned int reset_budget;
	unsigned int reset_window_s;
	unsigned long reset_times[8];
	unsigned int reinit_tries;
	unsigned int storm_threshold;

	spinlock_t dma_lock;		/* dma, dma_live */
	struct hlist_head dma[FTIO_HD_DMA_BUCKETS];
	unsigned long dma_live;

	struct ftio_hd_irq irqs[FTIO_ADAPTER_MAX_IRQS];
	atomic64_t counters[FTIO_HD_NR_COUNTERS];
};

static inline struct ftio_hd_adapter *to_hd(const struct ftio_adapter *ad)
{
	return container_of((struct ftio_adapter *)ad, struct ftio_hd_adapter, pub);
}

static inline void ftio_hd_count(struct ftio_hd_adapter *a, enum ftio_hd_counter c)
{
	atomic64_inc(&a->counters[c]);
}

/* How bad a state is: a fence and a take-down only ever make it worse. */
static inline int ftio_hd_rank(enum ftio_state s)
{
	static const u8 rank[] = {
		[FTIO_STATE_ONLINE] = 0, [FTIO_STATE_DEGRADED] = 1,
		[FTIO_STATE_ISOLATED] = 2, [FTIO_STATE_FAILED] = 3,
		[FTIO_STATE_REMOVED] = 4,
	};

	return (unsigned int)s < ARRAY_SIZE(rank) ? rank[s] : 0;
}

#define FTIO_HD_MAX_BUDGET	ARRAY_SIZE(((struct ftio_hd_adapter *)0)->reset_times)

extern struct ftio_module ftio_hd_module;

/* harden_adapter.c: the registry and the state machine */
struct ftio_hd_adapter *ftio_hd_create(struct device *dev, const char *name,
				       const char *driver,
				       const struct ftio_hd_bus *bus,
				       const struct ftio_adapter_ops *ops,
				       void *drvdata);
int ftio_hd_add(struct ftio_hd_adapter *a);
void ftio_hd_remove(struct ftio_hd_adapter *a);
struct ftio_hd_adapter *ftio_hd_find_dev(struct device *dev);
struct ftio_hd_adapter *ftio_hd_find_name(const char *name);
void ftio_hd_put(struct ftio_hd_adapter *a);
void ftio_hd_release(struct kobject *kobj);
int ftio_hd_take_down(struct ftio_hd_adapter *a, enum ftio_state to,
		      const char *reason);
int ftio_hd_bring_up(struct ftio_hd_adapter *a, const char *why);
int ftio_hd_online(struct ftio_hd_adapter *a, const char *why);
bool ftio_hd_budget_left(struct ftio_hd_adapter *a);
void ftio_hd_set_degraded(struct ftio_hd_adapter *a, const char *reason);
void ftio_hd_set_online(struct ftio_hd_adapter *a, const char *why);
const char *ftio_hd_state_name(enum ftio_state s);
void ftio_hd_adapters_exit(void);

/* harden_io.c: the fence, and what it does to interrupts and DMA */
bool ftio_hd_fence_mark(struct ftio_hd_adapter *a, enum ftio_state to,
			const char *reason);
bool ftio_hd_fence(struct ftio_hd_adapter *a, enum ftio_state to,
		   const char *reason);
void ftio_hd_irqs_sync(struct ftio_hd_adapter *a);
void ftio_hd_irqs_free(struct ftio_hd_adapter *a);
void ftio_hd_dma_revoke(struct ftio_hd_adapter *a);
irqreturn_t ftio_hd_irq_handler(int irq, void *data);
int ftio_hd_io_init(void);
void ftio_hd_io_exit(void);

/* harden_sysfs.c: the adapter's directory */
extern const struct kobj_type ftio_hd_ktype;

#endif /* _FTIO_HARDEN_INTERNAL_H */
