/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ftio_edu: the hardened driver of QEMU's edu device (PCI 1234:11e8).
 *
 * /dev/ftio-eduN: read() and write() at offsets 0 to 4094 move data by
 * DMA through the device's buffer; lseek() within it. Errors: EIO
 * while the adapter is isolated or failed, ENODEV once it is gone,
 * ETIMEDOUT if the device did not answer in time (the adapter is then
 * isolated).
 */
#ifndef _UAPI_LINUX_FTIO_EDU_H
#define _UAPI_LINUX_FTIO_EDU_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * The bytes of the device's 4 KiB buffer a transfer can reach: QEMU's edu
 * refuses (and stops the machine on) a transfer that ends at the buffer's
 * end, so its last byte is left out.
 */
#define FTIO_EDU_BUF_SIZE	4095

/*
 * In: n; out: n! modulo 2^32, computed by the device (an MMIO write, then
 * an interrupt).
 */
#define FTIO_EDU_FACTORIAL	_IOWR('e', 1, __u32)

#endif /* _UAPI_LINUX_FTIO_EDU_H */
