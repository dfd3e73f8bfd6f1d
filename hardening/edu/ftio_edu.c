// SPDX-License-Identifier: GPL-2.0
/*
 * ftio_edu: a driver for QEMU's edu device (PCI 1234:11e8), written on the
 * hardening shim (include/ftio/harden.h) as the model for driver writers.
 *
 * /dev/ftio-eduN (include/uapi/linux/ftio_edu.h): read() and write() at
 * offsets 0 to 4094 move data by DMA through the device's 4 KiB buffer;
 * ioctl(FTIO_EDU_FACTORIAL) has the device compute a factorial.
 *
 * The rules it follows, which the shim makes short to keep:
 *
 * - The device is touched only through the shim: ftio_readl() and
 *   ftio_writel() (all-ones and dropped once the adapter is fenced),
 *   ftio_dma_map_single(), ftio_adapter_request_irq(). So a device that
 *   is gone, isolated or being reset is never reached.
 * - Every wait for the device has a deadline and ends when the adapter is
 *   fenced: ftio_adapter_wait(). A deadline missed is the device's fault:
 *   ftio_adapter_report_error() isolates it, from any context.
 * - A request holds edu->lock from start to end. The shim's quiesce
 *   callback takes it too, so once quiesce returns no request is using the
 *   device, and none starts until reinit.
 * - The device's memory (struct edu) is kept alive by every open file
 *   (a kref), so that remove() never waits for user space.
 * - The device works with 28-bit DMA addresses: the buffer comes from the
 *   DMA zone (below 16 MiB), so a mapping needs no bounce buffer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <ftio/harden.h>
#include <ftio/pooltag.h>
#include <uapi/linux/ftio_edu.h>

/* The device's registers (BAR 0). Below 0x80, 32-bit accesses only. */
#define EDU_ID			0x00	/* 0xRRrr00ed: major, minor version */
#define EDU_LIVENESS		0x04	/* reads back what was written, inverted */
#define EDU_FACT		0x08	/* n in, n! out */
#define EDU_STATUS		0x20
#define  EDU_STATUS_BUSY	0x01	/* computing a factorial */
#define  EDU_STATUS_FACT_IRQ	0x80	/* interrupt when it is done */
#define EDU_IRQ_STATUS		0x24	/* interrupts raised, not acknowledged */
#define EDU_IRQ_ACK		0x64
#define EDU_DMA_SRC		0x80	/* 64-bit from here on */
#define EDU_DMA_DST		0x88
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define  EDU_DMA_START		0x01
#define  EDU_DMA_TO_RAM		0x02
#define  EDU_DMA_IRQ		0x04	/* interrupt EDU_IRQ_DMA when done */

/* Interrupt status bits: a factorial done, a DMA done. */
#define EDU_IRQ_FACT		0x001
#define EDU_IRQ_DMA		0x100

/* The device's buffer, as the DMA engine addresses it. */
#define EDU_BUF_ADDR		0x40000

/* QEMU finishes a DMA 100 ms after it starts; a factorial at once. */
#define EDU_TIMEOUT		(2 * HZ)

/* Our buffers, accounted in ftioctl pool. */
#define EDU_TAG			FTIO_TAG('E', 'd', 'u', 'b')

struct edu {
	struct kref ref;
	struct ftio_adapter *ad;
	void __iomem *mmio;
	struct miscdevice misc;
	char name[16];
	int id;

	struct mutex lock;	/* one request at a time; quiesce waits on it */
	bool stopped;		/* quiesced: requests fail with stop_err */
	int stop_err;
	bool removed;		/* remove() ran: no adapter any more */
	void *buf;		/* what requests move, DMA-able in 28 bits */
	unsigned long irqs;	/* EDU_IRQ_* seen by the handler, not yet waited for */
};

static DEFINE_IDA(edu_ida);

static void edu_release(struct kref *ref)
{
	struct edu *edu = container_of(ref, struct edu, ref);

	ftio_pool_free(edu->buf, EDU_TAG);
	ida_free(&edu_ida, edu->id);
	kfree(edu);
}

static irqreturn_t edu_irq(int irq, void *data)
{
	struct edu *edu = data;
	u32 st = ftio_readl(edu->ad, edu->mmio + EDU_IRQ_STATUS);

	if (!st || (st == ~0U && ftio_adapter_fenced(edu->ad)))
		return IRQ_NONE;
	ftio_writel(edu->ad, st, edu->mmio + EDU_IRQ_ACK);
	/* Published before the waiter is woken (wake_up orders it). */
	if (st & EDU_IRQ_FACT)
		set_bit(ilog2(EDU_IRQ_FACT), &edu->irqs);
	if (st & EDU_IRQ_DMA)
		set_bit(ilog2(EDU_IRQ_DMA), &edu->irqs);
	ftio_adapter_wake(edu->ad);
	return IRQ_HANDLED;
}

/*
 * Wait for interrupt @bit (set by the interrupt handler). A deadline
 * missed means the device is in trouble: it is reported, which isolates
 * the adapter.
 */
static int edu_wait_irq(struct edu *edu, u32 bit, const char *what)
{
	int nr = ilog2(bit);
	int ret = ftio_adapter_wait(edu->ad, test_and_clear_bit(nr, &edu->irqs),
				    EDU_TIMEOUT);

	if (ret == -ETIMEDOUT) {
		char why[64];

		snprintf(why, sizeof(why), "%s did not complete in %u ms", what,
			 jiffies_to_msecs(EDU_TIMEOUT));
		ftio_adapter_report_error(edu->ad, why);
	}
	return ret;
}

/* Start a request: 0 with edu->lock held, or what the user gets. */
static int edu_begin(struct edu *edu)
{
	int ret;

	if (mutex_lock_interruptible(&edu->lock))
		return -ERESTARTSYS;
	ret = edu->removed ? -ENODEV : edu->stopped ? edu->stop_err : 0;
	if (ret)
		mutex_unlock(&edu->lock);
	return ret;
}

/* Move @len bytes at @off between our buffer and the device's. */
static int edu_dma(struct edu *edu, size_t off, size_t len, bool to_ram)
{
	enum dma_data_direction dir = to_ram ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
	struct ftio_adapter *ad = edu->ad;
	void __iomem *m = edu->mmio;
	dma_addr_t addr;
	int ret;

	/* Out of the device's range, QEMU's edu stops the machine: never. */
	if (WARN_ON(off >= FTIO_EDU_BUF_SIZE || len > FTIO_EDU_BUF_SIZE - off))
		return -EINVAL;
	addr = ftio_dma_map_single(ad, edu->buf + off, len, dir);
	if (addr == DMA_MAPPING_ERROR)
		return ftio_adapter_errno(ad) ?: -ENOMEM;
	clear_bit(ilog2(EDU_IRQ_DMA), &edu->irqs);
	ftio_writeq(ad, to_ram ? EDU_BUF_ADDR + off : addr, m + EDU_DMA_SRC);
	ftio_writeq(ad, to_ram ? addr : EDU_BUF_ADDR + off, m + EDU_DMA_DST);
	ftio_writeq(ad, len, m + EDU_DMA_COUNT);
	ftio_writeq(ad, EDU_DMA_START | EDU_DMA_IRQ | (to_ram ? EDU_DMA_TO_RAM : 0),
		    m + EDU_DMA_CMD);
	ret = edu_wait_irq(edu, EDU_IRQ_DMA, "DMA");
	/* Ignored by the shim if it unmapped it already (on isolation). */
	ftio_dma_unmap_single(ad, addr, len, dir);
	return ret;
}

static int edu_factorial(struct edu *edu, u32 *n)
{
	struct ftio_adapter *ad = edu->ad;
	int ret;
	u32 v;

	clear_bit(ilog2(EDU_IRQ_FACT), &edu->irqs);
	ftio_writel(ad, EDU_STATUS_FACT_IRQ, edu->mmio + EDU_STATUS);
	ftio_writel(ad, *n, edu->mmio + EDU_FACT);
	ret = edu_wait_irq(edu, EDU_IRQ_FACT, "factorial");
	if (ret)
		return ret;
	v = ftio_readl(ad, edu->mmio + EDU_FACT);
	/* All-ones from a fenced adapter is the shim's, not a result. */
	if (v == ~0U && ftio_adapter_fenced(ad))
		return ftio_adapter_errno(ad);
	*n = v;
	return 0;
}

static int edu_open(struct inode *inode, struct file *file)
{
	struct edu *edu = container_of(file->private_data, struct edu, misc);

	/* misc_open() runs under the lock misc_deregister() takes: edu lives. */
	kref_get(&edu->ref);
	file->private_data = edu;
	return 0;
}

static int edu_close(struct inode *inode, struct file *file)
{
	struct edu *edu = file->private_data;

	kref_put(&edu->ref, edu_release);
	return 0;
}

static ssize_t edu_read(struct file *file, char __user *ubuf, size_t count,
			loff_t *ppos)
{
	struct edu *edu = file->private_data;
	int ret;

	if (*ppos < 0)
		return -EINVAL;
	if (*ppos >= FTIO_EDU_BUF_SIZE || !count)
		return 0;
	count = min_t(size_t, count, FTIO_EDU_BUF_SIZE - *ppos);
	ret = edu_begin(edu);
	if (ret)
		return ret;
	ret = edu_dma(edu, *ppos, count, true);
	if (!ret && copy_to_user(ubuf, edu->buf + *ppos, count))
		ret = -EFAULT;
	mutex_unlock(&edu->lock);
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static ssize_t edu_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	struct edu *edu = file->private_data;
	int ret;

	if (*ppos < 0)
		return -EINVAL;
	if (!count)
		return 0;
	if (*ppos >= FTIO_EDU_BUF_SIZE)
		return -ENOSPC;
	count = min_t(size_t, count, FTIO_EDU_BUF_SIZE - *ppos);
	ret = edu_begin(edu);
	if (ret)
		return ret;
	if (copy_from_user(edu->buf + *ppos, ubuf, count))
		ret = -EFAULT;
	else
		ret = edu_dma(edu, *ppos, count, false);
	mutex_unlock(&edu->lock);
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static loff_t edu_llseek(struct file *file, loff_t off, int whence)
{
	return fixed_size_llseek(file, off, whence, FTIO_EDU_BUF_SIZE);
}

static long edu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct edu *edu = file->private_data;
	u32 __user *up = (u32 __user *)arg;
	u32 n;
	int ret;

	if (cmd != FTIO_EDU_FACTORIAL)
		return -ENOTTY;
	if (get_user(n, up))
		return -EFAULT;
	ret = edu_begin(edu);
	if (ret)
		return ret;
	ret = edu_factorial(edu, &n);
	mutex_unlock(&edu->lock);
	if (ret)
		return ret;
	return put_user(n, up);
}

static const struct file_operations edu_fops = {
	.owner = THIS_MODULE,
	.open = edu_open,
	.release = edu_close,
	.read = edu_read,
	.write = edu_write,
	.llseek = edu_llseek,
	.unlocked_ioctl = edu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/*
 * The shim fenced the adapter: requests in progress are ending (their
 * waits returned); wait for them, and fail those that come until reinit.
 */
static void edu_quiesce(struct ftio_adapter *ad)
{
	struct edu *edu = ad->drvdata;

	mutex_lock(&edu->lock);
	edu->stopped = true;
	edu->stop_err = ftio_adapter_errno(ad) ?: -EIO;
	mutex_unlock(&edu->lock);
}

/* After a reset: is it still an edu? Then no interrupt pending, none asked. */
static int edu_reinit(struct ftio_adapter *ad)
{
	struct edu *edu = ad->drvdata;
	u32 id = ftio_readl(ad, edu->mmio + EDU_ID);

	if ((id & 0xffff) != 0x00ed)
		return -EIO;
	ftio_writel(ad, 0, edu->mmio + EDU_STATUS);
	ftio_writel(ad, ~0U, edu->mmio + EDU_IRQ_ACK);
	mutex_lock(&edu->lock);
	edu->irqs = 0;
	edu->stopped = false;
	mutex_unlock(&edu->lock);
	return 0;
}

static const struct ftio_adapter_ops edu_ops = {
	.quiesce = edu_quiesce,
	.reinit = edu_reinit,
};

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct edu *edu;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(0), KBUILD_MODNAME);
	if (ret)
		return ret;
	/* The device drives 28 address bits. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(28));
	if (ret)
		return ret;
	pci_set_master(pdev);
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (ret < 0)
		return ret;

	ret = -ENOMEM;
	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		goto err_vectors;
	kref_init(&edu->ref);
	mutex_init(&edu->lock);
	edu->mmio = pcim_iomap_table(pdev)[0];
	edu->id = ida_alloc(&edu_ida, GFP_KERNEL);
	if (edu->id < 0) {
		ret = edu->id;
		kfree(edu);
		goto err_vectors;
	}
	/* From here, edu_release() undoes what was done. */
	edu->buf = ftio_pool_zalloc(FTIO_EDU_BUF_SIZE + 1, GFP_KERNEL | GFP_DMA, EDU_TAG);
	if (!edu->buf)
		goto err_edu;

	edu->ad = ftio_adapter_register(pdev, &edu_ops, edu);
	if (IS_ERR(edu->ad)) {
		ret = PTR_ERR(edu->ad);
		goto err_edu;
	}
	ret = edu_reinit(edu->ad);
	if (ret) {
		dev_err(&pdev->dev, "not an edu device (identification %#x)\n",
			ftio_readl(edu->ad, edu->mmio + EDU_ID));
		goto err_adapter;
	}
	ret = ftio_adapter_request_irq(edu->ad, 0, edu_irq, KBUILD_MODNAME, edu);
	if (ret)
		goto err_adapter;

	snprintf(edu->name, sizeof(edu->name), "ftio-edu%d", edu->id);
	edu->misc.minor = MISC_DYNAMIC_MINOR;
	edu->misc.name = edu->name;
	edu->misc.fops = &edu_fops;
	edu->misc.parent = &pdev->dev;
	pci_set_drvdata(pdev, edu);
	ret = misc_register(&edu->misc);
	if (ret)
		goto err_adapter;
	dev_info(&pdev->dev, "/dev/%s, hardened\n", edu->name);
	return 0;

err_adapter:
	ftio_adapter_unregister(edu->ad);
err_edu:
	kref_put(&edu->ref, edu_release);
err_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

static void edu_remove(struct pci_dev *pdev)
{
	struct edu *edu = pci_get_drvdata(pdev);

	/* No new open; then no request (quiesce waits for those in progress). */
	misc_deregister(&edu->misc);
	ftio_adapter_unregister(edu->ad);
	mutex_lock(&edu->lock);
	edu->removed = true;
	edu->ad = NULL;
	mutex_unlock(&edu->lock);
	pci_free_irq_vectors(pdev);
	kref_put(&edu->ref, edu_release);
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

/* ftio_pci_register_driver() installs the shim's error handlers. */
static struct pci_driver edu_driver = {
	.name = KBUILD_MODNAME,
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};

static int __init edu_init(void)
{
	return ftio_pci_register_driver(&edu_driver);
}

static void __exit edu_exit(void)
{
	pci_unregister_driver(&edu_driver);
}

module_init(edu_init);
module_exit(edu_exit);

MODULE_DESCRIPTION("Hardened driver of QEMU's edu device, on ftio_harden");
MODULE_AUTHOR("The ftio developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(FTIO_VERSION);
