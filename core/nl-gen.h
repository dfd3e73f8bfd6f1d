/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ftio.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_FTIO_GEN_H
#define _LINUX_FTIO_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/ftio.h>

int ftio_nl_event_get_start(struct netlink_callback *cb);
int ftio_nl_no_attrs_start(struct netlink_callback *cb);
int ftio_nl_pool_get_start(struct netlink_callback *cb);
int ftio_nl_mpio_dev_get_start(struct netlink_callback *cb);
int ftio_nl_mpio_path_get_start(struct netlink_callback *cb);
int ftio_nl_pool_get_done(struct netlink_callback *cb);
int ftio_nl_mpio_dev_get_done(struct netlink_callback *cb);
int ftio_nl_mpio_path_get_done(struct netlink_callback *cb);

int ftio_nl_core_get_doit(struct sk_buff *skb, struct genl_info *info);
int ftio_nl_event_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ftio_nl_event_post_doit(struct sk_buff *skb, struct genl_info *info);
int ftio_nl_catalogue_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);
int ftio_nl_pool_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ftio_nl_pool_set_doit(struct sk_buff *skb, struct genl_info *info);
int ftio_nl_mpio_dev_new_doit(struct sk_buff *skb, struct genl_info *info);
int ftio_nl_mpio_dev_del_doit(struct sk_buff *skb, struct genl_info *info);
int ftio_nl_mpio_dev_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int ftio_nl_mpio_dev_set_doit(struct sk_buff *skb, struct genl_info *info);
int ftio_nl_mpio_path_add_doit(struct sk_buff *skb, struct genl_info *info);
int ftio_nl_mpio_path_del_doit(struct sk_buff *skb, struct genl_info *info);
int ftio_nl_mpio_path_set_doit(struct sk_buff *skb, struct genl_info *info);
int ftio_nl_mpio_path_fail_doit(struct sk_buff *skb, struct genl_info *info);
int ftio_nl_mpio_path_reinstate_doit(struct sk_buff *skb,
				     struct genl_info *info);
int ftio_nl_mpio_path_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);

enum {
	FTIO_NLGRP_EVENTS,
};

extern struct genl_family ftio_nl_family;

#endif /* _LINUX_FTIO_GEN_H */
