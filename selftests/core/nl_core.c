// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest of the "ftio" generic netlink family as ftio_core serves it:
 * resolving by name, core-get, event dump from a sequence number and by
 * severity, multicast delivery, uevents, permissions, and malformed
 * requests answered with EINVAL and an extack message.
 *
 * Uses ftioctl's libnl plumbing (tools/ftioctl/nl.c) to talk to the
 * kernel; expects to run as root in the test guest with ftio_core and
 * ftio_testmod available to modprobe.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/ctrl.h>

#include "kselftest_harness.h"
#include "ftioctl.h"

/* What tools/ftioctl/nl.c expects from its program. */
bool opt_json;
const char *prog = "nl_core";

void warnx_(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int sh(const char *cmd)
{
	return system(cmd);
}

static unsigned long long sysfs_u64(const char *path)
{
	unsigned long long v = 0;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* Collected answers. */
struct events {
	unsigned long long seq[4096];
	unsigned int sev[4096];
	char msg[4096][64];
	int n;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_EVENT_MAX + 1];
	struct events *ev = arg;

	if (!ftio_nl_parse(msg, tb, FTIO_A_EVENT_MAX) || !tb[FTIO_A_EVENT_SEQ])
		return NL_SKIP;
	if (ev->n >= 4096)
		return NL_OK;
	ev->seq[ev->n] = nla_get_u64(tb[FTIO_A_EVENT_SEQ]);
	ev->sev[ev->n] = tb[FTIO_A_EVENT_SEVERITY] ?
			 nla_get_u32(tb[FTIO_A_EVENT_SEVERITY]) : 99;
	snprintf(ev->msg[ev->n], sizeof(ev->msg[0]), "%s",
		 tb[FTIO_A_EVENT_MESSAGE] ?
		 nla_get_string(tb[FTIO_A_EVENT_MESSAGE]) : "");
	ev->n++;
	return NL_OK;
}

static int post(struct ftio_nl *nl, unsigned int sev, const char *text,
		unsigned long long *seq)
{
	struct nl_msg *msg = ftio_nl_msg(nl, FTIO_CMD_EVENT_POST, 0);
	struct events ev = { 0 };
	int ret;

	nla_put_u32(msg, FTIO_A_EVENT_SEVERITY, sev);
	nla_put_string(msg, FTIO_A_EVENT_MESSAGE, text);
	ret = ftio_nl_run(nl, msg, on_event, &ev);
	if (!ret && seq)
		*seq = ev.n ? ev.seq[0] : 0;
	return ret;
}

static int dump(struct ftio_nl *nl, unsigned long long since, int min_sev,
		struct events *ev)
{
	struct nl_msg *msg = ftio_nl_msg(nl, FTIO_CMD_EVENT_GET, NLM_F_DUMP);

	memset(ev, 0, sizeof(*ev));
	nla_put_u64(msg, FTIO_A_EVENT_SINCE, since);
	if (min_sev >= 0)
		nla_put_u32(msg, FTIO_A_EVENT_MIN_SEVERITY, min_sev);
	return ftio_nl_run(nl, msg, on_event, ev);
}

FIXTURE(core) {
	struct ftio_nl nl;
	struct events *ev;
};

FIXTURE_SETUP(core)
{
	sh("modprobe ftio_core");
	ASSERT_EQ(0, ftio_nl_open(&self->nl));
	self->ev = calloc(1, sizeof(*self->ev));
	ASSERT_NE(NULL, self->ev);
}

FIXTURE_TEARDOWN(core)
{
	free(self->ev);
	ftio_nl_close(&self->nl);
}

TEST_F(core, family_and_group_resolve)
{
	EXPECT_GT(self->nl.family, 0);
	EXPECT_GT(genl_ctrl_resolve_grp(self->nl.sk, FTIO_FAMILY_NAME,
					FTIO_MCGRP_EVENTS), 0);
}

struct core_state {
	char version[32];
	unsigned long long count, last, first;
	unsigned int ring;
	char modules[8][16];
	int nmod;
};

static int on_core(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_CORE_MAX + 1], *mt[FTIO_A_MODULE_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct core_state *cs = arg;
	struct nlattr *a;
	int rem;

	if (!ftio_nl_parse(msg, tb, FTIO_A_CORE_MAX))
		return NL_SKIP;
	if (tb[FTIO_A_CORE_VERSION])
		snprintf(cs->version, sizeof(cs->version), "%s",
			 nla_get_string(tb[FTIO_A_CORE_VERSION]));
	cs->count = nla_get_u64(tb[FTIO_A_CORE_EV_COUNT]);
	cs->last = nla_get_u64(tb[FTIO_A_CORE_EV_LAST_SEQ]);
	cs->first = nla_get_u64(tb[FTIO_A_CORE_EV_FIRST_SEQ]);
	cs->ring = nla_get_u32(tb[FTIO_A_CORE_EV_RING_SIZE]);
	nla_for_each_attr(a, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), rem) {
		if (nla_type(a) != FTIO_A_CORE_MODULE || cs->nmod >= 8)
			continue;
		if (!nla_parse_nested(mt, FTIO_A_MODULE_MAX, a, NULL) &&
		    mt[FTIO_A_MODULE_NAME])
			snprintf(cs->modules[cs->nmod++], 16, "%s",
				 nla_get_string(mt[FTIO_A_MODULE_NAME]));
	}
	return NL_OK;
}

TEST_F(core, core_get_matches_sysfs)
{
	struct core_state cs = { 0 };
	char sysver[32] = "";
	FILE *f = fopen("/sys/kernel/ftio/version", "r");

	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%31s", sysver));
	fclose(f);
	ASSERT_EQ(0, ftio_nl_run(&self->nl, ftio_nl_msg(&self->nl, FTIO_CMD_CORE_GET, 0),
				 on_core, &cs));
	EXPECT_STREQ(sysver, cs.version);
	EXPECT_EQ(sysfs_u64("/sys/kernel/ftio/events/ring_size"), cs.ring);
	EXPECT_EQ(sysfs_u64("/sys/kernel/ftio/events/last_seq"), cs.last);
	EXPECT_EQ(cs.count, cs.last);
	EXPECT_GE(cs.last, 1);
	EXPECT_LE(cs.first, cs.last);
}

TEST_F(core, core_get_lists_registered_modules)
{
	struct core_state cs = { 0 };
	int i, found = 0;

	ASSERT_EQ(0, sh("modprobe ftio_testmod"));
	ASSERT_EQ(0, ftio_nl_run(&self->nl, ftio_nl_msg(&self->nl, FTIO_CMD_CORE_GET, 0),
				 on_core, &cs));
	for (i = 0; i < cs.nmod; i++)
		found |= !strcmp(cs.modules[i], "testmod");
	EXPECT_TRUE(found);
	ASSERT_EQ(0, sh("rmmod ftio_testmod"));
	memset(&cs, 0, sizeof(cs));
	ASSERT_EQ(0, ftio_nl_run(&self->nl, ftio_nl_msg(&self->nl, FTIO_CMD_CORE_GET, 0),
				 on_core, &cs));
	for (i = 0; i < cs.nmod; i++)
		EXPECT_STRNE("testmod", cs.modules[i]);
}

static void expect_einval(struct __test_metadata *_metadata, struct ftio_nl *nl,
			  struct nl_msg *msg, const char *why);

TEST_F(core, core_get_rejects_attributes)
{
	struct nl_msg *msg = ftio_nl_msg(&self->nl, FTIO_CMD_CORE_GET, 0);

	nla_put_u32(msg, FTIO_A_CORE_EV_RING_SIZE, 5);
	expect_einval(_metadata, &self->nl, msg, NULL);
}

TEST_F(core, catalogue_get_rejects_attributes)
{
	struct nl_msg *msg = ftio_nl_msg(&self->nl, FTIO_CMD_CATALOGUE_GET,
					 NLM_F_DUMP);

	nla_put_u32(msg, FTIO_A_CATALOGUE_CODE, 1);
	expect_einval(_metadata, &self->nl, msg, NULL);
}

TEST_F(core, dump_from_a_sequence_number)
{
	unsigned long long s1, s2, s3;
	int i;

	ASSERT_EQ(0, post(&self->nl, FTIO_SEVERITY_INFO, "dump-a", &s1));
	ASSERT_EQ(0, post(&self->nl, FTIO_SEVERITY_INFO, "dump-b", &s2));
	ASSERT_EQ(0, post(&self->nl, FTIO_SEVERITY_INFO, "dump-c", &s3));
	EXPECT_EQ(s1 + 1, s2);
	EXPECT_EQ(s2 + 1, s3);

	ASSERT_EQ(0, dump(&self->nl, s2, -1, self->ev));
	ASSERT_GE(self->ev->n, 2);
	EXPECT_EQ(s2, self->ev->seq[0]);
	EXPECT_STREQ("dump-b", self->ev->msg[0]);
	EXPECT_STREQ("dump-c", self->ev->msg[1]);
	for (i = 1; i < self->ev->n; i++)
		EXPECT_EQ(self->ev->seq[i - 1] + 1, self->ev->seq[i]);

	/* Nothing newer than the newest. */
	ASSERT_EQ(0, dump(&self->nl, sysfs_u64("/sys/kernel/ftio/events/last_seq") + 1,
			  -1, self->ev));
	EXPECT_EQ(0, self->ev->n);
	/* since 0 means from the oldest held. */
	ASSERT_EQ(0, dump(&self->nl, 0, -1, self->ev));
	ASSERT_GT(self->ev->n, 0);
	EXPECT_EQ(1, self->ev->seq[0]);
}

TEST_F(core, dump_by_severity)
{
	unsigned long long s_info, s_err;
	int i, saw_err = 0;

	ASSERT_EQ(0, post(&self->nl, FTIO_SEVERITY_INFO, "sev-info", &s_info));
	ASSERT_EQ(0, post(&self->nl, FTIO_SEVERITY_ERROR, "sev-error", &s_err));
	ASSERT_EQ(0, dump(&self->nl, s_info, FTIO_SEVERITY_ERROR, self->ev));
	for (i = 0; i < self->ev->n; i++) {
		EXPECT_GE(self->ev->sev[i], FTIO_SEVERITY_ERROR);
		saw_err |= self->ev->seq[i] == s_err;
	}
	EXPECT_TRUE(saw_err);
}

TEST_F(core, multicast_delivers_new_events)
{
	struct events *got = calloc(1, sizeof(*got));
	struct nl_sock *mc = ftio_nl_events_socket(on_event, got);
	struct pollfd pfd;
	unsigned long long seq;
	int tries;

	ASSERT_NE(NULL, mc);
	ASSERT_EQ(0, post(&self->nl, FTIO_SEVERITY_NOTICE, "mcast-marker", &seq));
	pfd.fd = nl_socket_get_fd(mc);
	pfd.events = POLLIN;
	for (tries = 0; tries < 50 && !got->n; tries++)
		if (poll(&pfd, 1, 100) > 0)
			nl_recvmsgs_default(mc);
	ASSERT_GE(got->n, 1);
	EXPECT_EQ(seq, got->seq[0]);
	EXPECT_STREQ("mcast-marker", got->msg[0]);
	EXPECT_EQ(FTIO_SEVERITY_NOTICE, got->sev[0]);
	nl_socket_free(mc);
	free(got);
}

TEST_F(core, device_events_raise_uevents)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	char buf[4096];
	int fd, tries, found = 0;

	fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, sh("modprobe ftio_testmod"));
	ASSERT_EQ(0, sh("echo 6 1 >/sys/kernel/debug/ftio_testmod/emit"));
	for (tries = 0; tries < 50 && !found; tries++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t len;
		char *p;
		int change = 0, code = 0, dev = 0;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		len = recv(fd, buf, sizeof(buf) - 1, 0);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		for (p = buf; p < buf + len; p += strlen(p) + 1) {
			change |= !strcmp(p, "ACTION=change");
			code |= !strcmp(p, "FTIO_EVENT=component-broken");
			dev |= !!strstr(p, "ftio_testmod");
		}
		found = change && code && dev;
	}
	close(fd);
	sh("rmmod ftio_testmod");
	EXPECT_TRUE(found);
}

/* What an unprivileged user may do: read versions and the catalogue. */
static int as_nobody_expect(void)
{
	struct ftio_nl nl;
	struct nl_msg *msg;
	struct nl_sock *mc;

	if (setgid(65534) || setuid(65534))
		return 3;
	if (ftio_nl_open(&nl))
		return 4;
	/* Every mutation is refused by the family (admin-perm) ... */
	if (post(&nl, FTIO_SEVERITY_INFO, "not allowed", NULL) != -EPERM)
		return 5;
	/* ... and so are the reads that reveal call sites and activity. */
	if (dump(&nl, 1, -1, calloc(1, sizeof(struct events))) != -EPERM)
		return 6;
	msg = ftio_nl_msg(&nl, FTIO_CMD_POOL_GET, NLM_F_DUMP);
	if (ftio_nl_run(&nl, msg, NULL, NULL) != -EPERM)
		return 7;
	mc = ftio_nl_events_socket(on_event, NULL);
	if (mc || errno != EPERM)
		return 8;
	msg = ftio_nl_msg(&nl, FTIO_CMD_CORE_GET, 0);
	if (ftio_nl_run(&nl, msg, NULL, NULL))
		return 9;
	msg = ftio_nl_msg(&nl, FTIO_CMD_CATALOGUE_GET, NLM_F_DUMP);
	if (ftio_nl_run(&nl, msg, NULL, NULL))
		return 10;
	return 0;
}

TEST_F(core, unprivileged_reads_and_writes)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(as_nobody_expect());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("step %d of as_nobody_expect() failed", WEXITSTATUS(status));
}

/* A malformed request: EINVAL, with the kernel's reason attached. */
static void expect_einval(struct __test_metadata *_metadata, struct ftio_nl *nl,
			  struct nl_msg *msg, const char *why)
{
	EXPECT_EQ(-EINVAL, ftio_nl_run(nl, msg, NULL, NULL));
	EXPECT_NE(0, nl->errmsg[0]) TH_LOG("no extack message for %s", why);
	if (why && nl->errmsg[0])
		EXPECT_NE(NULL, strstr(nl->errmsg, why)) TH_LOG("extack: %s", nl->errmsg);
}

TEST_F(core, post_without_message)
{
	struct nl_msg *msg = ftio_nl_msg(&self->nl, FTIO_CMD_EVENT_POST, 0);

	nla_put_u32(msg, FTIO_A_EVENT_SEVERITY, FTIO_SEVERITY_INFO);
	expect_einval(_metadata, &self->nl, msg, "needs a message");
}

TEST_F(core, post_empty_message)
{
	struct nl_msg *msg = ftio_nl_msg(&self->nl, FTIO_CMD_EVENT_POST, 0);

	nla_put_string(msg, FTIO_A_EVENT_MESSAGE, "");
	expect_einval(_metadata, &self->nl, msg, "empty");
}

TEST_F(core, post_severity_out_of_range)
{
	struct nl_msg *msg = ftio_nl_msg(&self->nl, FTIO_CMD_EVENT_POST, 0);

	nla_put_u32(msg, FTIO_A_EVENT_SEVERITY, 99);
	nla_put_string(msg, FTIO_A_EVENT_MESSAGE, "x");
	/* The policy's range check answers ERANGE, with its reason. */
	EXPECT_EQ(-ERANGE, ftio_nl_run(&self->nl, msg, NULL, NULL));
	EXPECT_NE(0, self->nl.errmsg[0]);
}

TEST_F(core, post_message_not_a_string)
{
	struct nl_msg *msg = ftio_nl_msg(&self->nl, FTIO_CMD_EVENT_POST, 0);
	char raw[4] = { 'a', 'b', 'c', 'd' };	/* no terminating NUL */

	nla_put(msg, FTIO_A_EVENT_MESSAGE, sizeof(raw), raw);
	expect_einval(_metadata, &self->nl, msg, NULL);
}

TEST_F(core, post_message_too_long)
{
	struct nl_msg *msg = ftio_nl_msg(&self->nl, FTIO_CMD_EVENT_POST, 0);
	char big[300];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	nla_put_string(msg, FTIO_A_EVENT_MESSAGE, big);
	expect_einval(_metadata, &self->nl, msg, NULL);
}

TEST_F(core, post_unknown_attribute)
{
	struct nl_msg *msg = ftio_nl_msg(&self->nl, FTIO_CMD_EVENT_POST, 0);

	nla_put_string(msg, FTIO_A_EVENT_MESSAGE, "x");
	nla_put_u32(msg, FTIO_A_EVENT_MAX + 5, 1);
	expect_einval(_metadata, &self->nl, msg, NULL);
}

TEST_F(core, dump_since_of_the_wrong_size)
{
	struct nl_msg *msg = ftio_nl_msg(&self->nl, FTIO_CMD_EVENT_GET, NLM_F_DUMP);

	nla_put_u32(msg, FTIO_A_EVENT_SINCE, 1);
	expect_einval(_metadata, &self->nl, msg, NULL);
}

TEST_F(core, unknown_command)
{
	struct nl_msg *msg = ftio_nl_msg(&self->nl, FTIO_CMD_MAX + 10, 0);

	EXPECT_EQ(-EOPNOTSUPP, ftio_nl_run(&self->nl, msg, NULL, NULL));
}

TEST_HARNESS_MAIN
