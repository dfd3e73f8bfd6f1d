// SPDX-License-Identifier: GPL-2.0
/*
 * ftio_pooltag's commands in the ftio netlink family: pool-get (dump all
 * tags or one) and pool-set (a tag's controls). ftio_core validates the
 * attributes against the policies generated from the YNL spec and routes
 * the commands here.
 */
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <kunit/visibility.h>

#include "ftio_compat.h"
#include "pooltag.h"

static int ftio_pt_nl_tag(const struct nlattr *attr, u32 *tag,
			  struct netlink_ext_ack *extack)
{
	const char *s = nla_data(attr);

	if (strnlen(s, nla_len(attr)) != 4 ||
	    !ftio_pool_tag_valid(FTIO_TAG(s[0], s[1], s[2], s[3]))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "ftio: a tag is four printable ASCII characters");
		return -EINVAL;
	}
	*tag = FTIO_TAG(s[0], s[1], s[2], s[3]);
	return 0;
}

static int ftio_pt_nl_fill(struct sk_buff *skb, struct ftio_pt_tag *t,
			   u32 portid, u32 seq, int flags, u8 cmd)
{
	struct ftio_pt_stats st;
	char name[5];
	void *hdr;

	hdr = ftio_nl_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	ftio_pt_stats(t, &st);
	ftio_pt_tag_name(t->tag, name);
	if (nla_put_string(skb, FTIO_A_POOL_TAG, name) ||
	    nla_put_string(skb, FTIO_A_POOL_DESCRIPTION, t->desc) ||
	    nla_put_string(skb, FTIO_A_POOL_OWNER, t->owner_name) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_ALLOCS, st.allocs, 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_FREES, st.frees, 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_LIVE_OBJECTS, st.live_objects, 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_LIVE_BYTES, st.live_bytes, 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_PEAK_BYTES, st.peak_bytes, 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_FAILURES, st.failures, 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_QUOTA_HITS,
			      atomic64_read(&t->quota_hits), 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_INJECTED,
			      atomic64_read(&t->injected), 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_MISMATCHES,
			      atomic64_read(&t->mismatches), 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_BAD_FREES,
			      atomic64_read(&t->bad_frees), 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_SPECIAL_ALLOCS,
			      atomic64_read(&t->special_allocs), 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_QUOTA, READ_ONCE(t->quota), 0) ||
	    nla_put_u32(skb, FTIO_A_POOL_SPECIAL, READ_ONCE(t->special)) ||
	    nla_put_u32(skb, FTIO_A_POOL_FAIL_PPM, READ_ONCE(t->fail_ppm)) ||
	    nla_put_u32(skb, FTIO_A_POOL_FAIL_INTERVAL, READ_ONCE(t->fail_interval)) ||
	    nla_put_u32(skb, FTIO_A_POOL_FAIL_TIMES,
			READ_ONCE(t->fail_limited) ? atomic_read(&t->fail_left) : 0) ||
	    nla_put_u32(skb, FTIO_A_POOL_TRACK,
			!!(READ_ONCE(t->flags) & FTIO_PT_TRACK)) ||
	    nla_put_u64_64bit(skb, FTIO_A_POOL_TRACKED,
			      atomic64_read(&t->tracked), 0)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Dump state in cb->ctx: an optional tag filter and the next index. */
struct ftio_pt_dump {
	u32 tag;
	bool one;
	unsigned int idx;
};

static int ftio_pt_get_start(struct netlink_callback *cb)
{
	struct ftio_pt_dump *d = (struct ftio_pt_dump *)cb->ctx;
	struct nlattr **attrs = ftio_dump_attrs(cb);
	int ret;

	BUILD_BUG_ON(sizeof(*d) > sizeof(cb->ctx));
	memset(d, 0, sizeof(*d));
	if (!attrs || !attrs[FTIO_A_POOL_TAG])
		return 0;
	ret = ftio_pt_nl_tag(attrs[FTIO_A_POOL_TAG], &d->tag, cb->extack);
	if (ret)
		return ret;
	if (!ftio_pt_find(d->tag)) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[FTIO_A_POOL_TAG],
				    "ftio: no such pool tag");
		return -ENOENT;
	}
	d->one = true;
	return 0;
}

static int ftio_pt_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ftio_pt_dump *d = (struct ftio_pt_dump *)cb->ctx;
	struct ftio_pt_tag *t;
	unsigned int i = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(t, &ftio_pt_tags, node) {
		if (i++ < d->idx)
			continue;
		if (d->one && t->tag != d->tag) {
			d->idx = i;
			continue;
		}
		if (ftio_pt_nl_fill(skb, t, NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI,
				    FTIO_CMD_POOL_GET))
			break;
		d->idx = i;
	}
	rcu_read_unlock();
	return skb->len;
}

/* Apply the controls in attrs; describe them in msg. */
static int ftio_pt_apply(struct ftio_pt_tag *t, struct nlattr **attrs,
			 char *msg, size_t len)
{
	size_t n = 0;

#define SAY(...) (n += scnprintf(msg + n, len - n, __VA_ARGS__))
	if (attrs[FTIO_A_POOL_QUOTA]) {
		u64 q = nla_get_u64(attrs[FTIO_A_POOL_QUOTA]);

		ftio_pt_set_quota(t, q);
		if (q)
			SAY(" quota %llu bytes;", q);
		else
			SAY(" no quota;");
	}
	if (attrs[FTIO_A_POOL_SPECIAL]) {
		u32 mode = nla_get_u32(attrs[FTIO_A_POOL_SPECIAL]);

		ftio_pt_set_special(t, mode);
		SAY(" special pool %s;", mode == FTIO_SPECIAL_MODE_OFF ? "off" :
		    mode == FTIO_SPECIAL_MODE_UNDERRUN ? "underrun" : "overrun");
	}
	if (attrs[FTIO_A_POOL_FAIL_PPM] || attrs[FTIO_A_POOL_FAIL_INTERVAL] ||
	    attrs[FTIO_A_POOL_FAIL_TIMES]) {
		u32 ppm = attrs[FTIO_A_POOL_FAIL_PPM] ?
			  nla_get_u32(attrs[FTIO_A_POOL_FAIL_PPM]) : t->fail_ppm;
		u32 every = attrs[FTIO_A_POOL_FAIL_INTERVAL] ?
			    nla_get_u32(attrs[FTIO_A_POOL_FAIL_INTERVAL]) :
			    t->fail_interval;
		u32 times = attrs[FTIO_A_POOL_FAIL_TIMES] ?
			    nla_get_u32(attrs[FTIO_A_POOL_FAIL_TIMES]) :
			    (t->fail_limited ? atomic_read(&t->fail_left) : 0);

		ftio_pt_set_fail(t, ppm, every, times);
		if (ppm)
			SAY(" failures %u ppm, interval %u, times %u;", ppm, every,
			    times);
		else
			SAY(" no failures;");
	}
	if (attrs[FTIO_A_POOL_TRACK]) {
		bool on = nla_get_u32(attrs[FTIO_A_POOL_TRACK]);

		ftio_pt_set_track(t, on);
		SAY(" tracking %s;", on ? "on" : "off");
	}
	if (attrs[FTIO_A_POOL_DESCRIPTION]) {
		mutex_lock(&ftio_pt_lock);
		strscpy(t->desc, nla_data(attrs[FTIO_A_POOL_DESCRIPTION]),
			sizeof(t->desc));
		mutex_unlock(&ftio_pt_lock);
		SAY(" description set;");
	}
#undef SAY
	if (n)
		msg[n - 1] = '\0';	/* the last ';' */
	return n;
}

/**
 * ftio_pt_set() - check and apply a pool-set request to a tag
 * @t: the tag
 * @attrs: the request's attributes
 * @extack: where to say what was wrong
 *
 * Return: 0 or -EINVAL.
 */
int ftio_pt_set(struct ftio_pt_tag *t, struct nlattr **attrs,
		struct netlink_ext_ack *extack)
{
	static const int controls[] = {
		FTIO_A_POOL_QUOTA, FTIO_A_POOL_SPECIAL, FTIO_A_POOL_FAIL_PPM,
		FTIO_A_POOL_FAIL_INTERVAL, FTIO_A_POOL_FAIL_TIMES, FTIO_A_POOL_TRACK,
	};
	char msg[FTIO_EVENT_MESSAGE_LEN];
	char name[5];
	unsigned int i;
	int n;

	if (t->tag == FTIO_PT_SELF_TAG) {
		for (i = 0; i < ARRAY_SIZE(controls); i++) {
			if (attrs[controls[i]]) {
				NL_SET_ERR_MSG_ATTR(extack, attrs[controls[i]],
						    "ftio: ftio_pooltag's own tag takes no controls");
				return -EINVAL;
			}
		}
	}
	n = ftio_pt_apply(t, attrs, msg, sizeof(msg));
	if (n) {
		ftio_pt_tag_name(t->tag, name);
		ftio_event_emit(&ftio_pt_module, FTIO_EVENT_CODE_POOL_TAG_CHANGED,
				NULL, name, "%s:%s", name, msg);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_pt_set);

static int ftio_pt_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ftio_pt_tag *t;
	struct sk_buff *msg;
	u32 tag;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, FTIO_A_POOL_TAG)) {
		NL_SET_ERR_MSG(info->extack, "ftio: pool-set needs a tag");
		return -EINVAL;
	}
	ret = ftio_pt_nl_tag(info->attrs[FTIO_A_POOL_TAG], &tag, info->extack);
	if (ret)
		return ret;
	t = ftio_pt_get(tag, NULL, GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	ret = ftio_pt_set(t, info->attrs, info->extack);
	if (ret)
		return ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = ftio_pt_nl_fill(msg, t, info->snd_portid, info->snd_seq, 0,
			      FTIO_CMD_POOL_SET);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

const struct ftio_nl_handler ftio_pt_nl_handlers[2] = {
	{
		.cmd = FTIO_CMD_POOL_GET,
		.start = ftio_pt_get_start,
		.dumpit = ftio_pt_get_dumpit,
	},
	{
		.cmd = FTIO_CMD_POOL_SET,
		.doit = ftio_pt_set_doit,
	},
};
