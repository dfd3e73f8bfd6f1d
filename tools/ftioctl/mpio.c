// SPDX-License-Identifier: GPL-2.0
/*
 * ftioctl mpio: multipath block devices.
 *
 *   mpio create NAME [policy P]
 *   mpio delete NAME
 *   mpio show [NAME]
 *   mpio set NAME [policy P] [failback immediate|manual|deferred:S]
 *                 [no_path_retry S|queue|fail] [probe_interval S]
 *                 [rr_repeat N] [group G] [fail_queued] [probe]
 *   mpio path add NAME DEVICE [group G] [priority N] [weight W]
 *   mpio path del|fail|reinstate NAME PATH
 *   mpio path set NAME PATH [group G] [priority N] [weight W]
 *
 * PATH is a path's id or its block device (/dev/sdb, sdb, 8:16).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "ftioctl.h"

/* Names from the spec (spec-tables.c, generated). */
static const char *name_of(const struct spec_names *t, uint32_t v)
{
	const char *n = spec_name(t, v);

	return n ? n : "unknown";
}

static int parse_num(const char *s, long min, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return errno || end == s || *end || *v < min || *v > max ? -1 : 0;
}

static int parse_policy(const char *s, uint32_t *v)
{
	uint32_t i;

	for (i = 0; i < ftio_mpio_policy_names.n; i++) {
		if (!strcmp(s, ftio_mpio_policy_names.names[i])) {
			*v = i;
			return 0;
		}
	}
	return -1;
}

/* Devices ----------------------------------------------------------- */

struct dev_row {
	char name[32], disk[32], uuid[64];
	uint32_t policy, failback, delay, interval, group, queued, paths, usable;
	uint32_t repeat;
	int32_t npr;
};

struct path_row {
	char dev[32], bdev[64];
	uint32_t id, state, group, priority, weight, fail_count;
	int32_t last_error;
	uint64_t ios, bytes, errors, in_flight, latency_us;
};

struct rows {
	void *v;
	size_t n, size;
};

static void *add_row(struct rows *r)
{
	void *v = realloc(r->v, (r->n + 1) * r->size);

	if (!v)
		return NULL;
	r->v = v;
	memset((char *)v + r->n * r->size, 0, r->size);
	return (char *)v + r->n++ * r->size;
}

static void get_str(struct nlattr *a, char *dst, size_t len)
{
	snprintf(dst, len, "%s", a ? nla_get_string(a) : "");
}

static uint32_t get_u32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static uint64_t get_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

#define STR(tb, a, dst) get_str(tb[a], dst, sizeof(dst))
#define U32(tb, a) get_u32(tb[a])
#define U64(tb, a) get_u64(tb[a])

static int on_dev(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_MPIO_DEV_MAX + 1];
	struct dev_row *d;

	if (!ftio_nl_parse(msg, tb, FTIO_A_MPIO_DEV_MAX) || !tb[FTIO_A_MPIO_DEV_NAME])
		return NL_SKIP;
	d = add_row(arg);
	if (!d)
		return NL_STOP;
	STR(tb, FTIO_A_MPIO_DEV_NAME, d->name);
	STR(tb, FTIO_A_MPIO_DEV_DISK, d->disk);
	STR(tb, FTIO_A_MPIO_DEV_UUID, d->uuid);
	d->policy = U32(tb, FTIO_A_MPIO_DEV_POLICY);
	d->failback = U32(tb, FTIO_A_MPIO_DEV_FAILBACK);
	d->delay = U32(tb, FTIO_A_MPIO_DEV_FAILBACK_DELAY);
	d->npr = tb[FTIO_A_MPIO_DEV_NO_PATH_RETRY] ?
		 (int32_t)nla_get_u32(tb[FTIO_A_MPIO_DEV_NO_PATH_RETRY]) : 0;
	d->interval = U32(tb, FTIO_A_MPIO_DEV_PROBE_INTERVAL);
	d->group = U32(tb, FTIO_A_MPIO_DEV_GROUP);
	d->queued = U32(tb, FTIO_A_MPIO_DEV_QUEUED);
	d->paths = U32(tb, FTIO_A_MPIO_DEV_PATHS);
	d->usable = U32(tb, FTIO_A_MPIO_DEV_USABLE);
	d->repeat = U32(tb, FTIO_A_MPIO_DEV_RR_REPEAT);
	return NL_OK;
}

static int on_path(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_MPIO_PATH_MAX + 1];
	struct path_row *p;

	if (!ftio_nl_parse(msg, tb, FTIO_A_MPIO_PATH_MAX) || !tb[FTIO_A_MPIO_PATH_ID])
		return NL_SKIP;
	p = add_row(arg);
	if (!p)
		return NL_STOP;
	STR(tb, FTIO_A_MPIO_PATH_DEV, p->dev);
	STR(tb, FTIO_A_MPIO_PATH_BDEV, p->bdev);
	p->id = U32(tb, FTIO_A_MPIO_PATH_ID);
	p->state = U32(tb, FTIO_A_MPIO_PATH_STATE);
	p->group = U32(tb, FTIO_A_MPIO_PATH_GROUP);
	p->priority = U32(tb, FTIO_A_MPIO_PATH_PRIORITY);
	p->weight = U32(tb, FTIO_A_MPIO_PATH_WEIGHT);
	p->fail_count = U32(tb, FTIO_A_MPIO_PATH_FAIL_COUNT);
	p->last_error = tb[FTIO_A_MPIO_PATH_LAST_ERROR] ?
			(int32_t)nla_get_u32(tb[FTIO_A_MPIO_PATH_LAST_ERROR]) : 0;
	p->ios = U64(tb, FTIO_A_MPIO_PATH_IOS);
	p->bytes = U64(tb, FTIO_A_MPIO_PATH_BYTES);
	p->errors = U64(tb, FTIO_A_MPIO_PATH_ERRORS);
	p->in_flight = U64(tb, FTIO_A_MPIO_PATH_IN_FLIGHT);
	p->latency_us = U64(tb, FTIO_A_MPIO_PATH_LATENCY_US);
	return NL_OK;
}

static void json_dev(const struct dev_row *d, const struct rows *paths)
{
	size_t i;

	json_begin_object();
	json_str("name", d->name);
	json_str("disk", d->disk);
	json_str("uuid", d->uuid);
	json_str("policy", name_of(&ftio_mpio_policy_names, d->policy));
	json_str("failback", name_of(&ftio_failback_names, d->failback));
	json_u64("failback_delay", d->delay);
	json_s64("no_path_retry", d->npr);
	json_u64("probe_interval", d->interval);
	json_u64("rr_repeat", d->repeat);
	json_u64("group", d->group);
	json_u64("queued", d->queued);
	json_u64("usable", d->usable);
	json_key("paths");
	json_begin_array();
	for (i = 0; i < paths->n; i++) {
		const struct path_row *p = (struct path_row *)paths->v + i;

		if (strcmp(p->dev, d->name))
			continue;
		json_begin_object();
		json_u64("id", p->id);
		json_str("bdev", p->bdev);
		json_str("state", name_of(&ftio_path_state_names, p->state));
		json_u64("group", p->group);
		json_u64("priority", p->priority);
		json_u64("weight", p->weight);
		json_u64("ios", p->ios);
		json_u64("bytes", p->bytes);
		json_u64("errors", p->errors);
		json_u64("in_flight", p->in_flight);
		json_u64("latency_us", p->latency_us);
		json_s64("last_error", p->last_error);
		json_u64("fail_count", p->fail_count);
		json_end_object();
	}
	json_end_array();
	json_end_object();
}

static void print_dev(const struct dev_row *d, const struct rows *paths)
{
	char npr[24];
	size_t i;

	if (d->npr < 0)
		snprintf(npr, sizeof(npr), "queue");
	else
		snprintf(npr, sizeof(npr), "%ds", d->npr);
	printf("%s (/dev/%s) %s\n", txt(d->name), txt(d->disk), d->uuid[0] ? txt(d->uuid) : "-");
	printf("  policy %s, failback %s", name_of(&ftio_mpio_policy_names, d->policy),
	       name_of(&ftio_failback_names, d->failback));
	if (d->failback == 2)
		printf(":%u", d->delay);
	printf(", rr_repeat %u, no_path_retry %s, probe every %us, group %u,",
	       d->repeat, npr, d->interval, d->group);
	printf(" %u of %u paths usable, %u queued\n", d->usable, d->paths,
	       d->queued);
	printf("  %4s %-10s %-9s %5s %4s %6s %10s %10s %7s %8s %9s %5s\n", "PATH", "DEVICE",
	       "STATE", "GROUP", "PRIO", "WEIGHT", "IOS", "BYTES", "ERRORS",
	       "INFLIGHT", "LATENCYus", "FAILS");
	for (i = 0; i < paths->n; i++) {
		const struct path_row *p = (struct path_row *)paths->v + i;

		if (strcmp(p->dev, d->name))
			continue;
		printf("  %4u %-10s %-9s %5u %4u %6u %10llu %10llu %7llu %8llu %9llu %5u\n",
		       p->id, txt(p->bdev), name_of(&ftio_path_state_names, p->state), p->group,
		       p->priority, p->weight, (unsigned long long)p->ios,
		       (unsigned long long)p->bytes, (unsigned long long)p->errors,
		       (unsigned long long)p->in_flight,
		       (unsigned long long)p->latency_us, p->fail_count);
	}
}

static int mpio_show(int argc, char **argv)
{
	struct rows devs = { .size = sizeof(struct dev_row) };
	struct rows paths = { .size = sizeof(struct path_row) };
	const char *name = argc > 1 ? argv[1] : NULL;
	struct ftio_nl nl;
	struct nl_msg *msg;
	size_t i;
	int ret;

	if (argc > 2) {
		warnx_("mpio show: unexpected argument '%s'", argv[2]);
		return EXIT_USAGE;
	}
	ret = ftio_nl_open(&nl);
	if (ret)
		return ret;
	msg = ftio_nl_msg(&nl, FTIO_CMD_MPIO_DEV_GET, NLM_F_DUMP);
	if (name)
		nla_put_string(msg, FTIO_A_MPIO_DEV_NAME, name);
	ret = ftio_nl_run(&nl, msg, on_dev, &devs);
	if (!ret) {
		msg = ftio_nl_msg(&nl, FTIO_CMD_MPIO_PATH_GET, NLM_F_DUMP);
		if (name)
			nla_put_string(msg, FTIO_A_MPIO_PATH_DEV, name);
		ret = ftio_nl_run(&nl, msg, on_path, &paths);
	}
	if (ret) {
		ret = ftio_nl_fail(&nl, "mpio show", ret);
	} else if (opt_json) {
		json_begin_array();
		for (i = 0; i < devs.n; i++)
			json_dev((struct dev_row *)devs.v + i, &paths);
		json_end_array();
		json_flush_line();
	} else {
		for (i = 0; i < devs.n; i++)
			print_dev((struct dev_row *)devs.v + i, &paths);
		if (!devs.n)
			printf("no mpio devices\n");
	}
	free(devs.v);
	free(paths.v);
	ftio_nl_close(&nl);
	return ret;
}

/* A do request built by the caller, answered by one object or nothing. */
static int request(struct ftio_nl *nl, struct nl_msg *msg, const char *what,
		   bool dev_reply)
{
	struct rows devs = { .size = sizeof(struct dev_row) };
	struct rows paths = { .size = sizeof(struct path_row) };
	int ret = ftio_nl_run(nl, msg, dev_reply ? on_dev : on_path,
			      dev_reply ? &devs : &paths);

	if (ret) {
		ret = ftio_nl_fail(nl, what, ret);
	} else if (dev_reply && devs.n) {
		if (opt_json) {
			json_dev(devs.v, &paths);
			json_flush_line();
		} else {
			print_dev(devs.v, &paths);
		}
	} else if (!dev_reply && paths.n) {
		const struct path_row *p = paths.v;

		if (opt_json) {
			json_begin_object();
			json_str("dev", p->dev);
			json_u64("id", p->id);
			json_str("bdev", p->bdev);
			json_str("state", name_of(&ftio_path_state_names, p->state));
			json_u64("group", p->group);
			json_end_object();
			json_flush_line();
		} else {
			printf("%s: path %u (%s) %s, group %u\n", txt(p->dev), p->id,
			       txt(p->bdev), name_of(&ftio_path_state_names, p->state), p->group);
		}
	}
	free(devs.v);
	free(paths.v);
	ftio_nl_close(nl);
	return ret;
}

static int mpio_create(int argc, char **argv)
{
	uint32_t policy = 0;
	struct ftio_nl nl;
	struct nl_msg *msg;
	int ret;

	if (argc != 2 && !(argc == 4 && !strcmp(argv[2], "policy"))) {
		warnx_("mpio create: usage: mpio create NAME [policy POLICY]");
		return EXIT_USAGE;
	}
	if (argc == 4 && parse_policy(argv[3], &policy)) {
		warnx_("mpio create: unknown policy '%s' (%s)", argv[3],
		       "round-robin, queue-depth, service-time, numa, weighted");
		return EXIT_USAGE;
	}
	ret = ftio_nl_open(&nl);
	if (ret)
		return ret;
	msg = ftio_nl_msg(&nl, FTIO_CMD_MPIO_DEV_NEW, 0);
	nla_put_string(msg, FTIO_A_MPIO_DEV_NAME, argv[1]);
	if (argc == 4)
		nla_put_u32(msg, FTIO_A_MPIO_DEV_POLICY, policy);
	return request(&nl, msg, "mpio create", true);
}

static int mpio_delete(int argc, char **argv)
{
	struct ftio_nl nl;
	struct nl_msg *msg;
	int ret;

	if (argc != 2) {
		warnx_("mpio delete: usage: mpio delete NAME");
		return EXIT_USAGE;
	}
	ret = ftio_nl_open(&nl);
	if (ret)
		return ret;
	msg = ftio_nl_msg(&nl, FTIO_CMD_MPIO_DEV_DEL, 0);
	nla_put_string(msg, FTIO_A_MPIO_DEV_NAME, argv[1]);
	return request(&nl, msg, "mpio delete", true);
}

static const char set_names[] =
	"policy, failback, no_path_retry, probe_interval, rr_repeat, group, fail_queued, probe";

static int mpio_set(int argc, char **argv)
{
	struct { int attr; uint32_t v; bool s32; } set[12];
	unsigned int n = 0, i;
	struct ftio_nl nl;
	struct nl_msg *msg;
	int a = 2, ret;
	long v;

	if (argc < 3) {
		warnx_("mpio set: usage: mpio set NAME SETTING [VALUE]...");
		return EXIT_USAGE;
	}
	while (a < argc) {
		const char *k = argv[a++], *val = a < argc ? argv[a] : NULL;

		/* Two entries at most per setting (deferred failback). */
		if (n + 2 > ARRAY_SIZE(set)) {
			warnx_("mpio set: too many settings at once");
			return EXIT_USAGE;
		}

		if (!strcmp(k, "fail_queued") || !strcmp(k, "probe")) {
			set[n++] = (typeof(set[0])){ !strcmp(k, "probe") ?
				FTIO_A_MPIO_DEV_PROBE : FTIO_A_MPIO_DEV_FAIL_QUEUED, 1, false };
			continue;
		}
		if (!val) {
			warnx_("mpio set: %s needs a value", k);
			return EXIT_USAGE;
		}
		a++;
		if (!strcmp(k, "policy")) {
			uint32_t p;

			if (parse_policy(val, &p))
				goto bad;
			set[n++] = (typeof(set[0])){ FTIO_A_MPIO_DEV_POLICY, p, false };
		} else if (!strcmp(k, "failback")) {
			if (!strcmp(val, "immediate") || !strcmp(val, "manual")) {
				set[n++] = (typeof(set[0])){ FTIO_A_MPIO_DEV_FAILBACK,
					!strcmp(val, "manual"), false };
			} else if (!strncmp(val, "deferred:", 9) &&
				   !parse_num(val + 9, 0, 86400, &v)) {
				set[n++] = (typeof(set[0])){ FTIO_A_MPIO_DEV_FAILBACK, 2, false };
				set[n++] = (typeof(set[0])){ FTIO_A_MPIO_DEV_FAILBACK_DELAY,
					(uint32_t)v, false };
			} else {
				goto bad;
			}
		} else if (!strcmp(k, "no_path_retry")) {
			if (!strcmp(val, "queue"))
				v = -1;
			else if (!strcmp(val, "fail"))
				v = 0;
			else if (parse_num(val, -1, 86400, &v))
				goto bad;
			set[n++] = (typeof(set[0])){ FTIO_A_MPIO_DEV_NO_PATH_RETRY,
				(uint32_t)v, true };
		} else if (!strcmp(k, "probe_interval")) {
			if (parse_num(val, 0, 3600, &v))
				goto bad;
			set[n++] = (typeof(set[0])){ FTIO_A_MPIO_DEV_PROBE_INTERVAL,
				(uint32_t)v, false };
		} else if (!strcmp(k, "rr_repeat")) {
			if (parse_num(val, 1, 1000, &v))
				goto bad;
			set[n++] = (typeof(set[0])){ FTIO_A_MPIO_DEV_RR_REPEAT,
				(uint32_t)v, false };
		} else if (!strcmp(k, "group")) {
			if (parse_num(val, 0, 1000, &v))
				goto bad;
			set[n++] = (typeof(set[0])){ FTIO_A_MPIO_DEV_GROUP, (uint32_t)v, false };
		} else {
			warnx_("mpio set: unknown setting '%s' (%s)", k, set_names);
			return EXIT_USAGE;
		}
		continue;
bad:
		warnx_("mpio set: bad value '%s' for %s", val, k);
		return EXIT_USAGE;
	}
	ret = ftio_nl_open(&nl);
	if (ret)
		return ret;
	msg = ftio_nl_msg(&nl, FTIO_CMD_MPIO_DEV_SET, 0);
	nla_put_string(msg, FTIO_A_MPIO_DEV_NAME, argv[1]);
	for (i = 0; i < n; i++)
		nla_put_u32(msg, set[i].attr, set[i].v);
	return request(&nl, msg, "mpio set", true);
}

/* Paths ------------------------------------------------------------- */

static void put_path(struct nl_msg *msg, const char *dev, const char *path)
{
	long id;

	nla_put_string(msg, FTIO_A_MPIO_PATH_DEV, dev);
	if (!parse_num(path, 0, 1000000, &id))
		nla_put_u32(msg, FTIO_A_MPIO_PATH_ID, (uint32_t)id);
	else
		nla_put_string(msg, FTIO_A_MPIO_PATH_BDEV, path);
}

/* [group G] [priority N] [weight W] from argv[a..]. */
static int put_path_settings(struct nl_msg *msg, int argc, char **argv, int a,
			     const char *what)
{
	for (; a < argc; a += 2) {
		long v;

		if (a + 1 >= argc) {
			warnx_("%s: %s needs a value", what, argv[a]);
			return -1;
		}
		if (!strcmp(argv[a], "group") && !parse_num(argv[a + 1], 0, 1000, &v)) {
			nla_put_u32(msg, FTIO_A_MPIO_PATH_GROUP, (uint32_t)v);
		} else if (!strcmp(argv[a], "priority") &&
			   !parse_num(argv[a + 1], 0, 1000, &v)) {
			nla_put_u32(msg, FTIO_A_MPIO_PATH_PRIORITY, (uint32_t)v);
		} else if (!strcmp(argv[a], "weight") &&
			   !parse_num(argv[a + 1], 1, 1000, &v)) {
			nla_put_u32(msg, FTIO_A_MPIO_PATH_WEIGHT, (uint32_t)v);
		} else {
			warnx_("%s: bad setting '%s %s' (%s)", what, argv[a], argv[a + 1],
			       "group 0-1000, priority 0-1000, weight 1-1000");
			return -1;
		}
	}
	return 0;
}

static int mpio_path(int argc, char **argv)
{
	static const struct { const char *verb; uint8_t cmd; bool settings; } verbs[] = {
		{ "add", FTIO_CMD_MPIO_PATH_ADD, true },
		{ "del", FTIO_CMD_MPIO_PATH_DEL, false },
		{ "fail", FTIO_CMD_MPIO_PATH_FAIL, false },
		{ "reinstate", FTIO_CMD_MPIO_PATH_REINSTATE, false },
		{ "set", FTIO_CMD_MPIO_PATH_SET, true },
	};
	struct ftio_nl nl;
	struct nl_msg *msg;
	char what[40];
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (argc > 1 && !strcmp(argv[1], verbs[i].verb))
			break;
	if (i == ARRAY_SIZE(verbs)) {
		warnx_("mpio path: usage: mpio path add|del|fail|reinstate|set NAME PATH [...]");
		return EXIT_USAGE;
	}
	snprintf(what, sizeof(what), "mpio path %s", verbs[i].verb);
	if (argc < 4 || (!verbs[i].settings && argc > 4)) {
		warnx_("%s: usage: mpio path %s NAME %s%s", what, verbs[i].verb,
		       i == 0 ? "DEVICE" : "PATH",
		       verbs[i].settings ? " [group G] [priority N] [weight W]" : "");
		return EXIT_USAGE;
	}
	ret = ftio_nl_open(&nl);
	if (ret)
		return ret;
	msg = ftio_nl_msg(&nl, verbs[i].cmd, 0);
	if (verbs[i].cmd == FTIO_CMD_MPIO_PATH_ADD) {
		nla_put_string(msg, FTIO_A_MPIO_PATH_DEV, argv[2]);
		nla_put_string(msg, FTIO_A_MPIO_PATH_BDEV, argv[3]);
	} else {
		put_path(msg, argv[2], argv[3]);
	}
	if (verbs[i].settings && put_path_settings(msg, argc, argv, 4, what)) {
		nlmsg_free(msg);
		ftio_nl_close(&nl);
		return EXIT_USAGE;
	}
	return request(&nl, msg, what, false);
}

int cmd_mpio(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "show"))
		return mpio_show(argc < 2 ? 1 : argc - 1, argc < 2 ? argv : argv + 1);
	if (!strcmp(argv[1], "create"))
		return mpio_create(argc - 1, argv + 1);
	if (!strcmp(argv[1], "delete"))
		return mpio_delete(argc - 1, argv + 1);
	if (!strcmp(argv[1], "set"))
		return mpio_set(argc - 1, argv + 1);
	if (!strcmp(argv[1], "path"))
		return mpio_path(argc - 1, argv + 1);
	warnx_("mpio: unknown verb '%s' (create, delete, show, set, path)", argv[1]);
	return EXIT_USAGE;
}
