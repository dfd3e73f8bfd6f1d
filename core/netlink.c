// SPDX-License-Identifier: GPL-2.0
/*
 * ftio_core's side of the "ftio" generic netlink family: the commands the
 * core serves itself, the multicast of events, and the trampolines that
 * route the other commands to the module that registered them.
 */
#include <linux/module.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "ftio_compat.h"
#include "internal.h"
#include "nl-gen.h"

static int ftio_nl_put_event(struct sk_buff *skb,
			     const struct ftio_event_rec *rec)
{
	if (nla_put_u64_64bit(skb, FTIO_A_EVENT_SEQ, rec->seq, 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_EVENT_REALTIME_NS, rec->realtime_ns, 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_EVENT_BOOTTIME_NS, rec->boottime_ns, 0) ||
	    nla_put_u32(skb, FTIO_A_EVENT_SEVERITY, rec->severity) ||
	    nla_put_string(skb, FTIO_A_EVENT_SOURCE, rec->source) ||
	    nla_put_string(skb, FTIO_A_EVENT_OBJECT, rec->object) ||
	    nla_put_u32(skb, FTIO_A_EVENT_CODE, rec->code) ||
	    nla_put_string(skb, FTIO_A_EVENT_MESSAGE, rec->message))
		return -EMSGSIZE;
	return 0;
}

void ftio_netlink_deliver(struct ftio_evlog *log,
			  const struct ftio_event_rec *rec)
{
	struct sk_buff *skb;
	void *hdr;

#ifndef FTIO_HAVE_GENL_MCAST_CAP
	return;	/* the group cannot be restricted: no multicast at all */
#endif
	if (!genl_has_listeners(&ftio_nl_family, &init_net, FTIO_NLGRP_EVENTS))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &ftio_nl_family, 0, FTIO_CMD_EVENT_NTF);
	if (!hdr || ftio_nl_put_event(skb, rec)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&ftio_nl_family, skb, 0, FTIO_NLGRP_EVENTS,
			  GFP_KERNEL);
}

static int ftio_nl_put_module(const struct ftio_module *mod, void *arg)
{
	struct sk_buff *skb = arg;
	struct nlattr *nest;

	nest = nla_nest_start(skb, FTIO_A_CORE_MODULE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, FTIO_A_MODULE_NAME, mod->name) ||
	    nla_put_string(skb, FTIO_A_MODULE_VERSION,
			   mod->version ? mod->version : "") ||
	    nla_put_u64_64bit(skb, FTIO_A_MODULE_EVENTS,
			      atomic64_read(&mod->events), 0)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Commands without a request policy take no attributes. Kernels that
 * route split ops leave such requests unparsed, so refuse them here
 * rather than ignore what the caller meant.
 */
static int ftio_nl_no_attrs(const struct nlmsghdr *nlh,
			    struct netlink_ext_ack *extack)
{
	if (nlmsg_attrlen(nlh, GENL_HDRLEN) <= 0)
		return 0;
	NL_SET_ERR_MSG(extack, "ftio: this command takes no attributes");
	return -EINVAL;
}

/* Start of a dump whose request takes no attributes. */
int ftio_nl_no_attrs_start(struct netlink_callback *cb)
{
	return ftio_nl_no_attrs(cb->nlh, cb->extack);
}

/*
 * The second half of the permission check of a command the spec marks
 * admin-perm (the family did the first, CAP_NET_ADMIN): ftio's privileged
 * commands change state or reveal kernel activity (call sites, the
 * allocations of every module), so they need CAP_SYS_ADMIN in the initial
 * user namespace as well, like /proc/allocinfo's 0400 or dm's ioctls.
 */
static int ftio_nl_check_perm(u8 cmd, const struct sk_buff *skb,
			      struct netlink_ext_ack *extack)
{
	if (!ftio_nl_cmd_privileged(cmd) || netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack, "ftio: this command needs CAP_SYS_ADMIN");
	return -EPERM;
}

int ftio_nl_core_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ftio_evlog_stats st;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = ftio_nl_no_attrs(info->nlhdr, info->extack);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &ftio_nl_family, 0, FTIO_CMD_CORE_GET);
	if (!hdr)
		goto too_big;

	ftio_evlog_stats(&ftio_log, &st);
	if (nla_put_string(msg, FTIO_A_CORE_VERSION, FTIO_VERSION) ||
	    ftio_module_for_each(ftio_nl_put_module, msg) ||
	    nla_put_u64_64bit(msg, FTIO_A_CORE_EV_COUNT, st.count, 0) ||
	    nla_put_u64_64bit(msg, FTIO_A_CORE_EV_DROPPED, st.dropped, 0) ||
	    nla_put_u64_64bit(msg, FTIO_A_CORE_EV_LAST_SEQ, st.last_seq, 0) ||
	    nla_put_u64_64bit(msg, FTIO_A_CORE_EV_FIRST_SEQ, st.first_seq, 0) ||
	    nla_put_u32(msg, FTIO_A_CORE_EV_RING_SIZE, st.size))
		goto too_big;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

too_big:
	nlmsg_free(msg);
	NL_SET_ERR_MSG(info->extack, "ftio: core state does not fit a message");
	return -EMSGSIZE;
}

/*
 * State of an event dump, kept in cb->ctx: the next sequence number
 * wanted, the lowest severity wanted, and whether the first record was
 * read. Records that the ring overwrites while a dump is under way mark
 * the dump interrupted (NLM_F_DUMP_INTR); a gap before the first record
 * is not an interruption: the caller asked for events the ring no longer
 * holds, and sees that from the first sequence number.
 */
struct ftio_event_dump {
	u64 next;
	u32 min_severity;
	bool started;
};

static_assert(sizeof(struct ftio_event_dump) <=
	      sizeof_field(struct netlink_callback, ctx));

int ftio_nl_event_get_start(struct netlink_callback *cb)
{
	return ftio_nl_check_perm(FTIO_CMD_EVENT_GET, cb->skb, cb->extack);
}

int ftio_nl_event_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ftio_event_dump *st = (struct ftio_event_dump *)cb->ctx;
	struct nlattr **attrs = ftio_dump_attrs(cb);
	struct ftio_event_rec rec;

	if (!st->started && !st->next) {
		st->next = attrs[FTIO_A_EVENT_SINCE] ?
			   nla_get_u64(attrs[FTIO_A_EVENT_SINCE]) : 1;
		st->min_severity = attrs[FTIO_A_EVENT_MIN_SEVERITY] ?
			nla_get_u32(attrs[FTIO_A_EVENT_MIN_SEVERITY]) : 0;
		cb->seq = 1;
	}

	while (ftio_evlog_read(&ftio_log, st->next, &rec)) {
		void *hdr;

		if (st->started && rec.seq != st->next)
			cb->seq++;
		st->started = true;
		if (rec.severity < st->min_severity) {
			st->next = rec.seq + 1;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ftio_nl_family,
				  NLM_F_MULTI, FTIO_CMD_EVENT_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (ftio_nl_put_event(skb, &rec)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		st->next = rec.seq + 1;
	}
	st->started = true;
	/* A full skb is not an error: the next call goes on from st->next. */
	return skb->len;
}

void *ftio_nl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags, u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &ftio_nl_family, flags, cmd);
}
EXPORT_SYMBOL_GPL(ftio_nl_put);

int ftio_nl_event_post_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 sev = FTIO_SEVERITY_INFO;
	const char *object = NULL;
	const char *message;
	struct sk_buff *msg;
	void *hdr;
	u64 seq;
	int ret;

	ret = ftio_nl_check_perm(FTIO_CMD_EVENT_POST, skb, info->extack);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, FTIO_A_EVENT_MESSAGE)) {
		NL_SET_ERR_MSG(info->extack, "ftio: a note needs a message");
		return -EINVAL;
	}
	message = nla_data(info->attrs[FTIO_A_EVENT_MESSAGE]);
	if (!*message) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[FTIO_A_EVENT_MESSAGE],
				    "ftio: the note's message is empty");
		return -EINVAL;
	}
	if (info->attrs[FTIO_A_EVENT_SEVERITY])
		sev = nla_get_u32(info->attrs[FTIO_A_EVENT_SEVERITY]);
	if (info->attrs[FTIO_A_EVENT_OBJECT])
		object = nla_data(info->attrs[FTIO_A_EVENT_OBJECT]);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	seq = ftio_event_post(sev, FTIO_EVENT_CODE_OPERATOR_NOTE, "core",
			      object, message, NULL);
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &ftio_nl_family, 0, FTIO_CMD_EVENT_POST);
	if (!hdr || nla_put_u64_64bit(msg, FTIO_A_EVENT_SEQ, seq, 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int ftio_nl_catalogue_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	unsigned int *idx = (unsigned int *)cb->ctx;
	const struct ftio_event_desc *d;

	for (; (d = ftio_event_desc_at(*idx)); (*idx)++) {
		void *hdr;

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ftio_nl_family,
				  NLM_F_MULTI, FTIO_CMD_CATALOGUE_GET);
		if (!hdr)
			break;
		if (nla_put_u32(skb, FTIO_A_CATALOGUE_CODE, d->code) ||
		    nla_put_string(skb, FTIO_A_CATALOGUE_NAME, d->name) ||
		    nla_put_u32(skb, FTIO_A_CATALOGUE_SEVERITY, d->severity) ||
		    nla_put_string(skb, FTIO_A_CATALOGUE_SUMMARY, d->summary) ||
		    nla_put_string(skb, FTIO_A_CATALOGUE_ACTION, d->action)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	return skb->len;
}

/*
 * Trampolines for commands that modules implement. The generated ops
 * table points at small wrappers (FTIO_NL_ROUTE_* below) that pass their
 * command, and the module to name when it is missing, to these.
 */
static int ftio_nl_not_loaded(struct netlink_ext_ack *extack, const char *msg)
{
	/* NL_SET_ERR_MSG() wants a literal; msg is one, built by a macro. */
	if (extack)
		extack->_msg = msg;
	return -EOPNOTSUPP;
}

static int ftio_nl_dispatch_doit(u8 cmd, const char *missing,
				 struct sk_buff *skb, struct genl_info *info)
{
	const struct ftio_nl_handler *h;
	struct module *owner;
	int ret;

	ret = ftio_nl_check_perm(cmd, skb, info->extack);
	if (ret)
		return ret;
	h = ftio_nl_handler_get(cmd, &owner);
	if (!h)
		return ftio_nl_not_loaded(info->extack, missing);
	ret = h->doit ? h->doit(skb, info) : -EOPNOTSUPP;
	module_put(owner);
	return ret;
}

/* A dump pins the implementing module from start to done. */
static int ftio_nl_dispatch_start(u8 cmd, const char *missing,
				  struct netlink_callback *cb)
{
	const struct ftio_nl_handler *h;
	struct module *owner;
	int ret;

	ret = ftio_nl_check_perm(cmd, cb->skb, cb->extack);
	if (ret)
		return ret;
	h = ftio_nl_handler_get(cmd, &owner);
	if (!h)
		return ftio_nl_not_loaded(cb->extack, missing);
	if (!h->dumpit) {
		module_put(owner);
		return -EOPNOTSUPP;
	}
	if (h->start)
		ret = h->start(cb);
	if (ret)
		module_put(owner);
	return ret;
}

static const struct ftio_nl_handler *ftio_nl_pinned(u8 cmd,
						    struct module **owner)
{
	const struct ftio_nl_handler *h = ftio_nl_handler_get(cmd, owner);

	/* Our start holds the real pin; drop the one just taken. */
	if (h)
		module_put(*owner);
	return h;
}

static int ftio_nl_dispatch_dumpit(u8 cmd, struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	const struct ftio_nl_handler *h;
	struct module *owner;

	h = ftio_nl_pinned(cmd, &owner);
	return h ? h->dumpit(skb, cb) : -ENODEV;
}

static int ftio_nl_dispatch_done(u8 cmd, struct netlink_callback *cb)
{
	const struct ftio_nl_handler *h;
	struct module *owner;
	int ret = 0;

	h = ftio_nl_pinned(cmd, &owner);
	if (!h)
		return 0;
	if (h->done)
		ret = h->done(cb);
	module_put(owner);
	return ret;
}

/* Where each module command goes, and what to say when it cannot. */
struct ftio_nl_route {
	u8 cmd;
	const char *missing;
};

static const struct ftio_nl_route ftio_route_pool_get = {
	FTIO_CMD_POOL_GET, "ftio: ftio_pooltag is not loaded (modprobe ftio_pooltag)"
};

static const struct ftio_nl_route ftio_route_pool_set = {
	FTIO_CMD_POOL_SET, "ftio: ftio_pooltag is not loaded (modprobe ftio_pooltag)"
};

#define FTIO_MPIO_MISSING "ftio: ftio_mpio is not loaded (modprobe ftio_mpio)"
static const struct ftio_nl_route ftio_route_mpio_dev_new = {
	FTIO_CMD_MPIO_DEV_NEW, FTIO_MPIO_MISSING
};

static const struct ftio_nl_route ftio_route_mpio_dev_del = {
	FTIO_CMD_MPIO_DEV_DEL, FTIO_MPIO_MISSING
};

static const struct ftio_nl_route ftio_route_mpio_dev_get = {
	FTIO_CMD_MPIO_DEV_GET, FTIO_MPIO_MISSING
};

static const struct ftio_nl_route ftio_route_mpio_dev_set = {
	FTIO_CMD_MPIO_DEV_SET, FTIO_MPIO_MISSING
};

static const struct ftio_nl_route ftio_route_mpio_path_add = {
	FTIO_CMD_MPIO_PATH_ADD, FTIO_MPIO_MISSING
};

static const struct ftio_nl_route ftio_route_mpio_path_del = {
	FTIO_CMD_MPIO_PATH_DEL, FTIO_MPIO_MISSING
};

static const struct ftio_nl_route ftio_route_mpio_path_set = {
	FTIO_CMD_MPIO_PATH_SET, FTIO_MPIO_MISSING
};

static const struct ftio_nl_route ftio_route_mpio_path_fail = {
	FTIO_CMD_MPIO_PATH_FAIL, FTIO_MPIO_MISSING
};

static const struct ftio_nl_route ftio_route_mpio_path_reinstate = {
	FTIO_CMD_MPIO_PATH_REINSTATE, FTIO_MPIO_MISSING
};

static const struct ftio_nl_route ftio_route_mpio_path_get = {
	FTIO_CMD_MPIO_PATH_GET, FTIO_MPIO_MISSING
};

#define FTIO_NL_ROUTE_DO(op)						\
int ftio_nl_##op##_doit(struct sk_buff *skb, struct genl_info *info)	\
{									\
	return ftio_nl_dispatch_doit(ftio_route_##op.cmd,		\
				     ftio_route_##op.missing, skb, info);\
}

#define FTIO_NL_ROUTE_DUMP(op)						\
int ftio_nl_##op##_start(struct netlink_callback *cb)			\
{									\
	return ftio_nl_dispatch_start(ftio_route_##op.cmd,		\
				      ftio_route_##op.missing, cb);	\
}									\
int ftio_nl_##op##_dumpit(struct sk_buff *skb, struct netlink_callback *cb)\
{									\
	return ftio_nl_dispatch_dumpit(ftio_route_##op.cmd, skb, cb);	\
}									\
int ftio_nl_##op##_done(struct netlink_callback *cb)			\
{									\
	return ftio_nl_dispatch_done(ftio_route_##op.cmd, cb);		\
}

FTIO_NL_ROUTE_DUMP(pool_get)
FTIO_NL_ROUTE_DO(pool_set)
FTIO_NL_ROUTE_DO(mpio_dev_new)
FTIO_NL_ROUTE_DO(mpio_dev_del)
FTIO_NL_ROUTE_DUMP(mpio_dev_get)
FTIO_NL_ROUTE_DO(mpio_dev_set)
FTIO_NL_ROUTE_DO(mpio_path_add)
FTIO_NL_ROUTE_DO(mpio_path_del)
FTIO_NL_ROUTE_DO(mpio_path_set)
FTIO_NL_ROUTE_DO(mpio_path_fail)
FTIO_NL_ROUTE_DO(mpio_path_reinstate)
FTIO_NL_ROUTE_DUMP(mpio_path_get)

int ftio_netlink_init(void)
{
	ftio_nl_family_restrict();
	return genl_register_family(&ftio_nl_family);
}

void ftio_netlink_exit(void)
{
	genl_unregister_family(&ftio_nl_family);
}
