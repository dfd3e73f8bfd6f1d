// SPDX-License-Identifier: GPL-2.0
/* FTIO_HAVE_GENL_SPLIT_OPS: genl_family has split_ops (6.2+). */
#include <net/genetlink.h>

static const struct genl_split_ops probe_ops[1];
struct genl_family probe_family = {
	.split_ops = probe_ops,
	.n_split_ops = 1,
};
