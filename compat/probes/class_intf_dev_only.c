// SPDX-License-Identifier: GPL-2.0
/*
 * FTIO_HAVE_CLASS_INTF_DEV_ONLY: class interface callbacks take the
 * device alone (6.4+).
 */
#include <linux/device.h>
#include <linux/build_bug.h>

static_assert(__builtin_types_compatible_p(typeof(((struct class_interface *)0)->add_dev),
					   int (*)(struct device *)));
