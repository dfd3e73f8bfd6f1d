// SPDX-License-Identifier: GPL-2.0
/*
 * ftio_mpio's commands in the ftio netlink family: mpio-dev-{new,del,get,
 * set} and mpio-path-{add,del,set,fail,reinstate,get}. Attributes arrive
 * validated against the generated policies; every refusal says why.
 */

#include <net/genetlink.h>
#include <net/netlink.h>

#include "mpio.h"

static int mpio_nl_fill_dev(struct sk_buff *skb, struct mpio_dev *d, u32 portid,
			    u32 seq, int flags, u8 cmd)
{
	struct mpio_pathset *set;
	unsigned int usable;
	void *hdr;

	hdr = ftio_nl_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	rcu_read_lock();
	set = rcu_dereference(d->active);
	usable = set ? set->n : 0;
	rcu_read_unlock();
	if (nla_put_string(skb, FTIO_A_MPIO_DEV_NAME, d->name) ||
	    nla_put_string(skb, FTIO_A_MPIO_DEV_DISK, d->disk->disk_name) ||
	    nla_put_string(skb, FTIO_A_MPIO_DEV_UUID, d->uuid) ||
	    nla_put_u32(skb, FTIO_A_MPIO_DEV_POLICY, READ_ONCE(d->selector)) ||
	    nla_put_u32(skb, FTIO_A_MPIO_DEV_FAILBACK, d->failback) ||
	    nla_put_u32(skb, FTIO_A_MPIO_DEV_FAILBACK_DELAY, d->failback_delay) ||
	    nla_put_s32(skb, FTIO_A_MPIO_DEV_NO_PATH_RETRY, READ_ONCE(d->no_path_retry)) ||
	    nla_put_u32(skb, FTIO_A_MPIO_DEV_PROBE_INTERVAL, READ_ONCE(d->probe_interval)) ||
	    nla_put_u32(skb, FTIO_A_MPIO_DEV_GROUP, READ_ONCE(d->group)) ||
	    nla_put_u32(skb, FTIO_A_MPIO_DEV_QUEUED, READ_ONCE(d->nqueued)) ||
	    nla_put_u32(skb, FTIO_A_MPIO_DEV_PATHS, READ_ONCE(d->npaths)) ||
	    nla_put_u32(skb, FTIO_A_MPIO_DEV_USABLE, usable) ||
	    nla_put_u32(skb, FTIO_A_MPIO_DEV_RR_REPEAT, READ_ONCE(d->rr_repeat))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int mpio_nl_fill_path(struct sk_buff *skb, struct mpio_path *p,
			     u32 portid, u32 seq, int flags, u8 cmd)
{
	struct mpio_path_pcpu s;
	void *hdr;

	hdr = ftio_nl_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	mpio_path_stats(p, &s);
	if (nla_put_string(skb, FTIO_A_MPIO_PATH_DEV, p->dev->name) ||
	    nla_put_u32(skb, FTIO_A_MPIO_PATH_ID, p->id) ||
	    nla_put_string(skb, FTIO_A_MPIO_PATH_BDEV, p->name) ||
	    nla_put_u32(skb, FTIO_A_MPIO_PATH_STATE, atomic_read(&p->state)) ||
	    nla_put_u32(skb, FTIO_A_MPIO_PATH_GROUP, READ_ONCE(p->group)) ||
	    nla_put_u32(skb, FTIO_A_MPIO_PATH_PRIORITY, READ_ONCE(p->priority)) ||
	    nla_put_u32(skb, FTIO_A_MPIO_PATH_WEIGHT, READ_ONCE(p->weight)) ||
	    nla_put_u64_64bit(skb, FTIO_A_MPIO_PATH_IOS, s.ios, 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_MPIO_PATH_BYTES, s.bytes, 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_MPIO_PATH_ERRORS, s.errors, 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_MPIO_PATH_IN_FLIGHT, s.in_flight, 0) ||
	    nla_put_u64_64bit(skb, FTIO_A_MPIO_PATH_LATENCY_US,
			      READ_ONCE(p->latency_ns) / 1000, 0) ||
	    nla_put_s32(skb, FTIO_A_MPIO_PATH_LAST_ERROR, READ_ONCE(p->last_error)) ||
	    nla_put_u32(skb, FTIO_A_MPIO_PATH_FAIL_COUNT, atomic_read(&p->fail_count))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int mpio_nl_reply_dev(struct genl_info *info, struct mpio_dev *d, u8 cmd)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!msg)
		return -ENOMEM;
	if (mpio_nl_fill_dev(msg, d, info->snd_portid, info->snd_seq, 0, cmd)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return genlmsg_reply(msg, info);
}

static int mpio_nl_reply_path(struct genl_info *info, struct mpio_path *p, u8 cmd)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!msg)
		return -ENOMEM;
	if (mpio_nl_fill_path(msg, p, info->snd_portid, info->snd_seq, 0, cmd)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return genlmsg_reply(msg, info);
}

/* The device a request names; mpio_devs_lock held. */
static struct mpio_dev *mpio_nl_dev(struct genl_info *info, int attr)
{
	struct mpio_dev *d;

	if (GENL_REQ_ATTR_CHECK(info, attr)) {
		NL_SET_ERR_MSG(info->extack, "ftio: the request needs an mpio device name");
		return ERR_PTR(-EINVAL);
	}
	d = mpio_dev_find(nla_data(info->attrs[attr]));
	if (!d) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "ftio: no such mpio device");
		return ERR_PTR(-ENODEV);
	}
	return d;
}

/* The path a request names by id or by block device; d->lock held. */
static struct mpio_path *mpio_nl_path(struct genl_info *info, struct mpio_dev *d)
{
	struct mpio_path *p = NULL;
	char id[16];

	if (info->attrs[FTIO_A_MPIO_PATH_ID]) {
		snprintf(id, sizeof(id), "%u", nla_get_u32(info->attrs[FTIO_A_MPIO_PATH_ID]));
		p = mpio_path_find(d, id);
	} else if (info->attrs[FTIO_A_MPIO_PATH_BDEV]) {
		p = mpio_path_find(d, nla_data(info->attrs[FTIO_A_MPIO_PATH_BDEV]));
	} else {
		NL_SET_ERR_MSG(info->extack, "ftio: name the path by id or by block device");
		return ERR_PTR(-EINVAL);
	}
	if (!p) {
		NL_SET_ERR_MSG(info->extack, "ftio: no such path in that mpio device");
		return ERR_PTR(-ENODEV);
	}
	return p;
}

static int mpio_dev_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *name = "";
	struct mpio_dev *d;
	int ret;

	if (info->attrs[FTIO_A_MPIO_DEV_NAME])
		name = nla_data(info->attrs[FTIO_A_MPIO_DEV_NAME]);
	mutex_lock(&mpio_devs_lock);
	ret = mpio_dev_create(name, &d, info->extack);
	if (!ret && info->attrs[FTIO_A_MPIO_DEV_POLICY])
		d->selector = nla_get_u32(info->attrs[FTIO_A_MPIO_DEV_POLICY]);
	if (!ret)
		ret = mpio_nl_reply_dev(info, d, FTIO_CMD_MPIO_DEV_NEW);
	mutex_unlock(&mpio_devs_lock);
	return ret;
}

static int mpio_dev_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mpio_dev *d;
	int ret;

	mutex_lock(&mpio_devs_lock);
	d = mpio_nl_dev(info, FTIO_A_MPIO_DEV_NAME);
	ret = IS_ERR(d) ? PTR_ERR(d) : mpio_dev_delete(d, info->extack);
	mutex_unlock(&mpio_devs_lock);
	return ret;
}

static int mpio_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct mpio_dev *d;
	int ret;

	/* The rest of every range is in the policy (see the spec). */
	if (a[FTIO_A_MPIO_DEV_NO_PATH_RETRY] &&
	    nla_get_s32(a[FTIO_A_MPIO_DEV_NO_PATH_RETRY]) > MPIO_NO_PATH_RETRY_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[FTIO_A_MPIO_DEV_NO_PATH_RETRY],
				    "ftio: no-path-retry is -1..86400 seconds");
		return -ERANGE;
	}
	mutex_lock(&mpio_devs_lock);
	d = mpio_nl_dev(info, FTIO_A_MPIO_DEV_NAME);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto out;
	}
	mutex_lock(&d->lock);
	if (a[FTIO_A_MPIO_DEV_POLICY])
		WRITE_ONCE(d->selector, nla_get_u32(a[FTIO_A_MPIO_DEV_POLICY]));
	if (a[FTIO_A_MPIO_DEV_FAILBACK])
		d->failback = nla_get_u32(a[FTIO_A_MPIO_DEV_FAILBACK]);
	if (a[FTIO_A_MPIO_DEV_FAILBACK_DELAY])
		d->failback_delay = nla_get_u32(a[FTIO_A_MPIO_DEV_FAILBACK_DELAY]);
	if (a[FTIO_A_MPIO_DEV_NO_PATH_RETRY])
		mpio_set_no_path_retry(d, nla_get_s32(a[FTIO_A_MPIO_DEV_NO_PATH_RETRY]));
	if (a[FTIO_A_MPIO_DEV_PROBE_INTERVAL]) {
		WRITE_ONCE(d->probe_interval, nla_get_u32(a[FTIO_A_MPIO_DEV_PROBE_INTERVAL]));
		if (d->probe_interval)
			mod_delayed_work(mpio_wq, &d->probe, d->probe_interval * HZ);
	}
	if (a[FTIO_A_MPIO_DEV_RR_REPEAT])
		WRITE_ONCE(d->rr_repeat, nla_get_u32(a[FTIO_A_MPIO_DEV_RR_REPEAT]));
	ret = 0;
	if (a[FTIO_A_MPIO_DEV_GROUP])
		ret = mpio_switch_group(d, nla_get_u32(a[FTIO_A_MPIO_DEV_GROUP]),
					info->extack);
	else
		mpio_rebuild_active(d);
	mutex_unlock(&d->lock);
	if (ret)
		goto out;
	if (a[FTIO_A_MPIO_DEV_FAIL_QUEUED] && nla_get_u32(a[FTIO_A_MPIO_DEV_FAIL_QUEUED]))
		mpio_fail_queued(d);
	else
		mpio_dev_kick(d);
	if (a[FTIO_A_MPIO_DEV_PROBE] && nla_get_u32(a[FTIO_A_MPIO_DEV_PROBE])) {
		/*
		 * A probe may take seconds: wait for it without the global
		 * lock, the device kept from deletion by nl_users.
		 */
		atomic_inc(&d->nl_users);
		mutex_unlock(&mpio_devs_lock);
		mpio_probe_now(d);
		mutex_lock(&d->lock);
		ret = mpio_nl_reply_dev(info, d, FTIO_CMD_MPIO_DEV_SET);
		mutex_unlock(&d->lock);
		if (atomic_dec_and_test(&d->nl_users))
			wake_up_var(&d->nl_users);
		return ret;
	}
	ret = mpio_nl_reply_dev(info, d, FTIO_CMD_MPIO_DEV_SET);
out:
	mutex_unlock(&mpio_devs_lock);
	return ret;
}

static int mpio_path_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct mpio_path *p;
	struct mpio_dev *d;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, FTIO_A_MPIO_PATH_BDEV)) {
		NL_SET_ERR_MSG(info->extack, "ftio: mpio-path-add needs the block device");
		return -EINVAL;
	}
	mutex_lock(&mpio_devs_lock);
	d = mpio_nl_dev(info, FTIO_A_MPIO_PATH_DEV);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto out;
	}
	mutex_lock(&d->lock);
	ret = mpio_path_add(d, nla_data(a[FTIO_A_MPIO_PATH_BDEV]),
			    a[FTIO_A_MPIO_PATH_GROUP] ? nla_get_u32(a[FTIO_A_MPIO_PATH_GROUP]) : 0,
			    NULL, &p, info->extack);
	if (!ret) {
		if (a[FTIO_A_MPIO_PATH_PRIORITY])
			p->priority = nla_get_u32(a[FTIO_A_MPIO_PATH_PRIORITY]);
		if (a[FTIO_A_MPIO_PATH_WEIGHT]) {
			p->weight = nla_get_u32(a[FTIO_A_MPIO_PATH_WEIGHT]);
			mpio_rebuild_active(d);
		}
		ret = mpio_nl_reply_path(info, p, FTIO_CMD_MPIO_PATH_ADD);
	}
	mutex_unlock(&d->lock);
out:
	mutex_unlock(&mpio_devs_lock);
	return ret;
}

/* The body shared by path del, set, fail and reinstate. */
static int mpio_path_cmd(struct sk_buff *skb, struct genl_info *info, u8 cmd)
{
	struct nlattr **a = info->attrs;
	struct mpio_path *p;
	struct mpio_dev *d;
	int ret;

	mutex_lock(&mpio_devs_lock);
	d = mpio_nl_dev(info, FTIO_A_MPIO_PATH_DEV);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto out;
	}
	mutex_lock(&d->lock);
	p = mpio_nl_path(info, d);
	if (IS_ERR(p)) {
		ret = PTR_ERR(p);
		goto unlock;
	}
	switch (cmd) {
	case FTIO_CMD_MPIO_PATH_DEL:
		ret = mpio_path_remove(p, info->extack);
		break;
	case FTIO_CMD_MPIO_PATH_SET:
		if (a[FTIO_A_MPIO_PATH_GROUP])
			p->group = nla_get_u32(a[FTIO_A_MPIO_PATH_GROUP]);
		if (a[FTIO_A_MPIO_PATH_PRIORITY])
			p->priority = nla_get_u32(a[FTIO_A_MPIO_PATH_PRIORITY]);
		if (a[FTIO_A_MPIO_PATH_WEIGHT])
			p->weight = nla_get_u32(a[FTIO_A_MPIO_PATH_WEIGHT]);
		mpio_rebuild_active(d);
		ret = mpio_nl_reply_path(info, p, cmd);
		break;
	case FTIO_CMD_MPIO_PATH_FAIL:
	case FTIO_CMD_MPIO_PATH_REINSTATE:
		if (cmd == FTIO_CMD_MPIO_PATH_REINSTATE &&
		    atomic_read(&p->state) != MPIO_PATH_FAILED) {
			NL_SET_ERR_MSG(info->extack, "ftio: the path is not failed");
			ret = -EINVAL;
			break;
		}
		/*
		 * Both wait for work that takes d->lock, so they run without
		 * it: the pin keeps the path (removed meanwhile or not) alive.
		 */
		if (!mpio_path_tryget(p)) {
			NL_SET_ERR_MSG(info->extack, "ftio: the path is being removed");
			ret = -ENODEV;
			break;
		}
		mutex_unlock(&d->lock);
		if (cmd == FTIO_CMD_MPIO_PATH_FAIL) {
			mpio_path_fail_admin(p);
			flush_work(&p->config);
			ret = 0;
		} else {
			ret = mpio_path_reinstate(p, true);
		}
		mutex_lock(&d->lock);
		if (!ret)
			ret = mpio_nl_reply_path(info, p, cmd);
		mpio_path_put(p);
		break;
	}
unlock:
	mutex_unlock(&d->lock);
out:
	mutex_unlock(&mpio_devs_lock);
	return ret;
}

static int mpio_path_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return mpio_path_cmd(skb, info, FTIO_CMD_MPIO_PATH_DEL);
}

static int mpio_path_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return mpio_path_cmd(skb, info, FTIO_CMD_MPIO_PATH_SET);
}

static int mpio_path_fail_doit(struct sk_buff *skb, struct genl_info *info)
{
	return mpio_path_cmd(skb, info, FTIO_CMD_MPIO_PATH_FAIL);
}

static int mpio_path_reinstate_doit(struct sk_buff *skb, struct genl_info *info)
{
	return mpio_path_cmd(skb, info, FTIO_CMD_MPIO_PATH_REINSTATE);
}

/*
 * Dumps: a device-name filter and a cursor (device index in the list,
 * path index in the device) in cb->ctx.
 */
struct mpio_dump {
	char name[MPIO_NAME_LEN];
	bool one;
	unsigned int dev_idx;
	unsigned int path_idx;
};

static int mpio_dump_start(struct netlink_callback *cb, int attr)
{
	struct mpio_dump *st = (struct mpio_dump *)cb->ctx;
	struct nlattr **attrs = ftio_dump_attrs(cb);

	BUILD_BUG_ON(sizeof(*st) > sizeof(cb->ctx));
	memset(st, 0, sizeof(*st));
	if (attrs && attrs[attr]) {
		strscpy(st->name, nla_data(attrs[attr]), sizeof(st->name));
		st->one = true;
		mutex_lock(&mpio_devs_lock);
		if (!mpio_dev_find(st->name)) {
			mutex_unlock(&mpio_devs_lock);
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[attr],
					    "ftio: no such mpio device");
			return -ENODEV;
		}
		mutex_unlock(&mpio_devs_lock);
	}
	return 0;
}

static int mpio_dev_get_start(struct netlink_callback *cb)
{
	return mpio_dump_start(cb, FTIO_A_MPIO_DEV_NAME);
}

static int mpio_path_get_start(struct netlink_callback *cb)
{
	return mpio_dump_start(cb, FTIO_A_MPIO_PATH_DEV);
}

static int mpio_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mpio_dump *st = (struct mpio_dump *)cb->ctx;
	unsigned int i = 0;
	struct mpio_dev *d;

	mutex_lock(&mpio_devs_lock);
	list_for_each_entry(d, &mpio_devs, node) {
		if (i++ < st->dev_idx)
			continue;
		if (!st->one || !strcmp(d->name, st->name)) {
			if (mpio_nl_fill_dev(skb, d, NETLINK_CB(cb->skb).portid,
					     cb->nlh->nlmsg_seq, NLM_F_MULTI,
					     FTIO_CMD_MPIO_DEV_GET))
				break;
		}
		st->dev_idx = i;
	}
	mutex_unlock(&mpio_devs_lock);
	return skb->len;
}

static int mpio_path_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mpio_dump *st = (struct mpio_dump *)cb->ctx;
	unsigned int i = 0;
	struct mpio_dev *d;
	bool full = false;

	mutex_lock(&mpio_devs_lock);
	list_for_each_entry(d, &mpio_devs, node) {
		struct mpio_path *p;
		unsigned int j = 0;

		if (i++ < st->dev_idx)
			continue;
		if (st->one && strcmp(d->name, st->name)) {
			st->dev_idx = i;
			continue;
		}
		mutex_lock(&d->lock);
		list_for_each_entry(p, &d->paths, node) {
			if (j++ < st->path_idx)
				continue;
			if (mpio_nl_fill_path(skb, p, NETLINK_CB(cb->skb).portid,
					      cb->nlh->nlmsg_seq, NLM_F_MULTI,
					      FTIO_CMD_MPIO_PATH_GET)) {
				full = true;
				break;
			}
			st->path_idx = j;
		}
		mutex_unlock(&d->lock);
		if (full)
			break;
		st->dev_idx = i;
		st->path_idx = 0;
	}
	mutex_unlock(&mpio_devs_lock);
	return skb->len;
}

const struct ftio_nl_handler mpio_nl_handlers[10] = {
	{ .cmd = FTIO_CMD_MPIO_DEV_NEW, .doit = mpio_dev_new_doit },
	{ .cmd = FTIO_CMD_MPIO_DEV_DEL, .doit = mpio_dev_del_doit },
	{ .cmd = FTIO_CMD_MPIO_DEV_GET, .start = mpio_dev_get_start,
	  .dumpit = mpio_dev_get_dumpit },
	{ .cmd = FTIO_CMD_MPIO_DEV_SET, .doit = mpio_dev_set_doit },
	{ .cmd = FTIO_CMD_MPIO_PATH_ADD, .doit = mpio_path_add_doit },
	{ .cmd = FTIO_CMD_MPIO_PATH_DEL, .doit = mpio_path_del_doit },
	{ .cmd = FTIO_CMD_MPIO_PATH_SET, .doit = mpio_path_set_doit },
	{ .cmd = FTIO_CMD_MPIO_PATH_FAIL, .doit = mpio_path_fail_doit },
	{ .cmd = FTIO_CMD_MPIO_PATH_REINSTATE, .doit = mpio_path_reinstate_doit },
	{ .cmd = FTIO_CMD_MPIO_PATH_GET, .start = mpio_path_get_start,
	  .dumpit = mpio_path_get_dumpit },
};
