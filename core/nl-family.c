// SPDX-License-Identifier: GPL-2.0
/*
 * The "ftio" generic netlink family as generated from the YNL spec
 * (nl-gen.c). Kernels without split ops (before 6.2) take the same table
 * as plain genl_ops: every ftio command has either a do or a dump
 * handler with one policy, so the two representations carry the same
 * information.
 */
#include <net/netlink.h>
#include <net/genetlink.h>

#include "ftio_compat.h"
#include "internal.h"

#ifndef FTIO_HAVE_GENL_SPLIT_OPS
#define genl_split_ops genl_ops
#define split_ops ops
#define n_split_ops n_ops
#endif

#ifndef FTIO_HAVE_NLA_RANGE_CONST
/*
 * Before 6.4 nla_policy points at its range tables without const; the
 * generated tables are const, and the kernel only reads them: the same
 * policy entry, with the qualifier cast away where it is taken.
 */
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}
#endif
#include "nl-gen.c"

/**
 * ftio_nl_cmd_privileged() - whether the spec marks a command admin-perm
 * @cmd: an FTIO_CMD_* value
 *
 * The family refuses such a command to a sender without CAP_NET_ADMIN
 * before ftio sees it (GENL_ADMIN_PERM, generated from the spec's flags);
 * ftio_core then asks for CAP_SYS_ADMIN as well. One list, the spec's,
 * says which commands are privileged: the handlers do not.
 *
 * Return: true for an admin-perm command, and for a command not in the
 * table.
 */
bool ftio_nl_cmd_privileged(u8 cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ftio_nl_ops); i++)
		if (ftio_nl_ops[i].cmd == cmd)
			return ftio_nl_ops[i].flags & GENL_ADMIN_PERM;
	return true;
}

#ifdef FTIO_HAVE_GENL_MCAST_CAP
/*
 * The generated group table with the join restricted: events name call
 * sites and every module's activity, so only CAP_SYS_ADMIN may listen.
 */
static const struct genl_multicast_group ftio_nl_mcgrps_priv[] = {
	[FTIO_NLGRP_EVENTS] = { .name = FTIO_MCGRP_EVENTS,
				.flags = GENL_MCAST_CAP_SYS_ADMIN },
};
#endif

/**
 * ftio_nl_family_restrict() - what the YNL generator cannot say
 *
 * Called before the family is registered (the struct is still writable
 * then, before the module's __ro_after_init is sealed). ftio's objects
 * are the machine's, not a network namespace's, so the family exists in
 * the initial namespace only; and the events group is privileged. A
 * kernel that cannot restrict a group gets no multicast at all (see
 * ftio_netlink_deliver()).
 */
void ftio_nl_family_restrict(void)
{
	ftio_nl_family.netnsok = false;
#ifdef FTIO_HAVE_GENL_MCAST_CAP
	BUILD_BUG_ON(ARRAY_SIZE(ftio_nl_mcgrps_priv) != ARRAY_SIZE(ftio_nl_mcgrps));
	ftio_nl_family.mcgrps = ftio_nl_mcgrps_priv;
#endif
}
