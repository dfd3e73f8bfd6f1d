// SPDX-License-Identifier: GPL-2.0
/*
 * ftioctl's netlink plumbing on top of libnl-genl-3: resolving the ftio
 * family, requests with extended-ack error messages, and the multicast
 * socket for events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "ftioctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static void enable_ext_ack(struct nl_sock *sk)
{
	int one = 1;

	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
}

int ftio_nl_open(struct ftio_nl *nl)
{
	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		warnx_("out of memory");
		return EXIT_FAIL;
	}
	if (genl_connect(nl->sk)) {
		warnx_("cannot open a generic netlink socket");
		nl_socket_free(nl->sk);
		return EXIT_FAIL;
	}
	enable_ext_ack(nl->sk);
	nl->family = genl_ctrl_resolve(nl->sk, FTIO_FAMILY_NAME);
	if (nl->family < 0) {
		if (access("/sys/module/ftio_core", F_OK) == 0)
			warnx_("the ftio family is served in the initial network namespace only");
		else
			warnx_("ftio_core is not loaded: modprobe ftio_core");
		nl_socket_free(nl->sk);
		nl->sk = NULL;
		return EXIT_UNAVAIL;
	}
	return EXIT_OK;
}

void ftio_nl_close(struct ftio_nl *nl)
{
	free(nl->req);
	nl->req = NULL;
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *ftio_nl_msg(struct ftio_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, FTIO_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * The extended ack points at the offending attribute by its offset in the
 * request: name it (from the spec's tables) and give the policy's limits,
 * so that "integer out of range" says which value and what range.
 */
static void name_bad_attr(struct ftio_nl *nl, uint32_t offs, struct nlattr *pol)
{
	const struct nlmsghdr *req = nl->req;
	const struct genlmsghdr *gh;
	struct nlattr *a, *tb[NL_POLICY_TYPE_ATTR_MAX + 1];
	const char *name = NULL;
	size_t n = strlen(nl->errmsg);
	int rem;

	if (!req || req->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return;
	gh = NLMSG_DATA(req);
	nla_for_each_attr(a, (struct nlattr *)((char *)gh + GENL_HDRLEN),
			  req->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, rem) {
		if ((char *)a - (char *)req == (long)offs) {
			name = gh->cmd <= FTIO_CMD_MAX ?
			       spec_name(ftio_op_attrs[gh->cmd], nla_type(a)) : NULL;
			break;
		}
	}
	if (!name)
		return;
	n += snprintf(nl->errmsg + n, sizeof(nl->errmsg) - n, "%sattribute %s",
		      n ? ": " : "", name);
	if (n >= sizeof(nl->errmsg) || !pol ||
	    nla_parse_nested(tb, NL_POLICY_TYPE_ATTR_MAX, pol, NULL))
		return;
	if (tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_S] && tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_S])
		snprintf(nl->errmsg + n, sizeof(nl->errmsg) - n, ", %lld..%lld",
			 (long long)nla_get_s64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_S]),
			 (long long)nla_get_s64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]));
	else if (tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] && tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U])
		snprintf(nl->errmsg + n, sizeof(nl->errmsg) - n, ", %llu..%llu",
			 (unsigned long long)nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]),
			 (unsigned long long)nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]));
}

/* Pull the kernel's message out of an extended ack. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct ftio_nl *nl = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int hlen = sizeof(*err);

	nl->err = err->error;
	nl->errmsg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += err->msg.nlmsg_len - NLMSG_HDRLEN;
	if (nlh->nlmsg_len < (unsigned int)(NLMSG_HDRLEN + hlen))
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)err + hlen),
		      nlh->nlmsg_len - NLMSG_HDRLEN - hlen, NULL))
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS])
		name_bad_attr(nl, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]),
			      tb[NLMSGERR_ATTR_POLICY]);
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	*(int *)arg = 1;
	return NL_SKIP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	*(int *)arg = 1;
	return NL_STOP;
}

int ftio_nl_run(struct ftio_nl *nl, struct nl_msg *msg,
		int (*cb)(struct nl_msg *msg, void *arg), void *arg)
{
	struct nl_cb *c = nl_cb_alloc(NL_CB_DEFAULT);
	int done = 0, ret;

	if (!c) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl->err = 0;
	nl->errmsg[0] = '\0';
	nl_cb_err(c, NL_CB_CUSTOM, on_error, nl);
	nl_cb_set(c, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &done);
	nl_cb_set(c, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &done);
	if (cb)
		nl_cb_set(c, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);

	ret = nl_send_auto(nl->sk, msg);
	/* Kept until the answer: an extended ack points into it. */
	free(nl->req);
	nl->req = malloc(nlmsg_hdr(msg)->nlmsg_len);
	if (nl->req)
		memcpy(nl->req, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(c);
		return -EIO;
	}
	while (!done && !nl->err) {
		ret = nl_recvmsgs(nl->sk, c);
		if (ret == -NLE_DUMP_INTR) {
			/* The ring moved under the dump: the caller retries. */
			nl->err = -EINTR;
			break;
		}
		if (ret < 0 && !nl->err) {
			nl->err = -EIO;
			break;
		}
	}
	nl_cb_put(c);
	return nl->err;
}

int ftio_nl_fail(struct ftio_nl *nl, const char *what, int err)
{
	if (nl->errmsg[0])
		warnx_("%s: %s (%s)", what, txt(nl->errmsg), strerror(-err));
	else if (err == -EPERM)
		/* The family's own check (CAP_NET_ADMIN) says nothing more. */
		warnx_("%s: %s (needs CAP_SYS_ADMIN and CAP_NET_ADMIN)", what,
		       strerror(-err));
	else
		warnx_("%s: %s", what, strerror(-err));
	switch (err) {
	case -EINVAL:
	case -ERANGE:
		return EXIT_USAGE;
	case -ENOENT:
	case -ENODEV:
	case -ENXIO:
		return EXIT_NOTFOUND;
	case -EPERM:
	case -EACCES:
		return EXIT_PERM;
	case -EOPNOTSUPP:
		return EXIT_UNAVAIL;	/* the module that serves it is missing */
	default:
		return EXIT_FAIL;
	}
}

struct nl_sock *ftio_nl_events_socket(int (*cb)(struct nl_msg *, void *),
				      void *arg)
{
	struct nl_sock *sk = nl_socket_alloc();
	int grp, err = 0;

	if (!sk)
		return NULL;
	if (genl_connect(sk))
		goto fail;
	grp = genl_ctrl_resolve_grp(sk, FTIO_FAMILY_NAME, FTIO_MCGRP_EVENTS);
	if (grp < 0)
		goto fail;
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
	/* Events arrive in bursts; a large buffer makes overruns rare, and
	 * the caller recovers from one by dumping the ring again.
	 */
	nl_socket_set_buffer_size(sk, 4 << 20, 0);
	/* Joining is privileged: the events name call sites. */
	err = nl_socket_add_membership(sk, grp);
	if (err)
		goto fail;
	return sk;
fail:
	nl_socket_free(sk);
	errno = err == -NLE_PERM ? EPERM : EIO;
	return NULL;
}

struct nlattr **ftio_nl_parse(struct nl_msg *msg, struct nlattr **tb,
			      int maxattr)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));

	if (nla_parse(tb, maxattr, genlmsg_attrdata(gh, 0),
		      genlmsg_attrlen(gh, 0), NULL))
		return NULL;
	return tb;
}

int ftio_nl_request(const char *what, uint8_t cmd, int flags,
		    int (*cb)(struct nl_msg *msg, void *arg), void *arg,
		    void (*head)(void), void (*tail)(void))
{
	struct ftio_nl nl;
	struct nl_msg *msg;
	int ret;

	ret = ftio_nl_open(&nl);
	if (ret)
		return ret;
	msg = ftio_nl_msg(&nl, cmd, flags);
	if (head)
		head();
	ret = msg ? ftio_nl_run(&nl, msg, cb, arg) : -ENOMEM;
	if (tail)
		tail();
	if (ret)
		ret = ftio_nl_fail(&nl, what, ret);
	ftio_nl_close(&nl);
	return ret;
}
