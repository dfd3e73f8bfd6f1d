/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ftio_harden: the hardening shim for PCI drivers.
 *
 * A driver registers each adapter it drives with ftio_adapter_register()
 * and then touches the hardware only through the shim: MMIO with
 * ftio_readl() and friends, interrupts through ftio_adapter_request_irq(),
 * streaming DMA through ftio_dma_map_single(), waits for the device with
 * ftio_adapter_wait(). In return the shim gives the adapter the behaviour
 * of a fault-tolerant server's:
 *
 * - An adapter in trouble (an AER error, an all-ones read from a device
 *   that is gone, an interrupt storm, an administrator's "isolate") is
 *   fenced at once: the accessors stop touching it (reads give all-ones,
 *   writes are dropped), new DMA mappings fail, its interrupts are
 *   ignored, and every ftio_adapter_wait() returns. Then, in process
 *   context, bus mastering goes off, the driver's @quiesce completes what
 *   it had pending with an error, and the shim unmaps what DMA the driver
 *   left mapped.
 * - The PCI core's error recovery (AER, DPC) is handled for the driver:
 *   use ftio_adapter_err_handlers as the pci_driver's err_handler (or
 *   register with ftio_pci_register_driver(), which sets it). After a slot
 *   reset the driver's @reinit brings the device back, with a retry budget
 *   and back-off; past the budget the adapter is "failed" and stays fenced.
 * - Surprise removal is survived: the driver's remove() calls
 *   ftio_adapter_unregister(), which never waits for the device.
 * - Each change of state is an event (component-inserted, -broken,
 *   -fixed, -removed) and a notification on the ftio chain
 *   (FTIO_NOTIFY_ISOLATED, _ONLINE, _REMOVED) for mpio and hotplug.
 *
 * Documentation/dev-guide/hardening.rst walks through ftio_edu, a driver
 * written this way.
 */
#ifndef _FTIO_HARDEN_H
#define _FTIO_HARDEN_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <uapi/linux/ftio.h>

struct pci_dev;
struct pci_driver;
struct pci_error_handlers;
struct module;
struct firmware;
struct ftio_diag;

/* ftio_adapter::io: any bit set sends the accessors out of line. */
#define FTIO_ADAPTER_FENCED_BIT	0	/* no MMIO, no new DMA, no interrupts */
#define FTIO_ADAPTER_FAULTS_BIT	1	/* fault insertion armed */
#define FTIO_ADAPTER_FENCED	BIT(FTIO_ADAPTER_FENCED_BIT)
#define FTIO_ADAPTER_FAULTS	BIT(FTIO_ADAPTER_FAULTS_BIT)

/**
 * struct ftio_adapter - an adapter under the shim, as its driver sees it
 * @io: FTIO_ADAPTER_* bits, read by the inline accessors
 * @pdev: the PCI function
 * @drvdata: the driver's pointer, given to ftio_adapter_register()
 * @wait: where ftio_adapter_wait() sleeps; the driver's interrupt handler
 *	calls ftio_adapter_wake() after it recorded a completion
 *
 * The rest of the adapter is the shim's own.
 */
struct ftio_adapter {
	unsigned long io;
	struct pci_dev *pdev;
	void *drvdata;
	wait_queue_head_t wait;
};

/**
 * struct ftio_adapter_ops - what a hardened driver does for the shim
 * @quiesce: the adapter has been fenced (and, where the device is still
 *	there, bus mastering is off): complete every request pending in the
 *	driver with an error, wait for the requests in progress to end (they
 *	end soon: every ftio_adapter_wait() returns on a fence) and refuse
 *	new ones until @reinit. Must not touch the device or wait for it,
 *	nor call the shim's synchronous functions (ftio_adapter_isolate(),
 *	ftio_adapter_free_irq()): a request that finds trouble reports it
 *	with ftio_adapter_report_error(). Called again by
 *	ftio_adapter_unregister(), so that no request uses the adapter
 *	after it is gone. May sleep; cannot fail.
 * @reinit: the device was reset (config space restored, bus mastering
 *	on, the adapter no longer fenced): program it again. Return 0, or a
 *	negative errno to be retried (within the adapter's budget). May
 *	sleep.
 * @diag: optional: the driver's own checks while the adapter stays
 *	online, each reported with ftio_diag_report(). Return 0 or a negative
 *	errno if the checks could not run.
 * @fw_update: optional: write firmware image @fw to the device, called
 *	quiesced (fenced, nothing pending); @reinit follows. Validate the
 *	image first; on success put its version in @version (@len bytes).
 *	Return 0 or a negative errno: the adapter then stays isolated.
 */
struct ftio_adapter_ops {
	void (*quiesce)(struct ftio_adapter *ad);
	int (*reinit)(struct ftio_adapter *ad);
	int (*diag)(struct ftio_adapter *ad, struct ftio_diag *d);
	int (*fw_update)(struct ftio_adapter *ad, const struct firmware *fw,
			 char *version, size_t len);
};

/**
 * ftio_adapter_register() - put an adapter under the shim
 * @pdev: the PCI function, enabled, its BARs mapped, bus mastering on
 * @ops: the driver's operations; @quiesce and @reinit are required
 * @drvdata: the driver's pointer, kept in &ftio_adapter.drvdata
 *
 * Typically the last step of probe() before the device is offered to
 * users. Emits component-inserted.
 *
 * Context: process context, may sleep.
 * Return: the adapter, or an ERR_PTR(): -EINVAL for missing ops, -EEXIST
 * if @pdev is registered already, -ENOMEM.
 */
struct ftio_adapter *ftio_adapter_register(struct pci_dev *pdev,
					   const struct ftio_adapter_ops *ops,
					   void *drvdata);

/**
 * ftio_adapter_unregister() - take an adapter from the shim
 * @ad: a registered adapter
 *
 * From the driver's remove(), before it frees what @quiesce uses: fences
 * the adapter, calls the driver's @quiesce (again, if it was isolated),
 * frees the interrupts requested through the shim and unmaps the DMA the
 * driver left. Never waits for the device, so a surprise removal cannot hang
 * it. Emits component-removed when the device is gone.
 *
 * Context: process context, may sleep.
 */
void ftio_adapter_unregister(struct ftio_adapter *ad);

/*
 * The PCI error handlers of a hardened driver: error_detected fences and
 * quiesces, slot_reset reinitialises, resume brings the adapter online.
 */
extern const struct pci_error_handlers ftio_adapter_err_handlers;

int __ftio_pci_register_driver(struct pci_driver *drv, struct module *owner,
			       const char *mod_name);

/**
 * ftio_pci_register_driver() - pci_register_driver() for a hardened driver
 * @drv: the driver; its err_handler must be unset: the shim's is set
 *
 * Return: 0, -EINVAL if @drv has error handlers of its own, or what
 * pci_register_driver() returns.
 */
#define ftio_pci_register_driver(drv) \
	__ftio_pci_register_driver(drv, THIS_MODULE, KBUILD_MODNAME)

/**
 * ftio_adapter_state() - the adapter's state
 * @ad: a registered adapter
 *
 * Return: an &enum ftio_state.
 */
enum ftio_state ftio_adapter_state(const struct ftio_adapter *ad);

/**
 * ftio_adapter_fenced() - whether the shim keeps the driver off the device
 * @ad: a registered adapter
 *
 * Return: true while the adapter is isolated, failed or removed (or a
 * transition to one of those has begun).
 */
static inline bool ftio_adapter_fenced(const struct ftio_adapter *ad)
{
	return READ_ONCE(ad->io) & FTIO_ADAPTER_FENCED;
}

/**
 * ftio_adapter_errno() - the error for a request the adapter cannot serve
 * @ad: a registered adapter
 *
 * Return: -ENODEV once the device is gone, -EIO while it is fenced
 * otherwise, 0 when it is not fenced.
 */
int ftio_adapter_errno(const struct ftio_adapter *ad);

/**
 * ftio_adapter_isolate() - fence an adapter and quiesce its driver
 * @ad: a registered adapter
 * @reason: why, for the event and the adapter's last_reason
 *
 * What the shim does on an error, for a driver that sees trouble the shim
 * cannot (a command that never completes, a bad status word).
 *
 * Context: process context, may sleep.
 * Return: 0, or -EALREADY if the adapter was fenced.
 */
int ftio_adapter_isolate(struct ftio_adapter *ad, const char *reason);

/**
 * ftio_adapter_report_error() - the driver saw its adapter in trouble
 * @ad: a registered adapter
 * @reason: what it saw ("DMA did not complete in 1 s")
 *
 * Fences the adapter at once (every ftio_adapter_wait() returns) and has
 * it isolated from a work item: the way to isolate from a request, an
 * interrupt handler or any place the driver's @quiesce would wait for.
 *
 * Context: any.
 */
void ftio_adapter_report_error(struct ftio_adapter *ad, const char *reason);

/**
 * ftio_adapter_wake() - wake the waiters of ftio_adapter_wait()
 * @ad: a registered adapter
 *
 * Context: any, hard interrupts included.
 */
static inline void ftio_adapter_wake(struct ftio_adapter *ad)
{
	wake_up_all(&ad->wait);
}

/**
 * ftio_adapter_wait() - wait for the device, never longer than a deadline
 * @ad: a registered adapter
 * @cond: the condition waited for (evaluated several times)
 * @timeout: the deadline, in jiffies from now
 *
 * Sleeps until @cond holds, the adapter is fenced or @timeout passes,
 * whichever comes first; not interruptible, as the device may still be
 * at work on the driver's memory (a DMA). The driver's interrupt handler
 * wakes it with ftio_adapter_wake(); the shim does when it fences the
 * adapter.
 *
 * Context: process context.
 * Return: 0 if @cond holds, -ETIMEDOUT, or ftio_adapter_errno() if the
 * adapter was fenced first.
 */
#define ftio_adapter_wait(ad, cond, timeout) ({				\
	struct ftio_adapter *__ad = (ad);				\
	bool __met = false;						\
	long __ret = wait_event_timeout(__ad->wait,			\
			(__met = (cond)) || ftio_adapter_fenced(__ad),	\
			(timeout));					\
	__ftio_adapter_wait_result(__ad, __ret, __met);			\
})

/* What ftio_adapter_wait() returns, given how its wait ended. */
static inline int __ftio_adapter_wait_result(const struct ftio_adapter *ad,
					     long ret, bool met)
{
	if (met)
		return 0;
	return ftio_adapter_fenced(ad) ? ftio_adapter_errno(ad) : -ETIMEDOUT;
}

/* Out of line: a fenced adapter, fault insertion, or an all-ones value. */
u64 __ftio_read_slow(struct ftio_adapter *ad, const void __iomem *addr,
		     unsigned int width);
u64 __ftio_read_ones(struct ftio_adapter *ad, u64 val);
void __ftio_write_slow(struct ftio_adapter *ad, u64 val,
		       void __iomem *addr, unsigned int width);

/*
 * ftio_readb/w/l/q() - MMIO read through the shim. A fenced adapter is not
 * touched: the read gives all-ones. An all-ones value from the device is
 * checked through config space; if the device is gone, the adapter moves
 * to "removed" and the read gives all-ones. So all-ones with
 * ftio_adapter_fenced() true means the value is not the device's.
 *
 * ftio_writeb/w/l/q() - MMIO write through the shim, dropped (and
 * counted) while the adapter is fenced.
 *
 * Context: any.
 */
#define FTIO_DEFINE_ACCESSORS(sfx, type)				\
static __always_inline type ftio_read##sfx(struct ftio_adapter *ad,	\
					   const void __iomem *addr) \
{									\
	type v;								\
									\
	if (unlikely(READ_ONCE(ad->io)))				\
		return (type)__ftio_read_slow(ad, addr, sizeof(type));		\
	v = read##sfx(addr);						\
	if (unlikely(v == (type)~0ULL))					\
		return (type)__ftio_read_ones(ad, v);			\
	return v;							\
}									\
static __always_inline void ftio_write##sfx(struct ftio_adapter *ad,	\
					    type v,			\
					    void __iomem *addr) \
{									\
	if (unlikely(READ_ONCE(ad->io)))				\
		__ftio_write_slow(ad, v, addr, sizeof(type));			\
	else								\
		write##sfx(v, addr);					\
}

FTIO_DEFINE_ACCESSORS(b, u8)
FTIO_DEFINE_ACCESSORS(w, u16)
FTIO_DEFINE_ACCESSORS(l, u32)
#ifdef readq
FTIO_DEFINE_ACCESSORS(q, u64)
#endif

/**
 * ftio_adapter_request_irq() - request an interrupt through the shim
 * @ad: a registered adapter
 * @nr: the vector's index, as for pci_irq_vector(), below
 *	FTIO_ADAPTER_MAX_IRQS
 * @handler: the driver's handler
 * @name: for /proc/interrupts
 * @dev_id: given to @handler
 *
 * The shim's handler returns IRQ_NONE for a fenced adapter without
 * calling @handler, and isolates the adapter on an interrupt storm (more
 * than the storm threshold in one second).
 *
 * Context: process context.
 * Return: 0 or a negative errno (-EINVAL, -EBUSY if @nr is taken, or
 * request_irq()'s).
 */
int ftio_adapter_request_irq(struct ftio_adapter *ad, unsigned int nr,
			     irq_handler_t handler, const char *name,
			     void *dev_id);

/**
 * ftio_adapter_free_irq() - free an interrupt of ftio_adapter_request_irq()
 * @ad: a registered adapter
 * @nr: the vector's index
 *
 * ftio_adapter_unregister() frees those that are left.
 *
 * Context: process context.
 */
void ftio_adapter_free_irq(struct ftio_adapter *ad, unsigned int nr);

#define FTIO_ADAPTER_MAX_IRQS	4

/**
 * ftio_dma_map_single() - dma_map_single() through the shim
 * @ad: a registered adapter
 * @ptr: the buffer
 * @size: its length
 * @dir: the direction
 *
 * The mapping is tracked (its record allocated under the pool tag "Hdma",
 * so that ftioctl pool shows the live mappings of all adapters) so that
 * the shim can unmap it when the adapter is isolated or unregistered.
 *
 * Context: any.
 * Return: the bus address, or DMA_MAPPING_ERROR (test with
 * dma_mapping_error()) when the adapter is fenced, the mapping or its
 * record failed, or fault insertion said so.
 */
dma_addr_t ftio_dma_map_single(struct ftio_adapter *ad, void *ptr, size_t size,
			       enum dma_data_direction dir);

/**
 * ftio_dma_unmap_single() - undo ftio_dma_map_single()
 * @ad: a registered adapter
 * @addr: the bus address
 * @size: the length mapped
 * @dir: the direction mapped
 *
 * A mapping the shim already unmapped (on isolation) is ignored, so a
 * driver unmaps what it mapped without knowing what happened meanwhile.
 * Unmapping an address that was never mapped through the shim is counted
 * and warned about once.
 *
 * Context: any.
 */
void ftio_dma_unmap_single(struct ftio_adapter *ad, dma_addr_t addr,
			   size_t size, enum dma_data_direction dir);

/**
 * ftio_diag_report() - one result of a diagnostic check
 * @d: the diagnosis under way (from the @diag hook's argument)
 * @check: the check's short name ("liveness", "link")
 * @passed: its verdict
 * @fmt: printf-style detail
 */
__printf(4, 5)
void ftio_diag_report(struct ftio_diag *d, const char *check, bool passed,
		      const char *fmt, ...);

#endif /* _FTIO_HARDEN_H */
