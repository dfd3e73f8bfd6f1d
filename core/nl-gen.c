// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ftio.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "nl-gen.h"

#include <uapi/linux/ftio.h>

/* Integer value ranges */
static const struct netlink_range_validation ftio_a_pool_quota_range = {
	.max	= S64_MAX,
};

static const struct netlink_range_validation ftio_a_pool_fail_ppm_range = {
	.max	= 1000000ULL,
};

static const struct netlink_range_validation ftio_a_pool_fail_interval_range = {
	.max	= 1000000ULL,
};

static const struct netlink_range_validation ftio_a_pool_fail_times_range = {
	.max	= S32_MAX,
};

static const struct netlink_range_validation ftio_a_mpio_dev_failback_delay_range = {
	.max	= 86400ULL,
};

/* FTIO_CMD_EVENT_GET - dump */
static const struct nla_policy ftio_event_get_nl_policy[FTIO_A_EVENT_MIN_SEVERITY + 1] = {
	[FTIO_A_EVENT_SINCE] = { .type = NLA_U64, },
	[FTIO_A_EVENT_MIN_SEVERITY] = NLA_POLICY_MAX(NLA_U32, 5),
};

/* FTIO_CMD_EVENT_POST - do */
static const struct nla_policy ftio_event_post_nl_policy[FTIO_A_EVENT_MESSAGE + 1] = {
	[FTIO_A_EVENT_SEVERITY] = NLA_POLICY_MAX(NLA_U32, 5),
	[FTIO_A_EVENT_OBJECT] = { .type = NLA_NUL_STRING, .len = 63, },
	[FTIO_A_EVENT_MESSAGE] = { .type = NLA_NUL_STRING, .len = 159, },
};

/* FTIO_CMD_POOL_GET - dump */
static const struct nla_policy ftio_pool_get_nl_policy[FTIO_A_POOL_TAG + 1] = {
	[FTIO_A_POOL_TAG] = { .type = NLA_NUL_STRING, .len = 4, },
};

/* FTIO_CMD_POOL_SET - do */
static const struct nla_policy ftio_pool_set_nl_policy[FTIO_A_POOL_TRACK + 1] = {
	[FTIO_A_POOL_TAG] = { .type = NLA_NUL_STRING, .len = 4, },
	[FTIO_A_POOL_DESCRIPTION] = { .type = NLA_NUL_STRING, .len = 63, },
	[FTIO_A_POOL_QUOTA] = NLA_POLICY_FULL_RANGE(NLA_U64, &ftio_a_pool_quota_range),
	[FTIO_A_POOL_SPECIAL] = NLA_POLICY_MAX(NLA_U32, 2),
	[FTIO_A_POOL_FAIL_PPM] = NLA_POLICY_FULL_RANGE(NLA_U32, &ftio_a_pool_fail_ppm_range),
	[FTIO_A_POOL_FAIL_INTERVAL] = NLA_POLICY_FULL_RANGE(NLA_U32, &ftio_a_pool_fail_interval_range),
	[FTIO_A_POOL_FAIL_TIMES] = NLA_POLICY_FULL_RANGE(NLA_U32, &ftio_a_pool_fail_times_range),
	[FTIO_A_POOL_TRACK] = NLA_POLICY_MAX(NLA_U32, 1),
};

/* FTIO_CMD_MPIO_DEV_NEW - do */
static const struct nla_policy ftio_mpio_dev_new_nl_policy[FTIO_A_MPIO_DEV_POLICY + 1] = {
	[FTIO_A_MPIO_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[FTIO_A_MPIO_DEV_POLICY] = NLA_POLICY_MAX(NLA_U32, 4),
};

/* FTIO_CMD_MPIO_DEV_DEL - do */
static const struct nla_policy ftio_mpio_dev_del_nl_policy[FTIO_A_MPIO_DEV_NAME + 1] = {
	[FTIO_A_MPIO_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* FTIO_CMD_MPIO_DEV_GET - dump */
static const struct nla_policy ftio_mpio_dev_get_nl_policy[FTIO_A_MPIO_DEV_NAME + 1] = {
	[FTIO_A_MPIO_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* FTIO_CMD_MPIO_DEV_SET - do */
static const struct nla_policy ftio_mpio_dev_set_nl_policy[FTIO_A_MPIO_DEV_RR_REPEAT + 1] = {
	[FTIO_A_MPIO_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[FTIO_A_MPIO_DEV_POLICY] = NLA_POLICY_MAX(NLA_U32, 4),
	[FTIO_A_MPIO_DEV_FAILBACK] = NLA_POLICY_MAX(NLA_U32, 2),
	[FTIO_A_MPIO_DEV_FAILBACK_DELAY] = NLA_POLICY_FULL_RANGE(NLA_U32, &ftio_a_mpio_dev_failback_delay_range),
	[FTIO_A_MPIO_DEV_NO_PATH_RETRY] = NLA_POLICY_MIN(NLA_S32, FTIO_NO_PATH_QUEUE_FOREVER),
	[FTIO_A_MPIO_DEV_PROBE_INTERVAL] = NLA_POLICY_MAX(NLA_U32, 3600),
	[FTIO_A_MPIO_DEV_GROUP] = NLA_POLICY_MAX(NLA_U32, 1000),
	[FTIO_A_MPIO_DEV_FAIL_QUEUED] = NLA_POLICY_MAX(NLA_U32, 1),
	[FTIO_A_MPIO_DEV_PROBE] = NLA_POLICY_MAX(NLA_U32, 1),
	[FTIO_A_MPIO_DEV_RR_REPEAT] = NLA_POLICY_RANGE(NLA_U32, 1, 1000),
};

/* FTIO_CMD_MPIO_PATH_ADD - do */
static const struct nla_policy ftio_mpio_path_add_nl_policy[FTIO_A_MPIO_PATH_WEIGHT + 1] = {
	[FTIO_A_MPIO_PATH_DEV] = { .type = NLA_NUL_STRING, .len = 31, },
	[FTIO_A_MPIO_PATH_BDEV] = { .type = NLA_NUL_STRING, .len = 127, },
	[FTIO_A_MPIO_PATH_GROUP] = NLA_POLICY_MAX(NLA_U32, 1000),
	[FTIO_A_MPIO_PATH_PRIORITY] = NLA_POLICY_MAX(NLA_U32, 1000),
	[FTIO_A_MPIO_PATH_WEIGHT] = NLA_POLICY_RANGE(NLA_U32, 1, 1000),
};

/* FTIO_CMD_MPIO_PATH_DEL - do */
static const struct nla_policy ftio_mpio_path_del_nl_policy[FTIO_A_MPIO_PATH_BDEV + 1] = {
	[FTIO_A_MPIO_PATH_DEV] = { .type = NLA_NUL_STRING, .len = 31, },
	[FTIO_A_MPIO_PATH_ID] = { .type = NLA_U32, },
	[FTIO_A_MPIO_PATH_BDEV] = { .type = NLA_NUL_STRING, .len = 127, },
};

/* FTIO_CMD_MPIO_PATH_SET - do */
static const struct nla_policy ftio_mpio_path_set_nl_policy[FTIO_A_MPIO_PATH_WEIGHT + 1] = {
	[FTIO_A_MPIO_PATH_DEV] = { .type = NLA_NUL_STRING, .len = 31, },
	[FTIO_A_MPIO_PATH_ID] = { .type = NLA_U32, },
	[FTIO_A_MPIO_PATH_BDEV] = { .type = NLA_NUL_STRING, .len = 127, },
	[FTIO_A_MPIO_PATH_GROUP] = NLA_POLICY_MAX(NLA_U32, 1000),
	[FTIO_A_MPIO_PATH_PRIORITY] = NLA_POLICY_MAX(NLA_U32, 1000),
	[FTIO_A_MPIO_PATH_WEIGHT] = NLA_POLICY_RANGE(NLA_U32, 1, 1000),
};

/* FTIO_CMD_MPIO_PATH_FAIL - do */
static const struct nla_policy ftio_mpio_path_fail_nl_policy[FTIO_A_MPIO_PATH_BDEV + 1] = {
	[FTIO_A_MPIO_PATH_DEV] = { .type = NLA_NUL_STRING, .len = 31, },
	[FTIO_A_MPIO_PATH_ID] = { .type = NLA_U32, },
	[FTIO_A_MPIO_PATH_BDEV] = { .type = NLA_NUL_STRING, .len = 127, },
};

/* FTIO_CMD_MPIO_PATH_REINSTATE - do */
static const struct nla_policy ftio_mpio_path_reinstate_nl_policy[FTIO_A_MPIO_PATH_BDEV + 1] = {
	[FTIO_A_MPIO_PATH_DEV] = { .type = NLA_NUL_STRING, .len = 31, },
	[FTIO_A_MPIO_PATH_ID] = { .type = NLA_U32, },
	[FTIO_A_MPIO_PATH_BDEV] = { .type = NLA_NUL_STRING, .len = 127, },
};

/* FTIO_CMD_MPIO_PATH_GET - dump */
static const struct nla_policy ftio_mpio_path_get_nl_policy[FTIO_A_MPIO_PATH_DEV + 1] = {
	[FTIO_A_MPIO_PATH_DEV] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* Ops table for ftio */
static const struct genl_split_ops ftio_nl_ops[] = {
	{
		.cmd	= FTIO_CMD_CORE_GET,
		.doit	= ftio_nl_core_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= FTIO_CMD_EVENT_GET,
		.start		= ftio_nl_event_get_start,
		.dumpit		= ftio_nl_event_get_dumpit,
		.policy		= ftio_event_get_nl_policy,
		.maxattr	= FTIO_A_EVENT_MIN_SEVERITY,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= FTIO_CMD_EVENT_POST,
		.doit		= ftio_nl_event_post_doit,
		.policy		= ftio_event_post_nl_policy,
		.maxattr	= FTIO_A_EVENT_MESSAGE,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= FTIO_CMD_CATALOGUE_GET,
		.start	= ftio_nl_no_attrs_start,
		.dumpit	= ftio_nl_catalogue_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= FTIO_CMD_POOL_GET,
		.start		= ftio_nl_pool_get_start,
		.dumpit		= ftio_nl_pool_get_dumpit,
		.done		= ftio_nl_pool_get_done,
		.policy		= ftio_pool_get_nl_policy,
		.maxattr	= FTIO_A_POOL_TAG,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= FTIO_CMD_POOL_SET,
		.doit		= ftio_nl_pool_set_doit,
		.policy		= ftio_pool_set_nl_policy,
		.maxattr	= FTIO_A_POOL_TRACK,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= FTIO_CMD_MPIO_DEV_NEW,
		.doit		= ftio_nl_mpio_dev_new_doit,
		.policy		= ftio_mpio_dev_new_nl_policy,
		.maxattr	= FTIO_A_MPIO_DEV_POLICY,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= FTIO_CMD_MPIO_DEV_DEL,
		.doit		= ftio_nl_mpio_dev_del_doit,
		.policy		= ftio_mpio_dev_del_nl_policy,
		.maxattr	= FTIO_A_MPIO_DEV_NAME,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= FTIO_CMD_MPIO_DEV_GET,
		.start		= ftio_nl_mpio_dev_get_start,
		.dumpit		= ftio_nl_mpio_dev_get_dumpit,
		.done		= ftio_nl_mpio_dev_get_done,
		.policy		= ftio_mpio_dev_get_nl_policy,
		.maxattr	= FTIO_A_MPIO_DEV_NAME,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= FTIO_CMD_MPIO_DEV_SET,
		.doit		= ftio_nl_mpio_dev_set_doit,
		.policy		= ftio_mpio_dev_set_nl_policy,
		.maxattr	= FTIO_A_MPIO_DEV_RR_REPEAT,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= FTIO_CMD_MPIO_PATH_ADD,
		.doit		= ftio_nl_mpio_path_add_doit,
		.policy		= ftio_mpio_path_add_nl_policy,
		.maxattr	= FTIO_A_MPIO_PATH_WEIGHT,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= FTIO_CMD_MPIO_PATH_DEL,
		.doit		= ftio_nl_mpio_path_del_doit,
		.policy		= ftio_mpio_path_del_nl_policy,
		.maxattr	= FTIO_A_MPIO_PATH_BDEV,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= FTIO_CMD_MPIO_PATH_SET,
		.doit		= ftio_nl_mpio_path_set_doit,
		.policy		= ftio_mpio_path_set_nl_policy,
		.maxattr	= FTIO_A_MPIO_PATH_WEIGHT,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= FTIO_CMD_MPIO_PATH_FAIL,
		.doit		= ftio_nl_mpio_path_fail_doit,
		.policy		= ftio_mpio_path_fail_nl_policy,
		.maxattr	= FTIO_A_MPIO_PATH_BDEV,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= FTIO_CMD_MPIO_PATH_REINSTATE,
		.doit		= ftio_nl_mpio_path_reinstate_doit,
		.policy		= ftio_mpio_path_reinstate_nl_policy,
		.maxattr	= FTIO_A_MPIO_PATH_BDEV,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= FTIO_CMD_MPIO_PATH_GET,
		.start		= ftio_nl_mpio_path_get_start,
		.dumpit		= ftio_nl_mpio_path_get_dumpit,
		.done		= ftio_nl_mpio_path_get_done,
		.policy		= ftio_mpio_path_get_nl_policy,
		.maxattr	= FTIO_A_MPIO_PATH_DEV,
		.flags		= GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group ftio_nl_mcgrps[] = {
	[FTIO_NLGRP_EVENTS] = { "events", },
};

struct genl_family ftio_nl_family __ro_after_init = {
	.name		= FTIO_FAMILY_NAME,
	.version	= FTIO_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= ftio_nl_ops,
	.n_split_ops	= ARRAY_SIZE(ftio_nl_ops),
	.mcgrps		= ftio_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(ftio_nl_mcgrps),
};
