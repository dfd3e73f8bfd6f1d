/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the kernels ftio builds for, decided by
 * the feature probes in compat/probes/ (see compat/conftest.sh), never by
 * version numbers. Each FTIO_HAVE_* comes from the generated header.
 */
#ifndef _FTIO_COMPAT_H
#define _FTIO_COMPAT_H

#include "generated/ftio_probes.h"

#include <net/genetlink.h>

/* Attributes of a dump request, parsed by genetlink against the policy. */
static inline struct nlattr **ftio_dump_attrs(struct netlink_callback *cb)
{
#ifdef FTIO_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _FTIO_COMPAT_H */
