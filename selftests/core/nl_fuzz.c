// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded fuzzer of the "ftio" generic netlink family: random commands
 * (including unknown ones), do and dump flags, and attribute streams
 * built byte by byte: random types, lengths (short, long, zero, longer
 * than the message), boundary integers, strings with and without their
 * NUL, plausible names, and nests. Repeatable: the seed is printed, and
 * FTIO_FUZZ_SEED / FTIO_FUZZ_COUNT choose it and the number of messages.
 *
 * As nobody: every command the spec marks admin-perm must be refused
 * with EPERM, and nothing may change (the event log's last sequence
 * number, the mpio devices, the pool tags). As root: anything goes but
 * the kernel must answer every message and stay sane; the guest's
 * console scanner fails the run on any sanitizer report.
 *
 * Expects ftio_core, ftio_pooltag and ftio_mpio loaded and null_blk's
 * nullb0 present (the test script does that), running as root.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "kselftest_harness.h"
#include "ftioctl.h"

#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif

bool opt_json;
const char *prog = "nl_fuzz";

void warnx_(const char *fmt, ...)
{
	(void)fmt;	/* the fuzzer's refusals are expected: stay quiet */
}

static unsigned long long rng;

static unsigned long long rnd(void)
{
	/* xorshift64*: small, fast and the same on every machine */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static unsigned int below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

/* The commands served as dumps; the others are served as do requests. */
static bool is_dump(unsigned int cmd)
{
	return cmd == FTIO_CMD_EVENT_GET || cmd == FTIO_CMD_CATALOGUE_GET ||
	       cmd == FTIO_CMD_POOL_GET || cmd == FTIO_CMD_MPIO_DEV_GET ||
	       cmd == FTIO_CMD_MPIO_PATH_GET;
}

/* Which commands the spec marks admin-perm (the rest may be read by all). */
static bool privileged(unsigned int cmd)
{
	switch (cmd) {
	case FTIO_CMD_CORE_GET:
	case FTIO_CMD_CATALOGUE_GET:
	case FTIO_CMD_MPIO_DEV_GET:
	case FTIO_CMD_MPIO_PATH_GET:
		return false;
	default:
		return cmd >= 1 && cmd < FTIO_CMD_EVENT_NTF;
	}
}

static const char *const words[] = {
	"", "fz0", "fz1", "mpio0", "nullb0", "/dev/nullb0", "/dev/null",
	"/dev/nonexistent", "0:0", "7:0", "Fz01", "Fz02", "ab", "Abcde",
	"%s%s%n", "../../etc", "fz0 ", "\xff\xfe",
};

static void put_attr(struct nl_msg *msg, unsigned short type, const void *data,
		     unsigned int len, unsigned int claimed)
{
	struct nlattr hdr = { .nla_len = claimed, .nla_type = type };
	static const char pad[4];

	nlmsg_append(msg, &hdr, sizeof(hdr), 0);
	if (len)
		nlmsg_append(msg, (void *)data, len, 0);
	if (NLA_ALIGN(len) != len)
		nlmsg_append(msg, (void *)pad, NLA_ALIGN(len) - len, 0);
}

static void random_attr(struct nl_msg *msg, int depth)
{
	static const unsigned long long edges[] = {
		0, 1, 2, 3, 4, 5, 6, 100, 999, 1000, 1001, 3600, 3601, 86400,
		86401, 1000000, 1000001, 0x7fffffff, 0x80000000, 0xffffffff,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL,
	};
	unsigned short type = below(30);
	unsigned char buf[320];
	unsigned int len, claimed;

	if (!below(20))
		type |= rnd() & 0xc000;		/* nested / byte-order flags */
	switch (below(7)) {
	case 0: {	/* u32 */
		unsigned int v = below(3) ? edges[below(ARRAY_SIZE(edges))] : rnd();

		memcpy(buf, &v, 4);
		len = 4;
		break;
	}
	case 1: {	/* u64 */
		unsigned long long v = below(3) ? edges[below(ARRAY_SIZE(edges))] : rnd();

		memcpy(buf, &v, 8);
		len = 8;
		break;
	}
	case 2: {	/* s32 around -1 */
		int v = (int)below(5) - 3;

		memcpy(buf, &v, 4);
		len = 4;
		break;
	}
	case 3: {	/* a plausible string, with its NUL or not */
		const char *w = words[below(ARRAY_SIZE(words))];

		len = strlen(w) + (below(4) ? 1 : 0);
		memcpy(buf, w, len);
		break;
	}
	case 4:		/* random bytes of a random length */
		len = below(sizeof(buf));
		for (unsigned int i = 0; i < len; i++)
			buf[i] = rnd();
		break;
	case 5:		/* a nest of more of the same */
		if (depth < 2) {
			struct nlattr *nest = nla_nest_start(msg, type);

			for (unsigned int i = below(4); i; i--)
				random_attr(msg, depth + 1);
			nla_nest_end(msg, nest);
			return;
		}
		fallthrough;
	default:	/* empty */
		len = 0;
		break;
	}
	claimed = NLA_HDRLEN + len;
	if (!below(25))
		claimed = below(2) ? below(NLA_HDRLEN) : claimed + 1 + below(600);
	put_attr(msg, type, buf, len, claimed);
}

static struct nl_msg *random_msg(struct ftio_nl *nl, unsigned int *cmd,
				 bool *served)
{
	struct nl_msg *msg;
	bool dump = !below(3);

	*cmd = below(FTIO_CMD_MAX + 3);
	/* Asked the way the family serves it (else: EOPNOTSUPP, unrouted). */
	*served = *cmd >= 1 && *cmd < FTIO_CMD_EVENT_NTF && dump == is_dump(*cmd);
	msg = ftio_nl_msg(nl, *cmd, dump ? NLM_F_DUMP : 0);
	if (!msg)
		return NULL;
	for (unsigned int i = below(7); i; i--)
		random_attr(msg, 0);
	return msg;
}

/* What nobody must not be able to change. */
struct snapshot {
	unsigned long long last_seq;
	int devs, tags_sysfs;
};

static int on_core(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_CORE_MAX + 1];

	if (ftio_nl_parse(msg, tb, FTIO_A_CORE_MAX) && tb[FTIO_A_CORE_EV_LAST_SEQ])
		*(unsigned long long *)arg = nla_get_u64(tb[FTIO_A_CORE_EV_LAST_SEQ]);
	return NL_OK;
}

static int on_count(struct nl_msg *msg, void *arg)
{
	(*(int *)arg)++;
	return NL_OK;
}

static int snapshot(struct ftio_nl *nl, struct snapshot *s)
{
	FILE *f = fopen("/sys/kernel/ftio/pool/tags", "r");

	memset(s, 0, sizeof(*s));
	if (!f || fscanf(f, "%d", &s->tags_sysfs) != 1)
		s->tags_sysfs = -1;
	if (f)
		fclose(f);
	if (ftio_nl_run(nl, ftio_nl_msg(nl, FTIO_CMD_CORE_GET, 0), on_core,
			&s->last_seq))
		return -1;
	return ftio_nl_run(nl, ftio_nl_msg(nl, FTIO_CMD_MPIO_DEV_GET, NLM_F_DUMP),
			   on_count, &s->devs);
}

static unsigned long count_of(const char *env, unsigned long dflt)
{
	const char *v = getenv(env);

	return v && *v ? strtoul(v, NULL, 0) : dflt;
}

static unsigned long long seed(void)
{
	return count_of("FTIO_FUZZ_SEED", 0x5eed0f7105ULL) | 1;
}

/* Run N messages; returns the first message that broke a rule, or 0. */
static unsigned long fuzz(struct ftio_nl *nl, unsigned long n, bool nobody,
			  char *why, size_t whylen)
{
	for (unsigned long i = 1; i <= n; i++) {
		unsigned int cmd;
		bool served;
		struct nl_msg *msg = random_msg(nl, &cmd, &served);
		int ret;

		if (!msg) {
			snprintf(why, whylen, "out of memory");
			return i;
		}
		ret = ftio_nl_run(nl, msg, NULL, NULL);
		if (ret == -EIO) {
			snprintf(why, whylen, "no answer to command %u", cmd);
			return i;
		}
		if (nobody && !served && ret != -EOPNOTSUPP) {
			snprintf(why, whylen, "command %u (not served so) answered %d",
				 cmd, ret);
			return i;
		}
		if (nobody && served && privileged(cmd) && ret != -EPERM) {
			snprintf(why, whylen, "command %u answered %d, not EPERM", cmd, ret);
			return i;
		}
	}
	return 0;
}

FIXTURE(fuzz) {
	struct ftio_nl nl;
};

FIXTURE_SETUP(fuzz)
{
	static const char *const setup =
		"modprobe ftio_mpio && { [ -b /dev/nullb0 ] || modprobe null_blk nr_devices=1; }";

	ASSERT_EQ(0, system(setup));
	ASSERT_EQ(0, ftio_nl_open(&self->nl));
}

/* Undo what root's messages made: mpio devices first, then the modules. */
FIXTURE_TEARDOWN(fuzz)
{
	static const char *const del_devs =
		"for n in $(cat /sys/block/mpio*/mpio/name); do ftioctl mpio delete \"$n\"; done";
	static const char *const unload = "rmmod ftio_mpio ftio_pooltag ftio_core null_blk";

	ftio_nl_close(&self->nl);
	if (system(del_devs) || system(unload))
		TH_LOG("clean-up left an mpio device or a module");
}

TEST_F_TIMEOUT(fuzz, nobody_changes_nothing, 280)
{
	unsigned long n = count_of("FTIO_FUZZ_COUNT", 100000) / 2;
	struct snapshot before, after;
	char why[128] = "";
	int pipefd[2];
	pid_t pid;
	int status;

	rng = seed();
	TH_LOG("seed %#llx, %lu messages as nobody", (unsigned long long)rng, n);
	ASSERT_EQ(0, snapshot(&self->nl, &before));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct ftio_nl nl;
		unsigned long bad;

		close(pipefd[0]);
		if (setgid(65534) || setuid(65534) || ftio_nl_open(&nl))
			_exit(3);
		bad = fuzz(&nl, n, true, why, sizeof(why));
		if (bad) {
			dprintf(pipefd[1], "message %lu: %s", bad, why);
			_exit(1);
		}
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], why, sizeof(why) - 1) < 0)
		why[0] = '\0';
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("%s", why);
	ASSERT_EQ(0, snapshot(&self->nl, &after));
	EXPECT_EQ(before.last_seq, after.last_seq) TH_LOG("an event was posted");
	EXPECT_EQ(before.devs, after.devs) TH_LOG("an mpio device came or went");
	EXPECT_EQ(before.tags_sysfs, after.tags_sysfs) TH_LOG("a pool tag was made");
}

TEST_F_TIMEOUT(fuzz, root_keeps_the_kernel_sane, 280)
{
	unsigned long n = count_of("FTIO_FUZZ_COUNT", 100000) / 2;
	struct snapshot after;
	unsigned long bad;
	char why[128] = "";
	time_t t0;

	rng = seed() * 3 | 1;
	TH_LOG("seed %#llx, %lu messages as root", (unsigned long long)rng, n);
	t0 = time(NULL);
	bad = fuzz(&self->nl, n, false, why, sizeof(why));
	TH_LOG("%lu messages in %ld s", n, (long)(time(NULL) - t0));
	EXPECT_EQ(0, bad) TH_LOG("message %lu: %s", bad, why);
	/* Still answering, and consistent. */
	EXPECT_EQ(0, snapshot(&self->nl, &after));
}

TEST_HARNESS_MAIN
