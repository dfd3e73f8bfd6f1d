// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI side of the shim: a driver's adapters registered by their
 * pci_dev, the error handlers the shim installs for the driver, and the
 * bus operations of a real function.
 *
 * Lock order: the device lock (held by the PCI core around a driver's
 * probe, remove and error handlers) before an adapter's lock. An
 * operator's "online" holds the adapter's lock and so only tries the
 * device lock (pci_try_reset_function()); the reset handlers skip the
 * reset the shim itself makes.
 */
#define pr_fmt(fmt) "ftio_harden: " fmt

#include <linux/dma-mapping.h>
#include <linux/pci.h>

#include "harden.h"

static struct pci_dev *hd_pdev(struct ftio_hd_adapter *a)
{
	return a->pub.pdev;
}

/* The function still answers, and is the one that was registered. */
static bool ftio_hd_pci_present(struct ftio_hd_adapter *a)
{
	struct pci_dev *pdev = hd_pdev(a);
	u16 vendor;

	if (pci_dev_is_disconnected(pdev))
		return false;
	if (pci_read_config_word(pdev, PCI_VENDOR_ID, &vendor))
		return false;
	return vendor == pdev->vendor;
}

static void ftio_hd_pci_set_master(struct ftio_hd_adapter *a, bool on)
{
	if (on)
		pci_set_master(hd_pdev(a));
	else
		pci_clear_master(hd_pdev(a));
}

/*
 * Config space as it was when the adapter worked: saved at registration
 * and after each recovery. A failed recovery leaves the function with
 * what a link reset left (no BARs, no decoding): a reset must bring back
 * the good state, not save and restore that one.
 */
static void ftio_hd_pci_keep_state(struct ftio_hd_adapter *a)
{
	struct pci_dev *pdev = hd_pdev(a);
	struct pci_saved_state *st;

	pci_save_state(pdev);
	st = pci_store_saved_state(pdev);
	if (!st)
		return;		/* the older copy stays */
	kfree(a->bus_data);
	a->bus_data = st;
}

static void ftio_hd_pci_restore_state(struct ftio_hd_adapter *a)
{
	struct pci_dev *pdev = hd_pdev(a);

	if (a->bus_data)
		pci_load_saved_state(pdev, a->bus_data);
	pci_restore_state(pdev);
}

static int ftio_hd_pci_reset(struct ftio_hd_adapter *a)
{
	struct pci_dev *pdev = hd_pdev(a);
	int ret;

	/* Our own reset: the reset handlers below leave it to the caller. */
	WRITE_ONCE(a->resetting, true);
	ret = pci_try_reset_function(pdev);
	WRITE_ONCE(a->resetting, false);
	if (ret == -EAGAIN)
		return -EBUSY;	/* the device is locked (probe, remove, recovery) */
	if (!ret)
		ftio_hd_pci_restore_state(a);
	return ret;
}

static dma_addr_t ftio_hd_pci_dma_map(struct ftio_hd_adapter *a, void *ptr,
				      size_t size, enum dma_data_direction dir)
{
	struct device *dev = &hd_pdev(a)->dev;
	dma_addr_t addr = dma_map_single(dev, ptr, size, dir);

	return dma_mapping_error(dev, addr) ? DMA_MAPPING_ERROR : addr;
}

static void ftio_hd_pci_dma_unmap(struct ftio_hd_adapter *a, dma_addr_t addr,
				  size_t size, enum dma_data_direction dir)
{
	dma_unmap_single(&hd_pdev(a)->dev, addr, size, dir);
}

static int ftio_hd_pci_irq(struct ftio_hd_adapter *a, unsigned int nr)
{
	return pci_irq_vector(hd_pdev(a), nr);
}

static const struct ftio_hd_bus ftio_hd_pci_bus = {
	.present = ftio_hd_pci_present,
	.set_master = ftio_hd_pci_set_master,
	.reset = ftio_hd_pci_reset,
	.dma_map = ftio_hd_pci_dma_map,
	.dma_unmap = ftio_hd_pci_dma_unmap,
	.irq = ftio_hd_pci_irq,
};

struct ftio_adapter *ftio_adapter_register(struct pci_dev *pdev,
					   const struct ftio_adapter_ops *ops,
					   void *drvdata)
{
	struct ftio_hd_adapter *a;
	int ret;

	a = ftio_hd_create(&pdev->dev, pci_name(pdev), dev_driver_string(&pdev->dev),
			   &ftio_hd_pci_bus, ops, drvdata);
	if (IS_ERR(a))
		return ERR_CAST(a);
	a->pub.pdev = pdev;
	/* What a reset restores. */
	ftio_hd_pci_keep_state(a);
	ret = ftio_hd_add(a);
	if (ret) {
		kfree(a->bus_data);
		ftio_hd_put(a);
		return ERR_PTR(ret);
	}
	return &a->pub;
}
EXPORT_SYMBOL_GPL(ftio_adapter_register);

void ftio_adapter_unregister(struct ftio_adapter *ad)
{
	struct ftio_hd_adapter *a = to_hd(ad);

	ftio_hd_remove(a);
	kfree(a->bus_data);
	a->bus_data = NULL;
	ftio_hd_put(a);
}
EXPORT_SYMBOL_GPL(ftio_adapter_unregister);

static pci_ers_result_t ftio_hd_error_detected(struct pci_dev *pdev,
					       pci_channel_state_t state)
{
	struct ftio_hd_adapter *a = ftio_hd_find_dev(&pdev->dev);
	pci_ers_result_t ret;
	char why[64];

	/* Not registered (yet, or any more): nothing to recover. */
	if (!a)
		return PCI_ERS_RESULT_DISCONNECT;
	switch (state) {
	case pci_channel_io_normal:
		ftio_hd_set_degraded(a, "AER: non-fatal error");
		ret = PCI_ERS_RESULT_CAN_RECOVER;
		break;
	case pci_channel_io_frozen:
		if (ftio_hd_budget_left(a)) {
			ftio_hd_take_down(a, FTIO_STATE_ISOLATED, "AER: fatal error, resetting");
			ret = PCI_ERS_RESULT_NEED_RESET;
			break;
		}
		snprintf(why, sizeof(why),
			 "AER: fatal error, reset budget spent (%u in %u s)",
			 READ_ONCE(a->reset_budget), READ_ONCE(a->reset_window_s));
		ftio_hd_take_down(a, FTIO_STATE_FAILED, why);
		ret = PCI_ERS_RESULT_DISCONNECT;
		break;
	default:	/* pci_channel_io_perm_failure */
		if (!ftio_hd_pci_present(a)) {
			WRITE_ONCE(a->gone, true);
			ftio_hd_take_down(a, FTIO_STATE_REMOVED, "AER: device gone");
		} else {
			ftio_hd_take_down(a, FTIO_STATE_FAILED, "AER: permanent failure");
		}
		ret = PCI_ERS_RESULT_DISCONNECT;
		break;
	}
	ftio_hd_put(a);
	return ret;
}

static pci_ers_result_t ftio_hd_mmio_enabled(struct pci_dev *pdev)
{
	/* The shim always resets a frozen adapter. */
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t ftio_hd_slot_reset(struct pci_dev *pdev)
{
	struct ftio_hd_adapter *a = ftio_hd_find_dev(&pdev->dev);
	int ret;

	if (!a)
		return PCI_ERS_RESULT_DISCONNECT;
	ftio_hd_pci_restore_state(a);
	ret = ftio_hd_bring_up(a, "AER slot reset");
	ftio_hd_put(a);
	return ret ? PCI_ERS_RESULT_DISCONNECT : PCI_ERS_RESULT_RECOVERED;
}

static void ftio_hd_resume(struct pci_dev *pdev)
{
	struct ftio_hd_adapter *a = ftio_hd_find_dev(&pdev->dev);

	if (!a)
		return;
	ftio_hd_set_online(a, "AER recovery done");
	ftio_hd_put(a);
}

/* A function reset made by someone else (sysfs "reset", VFIO, ...). */
static void ftio_hd_reset_prepare(struct pci_dev *pdev)
{
	struct ftio_hd_adapter *a = ftio_hd_find_dev(&pdev->dev);

	if (!a)
		return;
	if (!READ_ONCE(a->resetting))
		ftio_hd_take_down(a, FTIO_STATE_ISOLATED, "function reset");
	ftio_hd_put(a);
}

static void ftio_hd_reset_done(struct pci_dev *pdev)
{
	struct ftio_hd_adapter *a = ftio_hd_find_dev(&pdev->dev);

	if (!a)
		return;
	if (!READ_ONCE(a->resetting) && !ftio_hd_bring_up(a, "function reset"))
		ftio_hd_set_online(a, "function reset done");
	ftio_hd_put(a);
}

const struct pci_error_handlers ftio_adapter_err_handlers = {
	.error_detected = ftio_hd_error_detected,
	.mmio_enabled = ftio_hd_mmio_enabled,
	.slot_reset = ftio_hd_slot_reset,
	.resume = ftio_hd_resume,
	.reset_prepare = ftio_hd_reset_prepare,
	.reset_done = ftio_hd_reset_done,
};
EXPORT_SYMBOL_GPL(ftio_adapter_err_handlers);

int __ftio_pci_register_driver(struct pci_driver *drv, struct module *owner,
			       const char *mod_name)
{
	if (drv->err_handler && drv->err_handler != &ftio_adapter_err_handlers)
		return -EINVAL;
	drv->err_handler = &ftio_adapter_err_handlers;
	return __pci_register_driver(drv, owner, mod_name);
}
EXPORT_SYMBOL_GPL(__ftio_pci_register_driver);
