// SPDX-License-Identifier: GPL-2.0
/*
 * FTIO_HAVE_GENL_MCAST_CAP: a multicast group can require a capability
 * to join (GENL_MCAST_CAP_SYS_ADMIN; 6.7, and Debian's 6.1 has it too).
 */
#include <net/genetlink.h>

const struct genl_multicast_group probe_grp = {
	.name = "probe",
	.flags = GENL_MCAST_CAP_SYS_ADMIN,
};
