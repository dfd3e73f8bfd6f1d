// SPDX-License-Identifier: GPL-2.0
/*
 * FTIO_HAVE_NLA_RANGE_CONST: nla_policy's range pointers are const (6.4),
 * as the YNL generator's range tables are.
 */
#include <net/netlink.h>

static_assert(__builtin_types_compatible_p(typeof(((struct nla_policy *)0)->range),
					   const struct netlink_range_validation *));
