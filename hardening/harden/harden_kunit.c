// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of ftio_harden with a fake bus: the accessors (MMIO is a
 * buffer in memory), the fence from any context, waits that end on a
 * fence, DMA tracking and revocation, the interrupt trampoline and its
 * storm detection, the state machine (take down, bring up with retries,
 * the reset budget, removal) and its events and notifications.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/workqueue.h>

#include "harden.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* A device as the fake bus sees it, and what the driver's ops saw. */
struct fake {
	struct ftio_hd_adapter *a;
	struct device *dev;
	bool removed;		/* ftio_hd_remove() done */
	bool present;
	bool master;
	int resets;
	int reset_ret;
	int quiesces;
	int reinits;
	int reinit_failures;	/* reinit fails this many more times */
	dma_addr_t next;
	int maps, unmaps;
	bool map_fails;
	int irqs;		/* the driver's handler ran */
	int out_of_order;	/* quiesce or reinit called in the wrong state */
	struct kunit *test;
	u32 mmio[4];
	/* notifications about this adapter */
	int n_isolated, n_removed, n_online;
};

static struct fake *hd_current;

static struct fake *fake_of(struct ftio_hd_adapter *a)
{
	return a->pub.drvdata;
}

static bool fake_present(struct ftio_hd_adapter *a)
{
	return fake_of(a)->present;
}

static void fake_set_master(struct ftio_hd_adapter *a, bool on)
{
	fake_of(a)->master = on;
}

static int fake_reset(struct ftio_hd_adapter *a)
{
	fake_of(a)->resets++;
	return fake_of(a)->reset_ret;
}

static dma_addr_t fake_dma_map(struct ftio_hd_adapter *a, void *ptr, size_t size,
			       enum dma_data_direction dir)
{
	struct fake *f = fake_of(a);

	if (f->map_fails)
		return DMA_MAPPING_ERROR;
	f->maps++;
	f->next += 0x1000;
	return f->next;
}

static void fake_dma_unmap(struct ftio_hd_adapter *a, dma_addr_t addr, size_t size,
			   enum dma_data_direction dir)
{
	fake_of(a)->unmaps++;
}

static int fake_irq(struct ftio_hd_adapter *a, unsigned int nr)
{
	return -ENXIO;
}

static const struct ftio_hd_bus fake_bus = {
	.present = fake_present,
	.set_master = fake_set_master,
	.reset = fake_reset,
	.dma_map = fake_dma_map,
	.dma_unmap = fake_dma_unmap,
	.irq = fake_irq,
};

static void fake_quiesce(struct ftio_adapter *ad)
{
	struct fake *f = ad->drvdata;

	/* Called fenced, and with bus mastering off unless the device is gone. */
	if (!ftio_adapter_fenced(ad) ||
	    (f->master && f->a->pending_state != FTIO_STATE_REMOVED))
		f->out_of_order++;
	f->quiesces++;
}

static int fake_reinit(struct ftio_adapter *ad)
{
	struct fake *f = ad->drvdata;

	/* Called with the fence lifted and bus mastering on. */
	if (ftio_adapter_fenced(ad) || !f->master)
		f->out_of_order++;
	f->reinits++;
	if (f->reinit_failures) {
		f->reinit_failures--;
		return -EIO;
	}
	return 0;
}

static const struct ftio_adapter_ops fake_ops = {
	.quiesce = fake_quiesce,
	.reinit = fake_reinit,
};

static void fake_release(void *data)
{
	struct fake *f = data;

	if (!f->removed)
		ftio_hd_remove(f->a);
	KUNIT_EXPECT_EQ_MSG(f->test, f->out_of_order, 0,
			    "the driver's quiesce or reinit ran in the wrong state");
	ftio_hd_put(f->a);
	if (hd_current == f)
		hd_current = NULL;
}

static struct fake *fake_adapter(struct kunit *test)
{
	struct fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	char name[32];

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->test = test;
	snprintf(name, sizeof(name), "kunit-%s", test->name);
	f->dev = kunit_device_register(test, name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f->dev));
	f->present = true;
	f->master = true;
	f->next = 0x10000;
	f->a = ftio_hd_create(f->dev, name, "kunit", &fake_bus, &fake_ops, f);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f->a));
	KUNIT_ASSERT_EQ(test, ftio_hd_add(f->a), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_release, f), 0);
	hd_current = f;
	return f;
}

static void __iomem *fake_mmio(struct fake *f, int i)
{
	return (__force void __iomem *)&f->mmio[i];
}

/* The fence work has run (a fence from any context is taken down by it). */
static void settle(struct fake *f)
{
	flush_work(&f->a->fence_work);
}

static int hd_notified(struct notifier_block *nb, unsigned long action, void *data)
{
	struct ftio_notify_info *info = data;
	struct fake *f = READ_ONCE(hd_current);

	if (!f || info->dev != f->dev || strcmp(info->source, "harden"))
		return NOTIFY_DONE;
	if (action == FTIO_NOTIFY_ISOLATED)
		f->n_isolated++;
	else if (action == FTIO_NOTIFY_REMOVED)
		f->n_removed++;
	else if (action == FTIO_NOTIFY_ONLINE)
		f->n_online++;
	return NOTIFY_DONE;
}

static struct notifier_block hd_nb = {
	.notifier_call = hd_notified,
};

static void create_needs_quiesce_and_reinit(struct kunit *test)
{
	static const struct ftio_adapter_ops no_reinit = { .quiesce = fake_quiesce };
	static const struct ftio_adapter_ops no_quiesce = { .reinit = fake_reinit };

	KUNIT_EXPECT_EQ(test, PTR_ERR(ftio_hd_create(NULL, "x", "k", &fake_bus, &no_reinit, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(ftio_hd_create(NULL, "x", "k", &fake_bus, &no_quiesce, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(ftio_hd_create(NULL, "x", "k", &fake_bus, NULL, NULL)),
			-EINVAL);
}

static void second_adapter_of_a_name_is_refused(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_hd_adapter *b;

	b = ftio_hd_create(NULL, f->a->name, "kunit", &fake_bus, &fake_ops, f);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	KUNIT_EXPECT_EQ(test, ftio_hd_add(b), -EEXIST);
	ftio_hd_put(b);
	/* The first is untouched. */
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(&f->a->pub), FTIO_STATE_ONLINE);
	KUNIT_EXPECT_FALSE(test, ftio_adapter_fenced(&f->a->pub));
}

static void accessors_reach_an_online_device(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;

	f->mmio[0] = 0x12345678;
	KUNIT_EXPECT_EQ(test, ftio_readl(ad, fake_mmio(f, 0)), 0x12345678U);
	KUNIT_EXPECT_EQ(test, ftio_readw(ad, fake_mmio(f, 0)), (u16)0x5678);
	KUNIT_EXPECT_EQ(test, ftio_readb(ad, fake_mmio(f, 0)), (u8)0x78);
	ftio_writel(ad, 0xcafe, fake_mmio(f, 1));
	KUNIT_EXPECT_EQ(test, f->mmio[1], 0xcafeU);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->a->counters[FTIO_HD_ONES_CHECKED]), 0LL);
}

static void fenced_adapter_reads_ones_and_drops_writes(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;

	f->mmio[0] = 7;
	KUNIT_ASSERT_EQ(test, ftio_adapter_isolate(ad, "kunit"), 0);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_ISOLATED);
	KUNIT_EXPECT_TRUE(test, ftio_adapter_fenced(ad));
	KUNIT_EXPECT_FALSE(test, f->master);
	KUNIT_EXPECT_EQ(test, f->quiesces, 1);
	KUNIT_EXPECT_EQ(test, f->n_isolated, 1);
	KUNIT_EXPECT_EQ(test, ftio_readl(ad, fake_mmio(f, 0)), ~0U);
	KUNIT_EXPECT_EQ(test, ftio_readb(ad, fake_mmio(f, 0)), (u8)0xff);
	ftio_writel(ad, 9, fake_mmio(f, 0));
	KUNIT_EXPECT_EQ(test, f->mmio[0], 7U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->a->counters[FTIO_HD_READS_FENCED]), 2LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->a->counters[FTIO_HD_WRITES_DROPPED]), 1LL);
	KUNIT_EXPECT_EQ(test, ftio_adapter_errno(ad), -EIO);
	/* Once is enough: a second isolation changes nothing. */
	KUNIT_EXPECT_EQ(test, ftio_adapter_isolate(ad, "again"), -EALREADY);
	KUNIT_EXPECT_EQ(test, f->quiesces, 1);
	KUNIT_EXPECT_EQ(test, f->n_isolated, 1);
}

static void all_ones_from_a_gone_device_removes_it(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;

	f->mmio[0] = ~0U;
	f->present = false;
	KUNIT_EXPECT_EQ(test, ftio_readl(ad, fake_mmio(f, 0)), ~0U);
	/* Fenced at once, in the reader's context... */
	KUNIT_EXPECT_TRUE(test, ftio_adapter_fenced(ad));
	KUNIT_EXPECT_EQ(test, ftio_adapter_errno(ad), -ENODEV);
	/* ...and taken down by the fence work. */
	settle(f);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_REMOVED);
	KUNIT_EXPECT_EQ(test, f->quiesces, 1);
	KUNIT_EXPECT_EQ(test, f->n_removed, 1);
	KUNIT_EXPECT_STREQ(test, f->a->reason,
			   "device gone: an MMIO read and its vendor id gave all-ones");
	/* Gone is gone: no bring-up. */
	KUNIT_EXPECT_EQ(test, ftio_hd_online(f->a, "kunit"), -ENODEV);
	KUNIT_EXPECT_EQ(test, f->resets, 0);
}

static void all_ones_from_a_present_device_is_its_value(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;

	f->mmio[0] = ~0U;
	KUNIT_EXPECT_EQ(test, ftio_readl(ad, fake_mmio(f, 0)), ~0U);
	KUNIT_EXPECT_FALSE(test, ftio_adapter_fenced(ad));
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->a->counters[FTIO_HD_ONES_CHECKED]), 1LL);
	settle(f);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_ONLINE);
}

struct fence_later {
	struct delayed_work work;
	struct fake *f;
};

static void fence_now(struct work_struct *work)
{
	struct fence_later *fl = container_of(to_delayed_work(work), struct fence_later, work);

	ftio_hd_fence(fl->f->a, FTIO_STATE_ISOLATED, "kunit: fenced while waited for");
}

static void wait_ends_on_condition_timeout_or_fence(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;
	struct fence_later fl = { .f = f };
	bool never = false, done = true;
	unsigned long t;

	KUNIT_EXPECT_EQ(test, ftio_adapter_wait(ad, done, HZ), 0);
	KUNIT_EXPECT_EQ(test, ftio_adapter_wait(ad, never, 1), -ETIMEDOUT);
	/*
	 * A fence 50 ms in wakes a wait of 10 s with the adapter's error, at
	 * once: not only when the adapter is taken down, which the lock held
	 * here holds up (as a long transition would).
	 */
	INIT_DELAYED_WORK_ONSTACK(&fl.work, fence_now);
	mutex_lock(&f->a->lock);
	schedule_delayed_work(&fl.work, msecs_to_jiffies(50));
	t = jiffies;
	KUNIT_EXPECT_EQ(test, ftio_adapter_wait(ad, never, 10 * HZ), -EIO);
	KUNIT_EXPECT_LT(test, jiffies - t, 5UL * HZ);
	mutex_unlock(&f->a->lock);
	flush_delayed_work(&fl.work);
	destroy_delayed_work_on_stack(&fl.work);
	settle(f);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_ISOLATED);
	KUNIT_EXPECT_EQ(test, f->quiesces, 1);
}

static void dma_tracked_and_revoked_on_isolation(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;
	dma_addr_t d[3];
	int i;

	for (i = 0; i < 3; i++) {
		d[i] = ftio_dma_map_single(ad, f->mmio, 16, DMA_TO_DEVICE);
		KUNIT_ASSERT_NE(test, d[i], DMA_MAPPING_ERROR);
	}
	ftio_dma_unmap_single(ad, d[0], 16, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, f->a->dma_live, 2UL);
	KUNIT_EXPECT_EQ(test, f->unmaps, 1);
	/* An unmap that does not match the mapping is not one. */
	ftio_dma_unmap_single(ad, d[1], 32, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, f->unmaps, 1);

	KUNIT_ASSERT_EQ(test, ftio_adapter_isolate(ad, "kunit"), 0);
	KUNIT_EXPECT_EQ(test, f->unmaps, 3);
	KUNIT_EXPECT_EQ(test, f->a->dma_live, 0UL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->a->counters[FTIO_HD_DMA_REVOKED]), 2LL);
	/* The driver's own unmap of a revoked mapping is ignored. */
	ftio_dma_unmap_single(ad, d[2], 16, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, f->unmaps, 3);
	/* No new mapping while fenced. */
	KUNIT_EXPECT_EQ(test, ftio_dma_map_single(ad, f->mmio, 16, DMA_TO_DEVICE),
			DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, f->maps, 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->a->counters[FTIO_HD_DMA_REFUSED]), 1LL);
}

static void dma_map_failure_leaves_nothing(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;

	f->map_fails = true;
	KUNIT_EXPECT_EQ(test, ftio_dma_map_single(ad, f->mmio, 16, DMA_FROM_DEVICE),
			DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, f->a->dma_live, 0UL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->a->counters[FTIO_HD_DMA_REFUSED]), 1LL);
	KUNIT_ASSERT_EQ(test, ftio_adapter_isolate(ad, "kunit"), 0);
	KUNIT_EXPECT_EQ(test, f->unmaps, 0);
}

static irqreturn_t fake_handler(int irq, void *dev_id)
{
	struct fake *f = dev_id;

	f->irqs++;
	return IRQ_HANDLED;
}

static void irq_storm_isolates_and_fenced_irqs_are_ignored(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_hd_irq v = {
		.a = f->a, .handler = fake_handler, .dev_id = f, .window = jiffies,
	};
	int i;

	WRITE_ONCE(f->a->storm_threshold, 5);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, ftio_hd_irq_handler(1, &v), IRQ_HANDLED);
	KUNIT_EXPECT_EQ(test, f->irqs, 5);
	/* The sixth within the second is a storm. */
	KUNIT_EXPECT_EQ(test, ftio_hd_irq_handler(1, &v), IRQ_NONE);
	KUNIT_EXPECT_EQ(test, f->irqs, 5);
	KUNIT_EXPECT_TRUE(test, ftio_adapter_fenced(&f->a->pub));
	settle(f);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(&f->a->pub), FTIO_STATE_ISOLATED);
	KUNIT_EXPECT_STREQ(test, f->a->reason,
			   "interrupt storm: more than 5 interrupts in a second");
	/* Fenced: the driver's handler is not called. */
	KUNIT_EXPECT_EQ(test, ftio_hd_irq_handler(1, &v), IRQ_NONE);
	KUNIT_EXPECT_EQ(test, f->irqs, 5);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->a->counters[FTIO_HD_IRQS_IGNORED]), 2LL);
}

static void bring_up_resets_reinits_and_goes_online(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;

	KUNIT_ASSERT_EQ(test, ftio_adapter_isolate(ad, "kunit"), 0);
	/* After a reset the PCI core made (AER): up, still isolated. */
	KUNIT_ASSERT_EQ(test, ftio_hd_bring_up(f->a, "kunit"), 0);
	KUNIT_EXPECT_EQ(test, f->resets, 0);
	KUNIT_EXPECT_EQ(test, f->reinits, 1);
	KUNIT_EXPECT_TRUE(test, f->master);
	KUNIT_EXPECT_FALSE(test, ftio_adapter_fenced(ad));
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_ISOLATED);
	/* In service once recovery is over (AER's resume). */
	ftio_hd_set_online(f->a, "kunit");
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_ONLINE);
	KUNIT_EXPECT_EQ(test, f->n_online, 1);
	/* Not fenced: nothing to bring up. */
	KUNIT_EXPECT_EQ(test, ftio_hd_bring_up(f->a, "kunit"), -EALREADY);
	KUNIT_EXPECT_EQ(test, ftio_hd_online(f->a, "kunit"), -EALREADY);
	KUNIT_EXPECT_EQ(test, f->resets, 0);
	/* An operator's online resets first. */
	KUNIT_ASSERT_EQ(test, ftio_adapter_isolate(ad, "kunit"), 0);
	KUNIT_EXPECT_EQ(test, ftio_hd_online(f->a, "kunit"), 0);
	KUNIT_EXPECT_EQ(test, f->resets, 1);
	KUNIT_EXPECT_EQ(test, f->reinits, 2);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_ONLINE);
	KUNIT_EXPECT_EQ(test, f->n_online, 2);
	/* Each isolation quiesces. */
	KUNIT_EXPECT_EQ(test, f->quiesces, 2);
}

static void reinit_retried_then_failed(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;

	WRITE_ONCE(f->a->reinit_tries, 2);
	f->reinit_failures = 1;
	KUNIT_ASSERT_EQ(test, ftio_adapter_isolate(ad, "kunit"), 0);
	/* One failure within two tries: up. */
	KUNIT_EXPECT_EQ(test, ftio_hd_bring_up(f->a, "kunit"), 0);
	KUNIT_EXPECT_EQ(test, f->reinits, 2);
	KUNIT_ASSERT_EQ(test, ftio_adapter_isolate(ad, "kunit"), 0);
	/* Two: failed, fenced, quiesced once more. */
	f->reinit_failures = 2;
	KUNIT_EXPECT_EQ(test, ftio_hd_bring_up(f->a, "kunit"), -EIO);
	KUNIT_EXPECT_EQ(test, f->reinits, 4);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_FAILED);
	KUNIT_EXPECT_TRUE(test, ftio_adapter_fenced(ad));
	KUNIT_EXPECT_FALSE(test, f->master);
	KUNIT_EXPECT_EQ(test, f->quiesces, 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->a->counters[FTIO_HD_REINIT_FAILURES]), 3LL);
	KUNIT_EXPECT_STREQ(test, f->a->reason, "kunit: reinit failed (-5) after 2 tries");
}

static void failed_reset_changes_nothing(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;

	KUNIT_ASSERT_EQ(test, ftio_adapter_isolate(ad, "kunit"), 0);
	f->reset_ret = -ENOTTY;
	KUNIT_EXPECT_EQ(test, ftio_hd_online(f->a, "kunit"), -ENOTTY);
	KUNIT_EXPECT_EQ(test, f->reinits, 0);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_ISOLATED);
	KUNIT_EXPECT_TRUE(test, ftio_adapter_fenced(ad));
	KUNIT_EXPECT_STREQ(test, f->a->reason, "kunit");
	/* An operator tries again once the reset works. */
	f->reset_ret = 0;
	KUNIT_EXPECT_EQ(test, ftio_hd_online(f->a, "kunit"), 0);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_ONLINE);
}

static void reset_budget_runs_out_within_its_window(struct kunit *test)
{
	struct fake *f = fake_adapter(test);

	WRITE_ONCE(f->a->reset_budget, 2);
	KUNIT_EXPECT_TRUE(test, ftio_hd_budget_left(f->a));
	KUNIT_EXPECT_TRUE(test, ftio_hd_budget_left(f->a));
	KUNIT_EXPECT_FALSE(test, ftio_hd_budget_left(f->a));
	KUNIT_EXPECT_FALSE(test, ftio_hd_budget_left(f->a));
	/* A budget of 0: never reset. */
	WRITE_ONCE(f->a->reset_budget, 0);
	KUNIT_EXPECT_FALSE(test, ftio_hd_budget_left(f->a));
	/* Old resets leave the window: a 1 s window, 1.1 s later. */
	WRITE_ONCE(f->a->reset_budget, 2);
	WRITE_ONCE(f->a->reset_window_s, 1);
	msleep(1100);
	KUNIT_EXPECT_TRUE(test, ftio_hd_budget_left(f->a));
}

static void removal_after_isolation_quiesces_once(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;

	KUNIT_ASSERT_EQ(test, ftio_adapter_isolate(ad, "kunit"), 0);
	/* Worse news still takes it further, without a second quiesce. */
	KUNIT_EXPECT_EQ(test, ftio_hd_take_down(f->a, FTIO_STATE_REMOVED, "kunit: gone"), 0);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_REMOVED);
	KUNIT_EXPECT_EQ(test, f->quiesces, 1);
	KUNIT_EXPECT_EQ(test, f->n_isolated, 1);
	KUNIT_EXPECT_EQ(test, f->n_removed, 1);
	/* And nothing brings it back to isolated. */
	KUNIT_EXPECT_EQ(test, ftio_hd_take_down(f->a, FTIO_STATE_ISOLATED, "kunit"), -EALREADY);
}

static void report_error_isolates_from_any_context(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;
	unsigned long flags;

	local_irq_save(flags);
	ftio_adapter_report_error(ad, "kunit: no completion");
	local_irq_restore(flags);
	KUNIT_EXPECT_TRUE(test, ftio_adapter_fenced(ad));
	settle(f);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_ISOLATED);
	KUNIT_EXPECT_EQ(test, f->quiesces, 1);
	KUNIT_EXPECT_EQ(test, f->n_isolated, 1);
	KUNIT_EXPECT_STREQ(test, f->a->reason, "kunit: no completion");
}

/*
 * A device found gone (a fence to "removed", its work not run yet) while
 * the adapter is being isolated: the isolation does not lower the pending
 * state, and the adapter ends removed. The fence work is held back so
 * that the isolation surely comes between the fence and its work.
 */
static void isolation_keeps_a_worse_fence_pending(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_adapter *ad = &f->a->pub;

	disable_work_sync(&f->a->fence_work);
	ftio_hd_fence(f->a, FTIO_STATE_REMOVED, "kunit: gone");
	KUNIT_EXPECT_EQ(test, ftio_adapter_isolate(ad, "kunit: isolated"), 0);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_ISOLATED);
	enable_work(&f->a->fence_work);
	queue_work(system_wq, &f->a->fence_work);
	settle(f);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(ad), FTIO_STATE_REMOVED);
	KUNIT_EXPECT_STREQ(test, f->a->reason, "kunit: gone");
	KUNIT_EXPECT_EQ(test, f->quiesces, 1);
	KUNIT_EXPECT_EQ(test, f->n_removed, 1);
}

static void unregister_of_an_isolated_adapter_quiesces_again(struct kunit *test)
{
	struct fake *f = fake_adapter(test);

	KUNIT_ASSERT_EQ(test, ftio_adapter_isolate(&f->a->pub, "kunit"), 0);
	ftio_hd_remove(f->a);
	f->removed = true;
	KUNIT_EXPECT_EQ(test, f->quiesces, 2);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(&f->a->pub), FTIO_STATE_REMOVED);
	KUNIT_EXPECT_EQ(test, f->n_removed, 1);
}

static void unregister_quiesces_and_forgets(struct kunit *test)
{
	struct fake *f = fake_adapter(test);
	struct ftio_hd_adapter *found;
	dma_addr_t d;

	d = ftio_dma_map_single(&f->a->pub, f->mmio, 8, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_NE(test, d, DMA_MAPPING_ERROR);
	ftio_hd_remove(f->a);
	f->removed = true;
	KUNIT_EXPECT_EQ(test, f->quiesces, 1);
	KUNIT_EXPECT_EQ(test, f->unmaps, 1);
	KUNIT_EXPECT_EQ(test, ftio_adapter_state(&f->a->pub), FTIO_STATE_REMOVED);
	KUNIT_EXPECT_EQ(test, f->n_removed, 1);
	KUNIT_EXPECT_STREQ(test, f->a->reason, "driver unbound");
	found = ftio_hd_find_name(f->a->name);
	KUNIT_EXPECT_NULL(test, found);
	if (found)
		ftio_hd_put(found);
	/* A transition that comes late finds it gone. */
	KUNIT_EXPECT_EQ(test, ftio_hd_online(f->a, "kunit"), -ENODEV);
}

static int hd_suite_init(struct kunit_suite *suite)
{
	return ftio_notifier_register(&hd_nb);
}

static void hd_suite_exit(struct kunit_suite *suite)
{
	ftio_notifier_unregister(&hd_nb);
}

static struct kunit_case ftio_harden_cases[] = {
	KUNIT_CASE(create_needs_quiesce_and_reinit),
	KUNIT_CASE(second_adapter_of_a_name_is_refused),
	KUNIT_CASE(accessors_reach_an_online_device),
	KUNIT_CASE(fenced_adapter_reads_ones_and_drops_writes),
	KUNIT_CASE(all_ones_from_a_gone_device_removes_it),
	KUNIT_CASE(all_ones_from_a_present_device_is_its_value),
	KUNIT_CASE(wait_ends_on_condition_timeout_or_fence),
	KUNIT_CASE(dma_tracked_and_revoked_on_isolation),
	KUNIT_CASE(dma_map_failure_leaves_nothing),
	KUNIT_CASE(irq_storm_isolates_and_fenced_irqs_are_ignored),
	KUNIT_CASE(bring_up_resets_reinits_and_goes_online),
	KUNIT_CASE(reinit_retried_then_failed),
	KUNIT_CASE(failed_reset_changes_nothing),
	KUNIT_CASE(reset_budget_runs_out_within_its_window),
	KUNIT_CASE(removal_after_isolation_quiesces_once),
	KUNIT_CASE(report_error_isolates_from_any_context),
	KUNIT_CASE(isolation_keeps_a_worse_fence_pending),
	KUNIT_CASE(unregister_of_an_isolated_adapter_quiesces_again),
	KUNIT_CASE(unregister_quiesces_and_forgets),
	{}
};

static struct kunit_suite ftio_harden_suite = {
	.name = "ftio_harden",
	.suite_init = hd_suite_init,
	.suite_exit = hd_suite_exit,
	.test_cases = ftio_harden_cases,
};

kunit_test_suite(ftio_harden_suite);

MODULE_DESCRIPTION("KUnit tests of ftio_harden");
MODULE_LICENSE("GPL");
