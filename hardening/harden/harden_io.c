// SPDX-License-Identifier: GPL-2.0
/*
 * The fence, and what the shim does between a driver and its device: the
 * accessors' slow paths, the interrupt trampoline, DMA mapping tracking.
 *
 * A fence can be raised in any context (an all-ones read in an interrupt
 * handler, an interrupt storm): it sets FTIO_ADAPTER_FENCED, so that from
 * then on no accessor touches the device, no mapping is made and no
 * interrupt reaches the driver, wakes every ftio_adapter_wait(), and
 * queues the adapter's fence work, which takes the adapter down in
 * process context (harden_adapter.c).
 */
#define pr_fmt(fmt) "ftio_harden: " fmt

#include <linux/hash.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/string.h>
#include <ftio/pooltag.h>
#include <kunit/visibility.h>

#include "harden.h"

/* The records of live mappings, so that ftioctl pool shows them. */
#define FTIO_HD_DMA_TAG		FTIO_TAG('H', 'd', 'm', 'a')

struct ftio_hd_map {
	struct hlist_node node;
	dma_addr_t addr;
	size_t size;
	enum dma_data_direction dir;
};

static struct ftio_pool_cache *ftio_hd_map_cache;

/**
 * ftio_hd_fence_mark() - fence an adapter now
 * @a: the adapter
 * @to: the state it is to be taken to (isolated, failed or removed)
 * @reason: why, for the event and sysfs
 *
 * Sets the fence and wakes every waiter. The first fence, or one with a
 * worse state than the one pending (the device turned out to be gone),
 * sets the pending state and the reason; a milder one never replaces
 * them.
 *
 * Context: any.
 * Return: true if this call fenced the adapter, false if it was fenced.
 */
bool ftio_hd_fence_mark(struct ftio_hd_adapter *a, enum ftio_state to,
			const char *reason)
{
	unsigned long flags;
	bool first;

	spin_lock_irqsave(&a->fence_lock, flags);
	first = !test_and_set_bit(FTIO_ADAPTER_FENCED_BIT, &a->pub.io);
	if (first || ftio_hd_rank(to) > ftio_hd_rank(a->pending_state)) {
		a->pending_state = to;
		strscpy(a->reason, reason, sizeof(a->reason));
	}
	spin_unlock_irqrestore(&a->fence_lock, flags);
	wake_up_all(&a->pub.wait);
	return first;
}

/**
 * ftio_hd_fence() - fence an adapter now, take it down soon
 * @a: the adapter
 * @to: the state to take it to (isolated, failed or removed)
 * @reason: why, for the event and sysfs
 *
 * ftio_hd_fence_mark(), then the fence work takes the adapter down to the
 * pending state in process context.
 *
 * Context: any.
 * Return: true if this call fenced the adapter, false if it was fenced.
 */
bool ftio_hd_fence(struct ftio_hd_adapter *a, enum ftio_state to,
		   const char *reason)
{
	bool first = ftio_hd_fence_mark(a, to, reason);

	queue_work(system_wq, &a->fence_work);
	return first;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_fence);

void ftio_adapter_report_error(struct ftio_adapter *ad, const char *reason)
{
	ftio_hd_fence(to_hd(ad), FTIO_STATE_ISOLATED, reason);
}
EXPORT_SYMBOL_GPL(ftio_adapter_report_error);

static u64 ftio_hd_ones(unsigned int width)
{
	return width >= 8 ? ~0ULL : (1ULL << (width * 8)) - 1;
}

u64 __ftio_read_ones(struct ftio_adapter *ad, u64 val)
{
	struct ftio_hd_adapter *a = to_hd(ad);

	ftio_hd_count(a, FTIO_HD_ONES_CHECKED);
	if (!a->bus->present(a)) {
		WRITE_ONCE(a->gone, true);
		ftio_hd_fence(a, FTIO_STATE_REMOVED,
			      "device gone: an MMIO read and its vendor id gave all-ones");
	}
	return val;
}
EXPORT_SYMBOL_GPL(__ftio_read_ones);

static u64 ftio_hd_raw_read(const void __iomem *addr, unsigned int width)
{
	switch (width) {
	case 1:
		return readb(addr);
	case 2:
		return readw(addr);
	case 4:
		return readl(addr);
#ifdef readq
	case 8:
		return readq(addr);
#endif
	}
	return ~0ULL;
}

u64 __ftio_read_slow(struct ftio_adapter *ad, const void __iomem *addr,
		     unsigned int width)
{
	struct ftio_hd_adapter *a = to_hd(ad);
	u64 ones = ftio_hd_ones(width), v;

	if (ftio_adapter_fenced(ad)) {
		ftio_hd_count(a, FTIO_HD_READS_FENCED);
		return ones;
	}
	v = ftio_hd_raw_read(addr, width);
	return v == ones ? __ftio_read_ones(ad, v) : v;
}
EXPORT_SYMBOL_GPL(__ftio_read_slow);

void __ftio_write_slow(struct ftio_adapter *ad, u64 val,
		       void __iomem *addr, unsigned int width)
{
	if (ftio_adapter_fenced(ad)) {
		ftio_hd_count(to_hd(ad), FTIO_HD_WRITES_DROPPED);
		return;
	}
	switch (width) {
	case 1:
		writeb(val, addr);
		break;
	case 2:
		writew(val, addr);
		break;
	case 4:
		writel(val, addr);
		break;
#ifdef writeq
	case 8:
		writeq(val, addr);
		break;
#endif
	}
}
EXPORT_SYMBOL_GPL(__ftio_write_slow);

/*
 * The handler the shim requests for a vector: a fenced adapter's
 * interrupts are not the driver's business (IRQ_NONE, so that a level
 * interrupt that keeps coming gets its line disabled by the kernel), and
 * more than storm_threshold in a second isolate the adapter.
 */
irqreturn_t ftio_hd_irq_handler(int irq, void *data)
{
	struct ftio_hd_irq *v = data;
	struct ftio_hd_adapter *a = v->a;
	unsigned int threshold = READ_ONCE(a->storm_threshold);

	if (ftio_adapter_fenced(&a->pub)) {
		ftio_hd_count(a, FTIO_HD_IRQS_IGNORED);
		return IRQ_NONE;
	}
	if (time_after(jiffies, v->window + HZ)) {
		v->window = jiffies;
		v->count = 0;
	}
	if (threshold && ++v->count > threshold) {
		char why[64];

		snprintf(why, sizeof(why),
			 "interrupt storm: more than %u interrupts in a second",
			 threshold);
		ftio_hd_fence(a, FTIO_STATE_ISOLATED, why);
		ftio_hd_count(a, FTIO_HD_IRQS_IGNORED);
		return IRQ_NONE;
	}
	ftio_hd_count(a, FTIO_HD_IRQS);
	return v->handler(irq, v->dev_id);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_irq_handler);

int ftio_adapter_request_irq(struct ftio_adapter *ad, unsigned int nr,
			     irq_handler_t handler, const char *name,
			     void *dev_id)
{
	struct ftio_hd_adapter *a = to_hd(ad);
	struct ftio_hd_irq *v;
	int irq, ret;

	if (nr >= FTIO_ADAPTER_MAX_IRQS || !handler)
		return -EINVAL;
	mutex_lock(&a->lock);
	v = &a->irqs[nr];
	ret = -EBUSY;
	if (v->irq)
		goto out;
	irq = a->bus->irq(a, nr);
	ret = irq;
	if (irq <= 0)
		goto out;
	v->a = a;
	v->handler = handler;
	v->dev_id = dev_id;
	v->window = jiffies;
	v->count = 0;
	ret = request_irq(irq, ftio_hd_irq_handler, 0, name, v);
	if (!ret)
		v->irq = irq;
out:
	mutex_unlock(&a->lock);
	return ret < 0 ? ret : 0;
}
EXPORT_SYMBOL_GPL(ftio_adapter_request_irq);

void ftio_adapter_free_irq(struct ftio_adapter *ad, unsigned int nr)
{
	struct ftio_hd_adapter *a = to_hd(ad);
	struct ftio_hd_irq *v;

	if (WARN_ON(nr >= FTIO_ADAPTER_MAX_IRQS))
		return;
	mutex_lock(&a->lock);
	v = &a->irqs[nr];
	if (v->irq) {
		free_irq(v->irq, v);
		v->irq = 0;
	}
	mutex_unlock(&a->lock);
}
EXPORT_SYMBOL_GPL(ftio_adapter_free_irq);

/* No driver handler of @a runs any more once this returns (a fenced). */
void ftio_hd_irqs_sync(struct ftio_hd_adapter *a)
{
	int i;

	lockdep_assert_held(&a->lock);
	for (i = 0; i < FTIO_ADAPTER_MAX_IRQS; i++)
		if (a->irqs[i].irq)
			synchronize_irq(a->irqs[i].irq);
}

void ftio_hd_irqs_free(struct ftio_hd_adapter *a)
{
	int i;

	lockdep_assert_held(&a->lock);
	for (i = 0; i < FTIO_ADAPTER_MAX_IRQS; i++) {
		if (a->irqs[i].irq) {
			free_irq(a->irqs[i].irq, &a->irqs[i]);
			a->irqs[i].irq = 0;
		}
	}
}

static struct hlist_head *ftio_hd_bucket(struct ftio_hd_adapter *a, dma_addr_t addr)
{
	return &a->dma[hash_64(addr, ilog2(FTIO_HD_DMA_BUCKETS))];
}

dma_addr_t ftio_dma_map_single(struct ftio_adapter *ad, void *ptr, size_t size,
			       enum dma_data_direction dir)
{
	struct ftio_hd_adapter *a = to_hd(ad);
	struct ftio_hd_map *m;
	unsigned long flags;
	dma_addr_t addr;

	if (unlikely(ftio_adapter_fenced(ad)))
		goto refused;
	m = ftio_pool_cache_alloc(ftio_hd_map_cache, GFP_ATOMIC);
	if (unlikely(!m))
		goto refused;
	addr = a->bus->dma_map(a, ptr, size, dir);
	if (unlikely(addr == DMA_MAPPING_ERROR))
		goto free;
	m->addr = addr;
	m->size = size;
	m->dir = dir;
	spin_lock_irqsave(&a->dma_lock, flags);
	/* A fence since the first look: its revocation may have run. */
	if (unlikely(ftio_adapter_fenced(ad))) {
		spin_unlock_irqrestore(&a->dma_lock, flags);
		a->bus->dma_unmap(a, addr, size, dir);
		goto free;
	}
	hlist_add_head(&m->node, ftio_hd_bucket(a, addr));
	a->dma_live++;
	spin_unlock_irqrestore(&a->dma_lock, flags);
	ftio_hd_count(a, FTIO_HD_DMA_MAPS);
	return addr;
free:
	ftio_pool_cache_free(ftio_hd_map_cache, m);
refused:
	ftio_hd_count(a, FTIO_HD_DMA_REFUSED);
	return DMA_MAPPING_ERROR;
}
EXPORT_SYMBOL_GPL(ftio_dma_map_single);

void ftio_dma_unmap_single(struct ftio_adapter *ad, dma_addr_t addr,
			   size_t size, enum dma_data_direction dir)
{
	struct ftio_hd_adapter *a = to_hd(ad);
	struct ftio_hd_map *m, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&a->dma_lock, flags);
	hlist_for_each_entry(m, ftio_hd_bucket(a, addr), node) {
		if (m->addr == addr && m->size == size && m->dir == dir) {
			hlist_del(&m->node);
			a->dma_live--;
			found = m;
			break;
		}
	}
	spin_unlock_irqrestore(&a->dma_lock, flags);
	if (!found) {
		/* Revoked by the shim, or a driver bug if nothing was. */
		ftio_hd_count(a, FTIO_HD_DMA_UNKNOWN);
		if (!atomic64_read(&a->counters[FTIO_HD_DMA_REVOKED]))
			dev_warn_once(a->dev, "unmap of %pad (%zu bytes) that the shim never mapped\n",
				      &addr, size);
		return;
	}
	a->bus->dma_unmap(a, addr, size, dir);
	ftio_pool_cache_free(ftio_hd_map_cache, found);
}
EXPORT_SYMBOL_GPL(ftio_dma_unmap_single);

/*
 * Unmap what the driver left mapped: called with the adapter fenced (no
 * mapping can be added any more), bus mastering off and the driver
 * quiesced, or when it unregisters.
 */
void ftio_hd_dma_revoke(struct ftio_hd_adapter *a)
{
	struct ftio_hd_map *m;
	struct hlist_node *tmp;
	unsigned long flags;
	HLIST_HEAD(gone);
	int i;

	spin_lock_irqsave(&a->dma_lock, flags);
	for (i = 0; i < FTIO_HD_DMA_BUCKETS; i++)
		hlist_for_each_entry_safe(m, tmp, &a->dma[i], node) {
			hlist_del(&m->node);
			hlist_add_head(&m->node, &gone);
		}
	a->dma_live = 0;
	spin_unlock_irqrestore(&a->dma_lock, flags);
	hlist_for_each_entry_safe(m, tmp, &gone, node) {
		hlist_del(&m->node);
		a->bus->dma_unmap(a, m->addr, m->size, m->dir);
		ftio_pool_cache_free(ftio_hd_map_cache, m);
		ftio_hd_count(a, FTIO_HD_DMA_REVOKED);
	}
}
EXPORT_SYMBOL_IF_KUNIT(ftio_hd_dma_revoke);

int ftio_hd_io_init(void)
{
	ftio_pool_tag_describe(FTIO_HD_DMA_TAG,
			       "ftio_harden: records of live DMA mappings");
	ftio_hd_map_cache = ftio_pool_cache_create("ftio_harden_dma",
						   sizeof(struct ftio_hd_map), 0,
						   FTIO_HD_DMA_TAG);
	return ftio_hd_map_cache ? 0 : -ENOMEM;
}

void ftio_hd_io_exit(void)
{
	ftio_pool_cache_destroy(ftio_hd_map_cache);
}
