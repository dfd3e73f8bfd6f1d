// SPDX-License-Identifier: GPL-2.0
/*
 * ftioctl version | events | monitor: ftio_core's state and its event log.
 *
 * "events --follow" subscribes to the multicast group before it dumps the
 * ring, then prints what the group delivers, skipping what the dump
 * already showed: no event is lost or printed twice between the two. A
 * gap in the multicast stream (socket overrun) is filled from the ring;
 * what the ring no longer holds is reported as lost.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "ftioctl.h"

#define SEVERITIES "debug, info, notice, warning, error, critical"

/* The catalogue, fetched once, to print code names. */
struct code_name {
	uint32_t code;
	char name[48];
};

static struct code_name *codes;
static size_t ncodes;

static int on_code(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_CATALOGUE_MAX + 1];
	struct code_name *n;

	if (!ftio_nl_parse(msg, tb, FTIO_A_CATALOGUE_MAX) ||
	    !tb[FTIO_A_CATALOGUE_CODE] || !tb[FTIO_A_CATALOGUE_NAME])
		return NL_SKIP;
	n = realloc(codes, (ncodes + 1) * sizeof(*codes));
	if (!n)
		return NL_STOP;
	codes = n;
	codes[ncodes].code = nla_get_u32(tb[FTIO_A_CATALOGUE_CODE]);
	snprintf(codes[ncodes].name, sizeof(codes[ncodes].name), "%s",
		 nla_get_string(tb[FTIO_A_CATALOGUE_NAME]));
	ncodes++;
	return NL_OK;
}

static void load_codes(struct ftio_nl *nl)
{
	struct nl_msg *msg = ftio_nl_msg(nl, FTIO_CMD_CATALOGUE_GET, NLM_F_DUMP);

	if (msg)
		ftio_nl_run(nl, msg, on_code, NULL);
}

static const char *code_name(uint32_t code)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < ncodes; i++)
		if (codes[i].code == code)
			return codes[i].name;
	snprintf(buf, sizeof(buf), "code-%u", code);
	return buf;
}

/* ftioctl version --------------------------------------------------- */

static unsigned long long attr_u64(struct nlattr *a)
{
	return a ? (unsigned long long)nla_get_u64(a) : 0ULL;
}

static int on_core(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_CORE_MAX + 1], *mt[FTIO_A_MODULE_MAX + 1];
	struct nlattr *a;
	int rem, nmod = 0;

	if (!ftio_nl_parse(msg, tb, FTIO_A_CORE_MAX))
		return NL_SKIP;
#define U64(x) attr_u64(tb[x])
	if (opt_json) {
		json_begin_object();
		json_str("ftioctl", FTIO_VERSION);
		json_key("core");
		json_begin_object();
		json_str("version", tb[FTIO_A_CORE_VERSION] ?
			 nla_get_string(tb[FTIO_A_CORE_VERSION]) : "");
		json_key("events");
		json_begin_object();
		json_u64("count", U64(FTIO_A_CORE_EV_COUNT));
		json_u64("dropped", U64(FTIO_A_CORE_EV_DROPPED));
		json_u64("first_seq", U64(FTIO_A_CORE_EV_FIRST_SEQ));
		json_u64("last_seq", U64(FTIO_A_CORE_EV_LAST_SEQ));
		json_u64("ring_size", tb[FTIO_A_CORE_EV_RING_SIZE] ?
			 nla_get_u32(tb[FTIO_A_CORE_EV_RING_SIZE]) : 0);
		json_end_object();
		json_key("modules");
		json_begin_array();
	} else {
		printf("ftioctl   %s\nftio_core %s\n", FTIO_VERSION,
		       tb[FTIO_A_CORE_VERSION] ?
		       nla_get_string(tb[FTIO_A_CORE_VERSION]) : "?");
		printf("events    %llu emitted, %llu dropped, seq %llu..%llu held",
		       U64(FTIO_A_CORE_EV_COUNT), U64(FTIO_A_CORE_EV_DROPPED),
		       U64(FTIO_A_CORE_EV_FIRST_SEQ), U64(FTIO_A_CORE_EV_LAST_SEQ));
		printf(" in a ring of %u\n",
		       tb[FTIO_A_CORE_EV_RING_SIZE] ?
		       nla_get_u32(tb[FTIO_A_CORE_EV_RING_SIZE]) : 0);
	}
#undef U64
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlmsg_hdr(msg)), 0),
			  genlmsg_attrlen(nlmsg_data(nlmsg_hdr(msg)), 0), rem) {
		const char *name, *ver;
		unsigned long long ev;

		if (nla_type(a) != FTIO_A_CORE_MODULE)
			continue;
		if (nla_parse_nested(mt, FTIO_A_MODULE_MAX, a, NULL))
			continue;
		name = mt[FTIO_A_MODULE_NAME] ? nla_get_string(mt[FTIO_A_MODULE_NAME]) : "?";
		ver = mt[FTIO_A_MODULE_VERSION] ? nla_get_string(mt[FTIO_A_MODULE_VERSION]) : "";
		ev = mt[FTIO_A_MODULE_EVENTS] ? nla_get_u64(mt[FTIO_A_MODULE_EVENTS]) : 0;
		if (opt_json) {
			json_begin_object();
			json_str("name", name);
			json_str("version", ver);
			json_u64("events", ev);
			json_end_object();
		} else {
			if (!nmod)
				printf("\n%-16s %-10s %s\n", "MODULE", "VERSION", "EVENTS");
			printf("%-16s %-10s %llu\n", txt(name), txt(ver), ev);
		}
		nmod++;
	}
	if (opt_json) {
		json_end_array();
		json_end_object();
		json_end_object();
		json_flush_line();
	} else if (!nmod) {
		printf("modules   none registered\n");
	}
	return NL_OK;
}

int cmd_version(int argc, char **argv)
{
	if (argc > 1) {
		warnx_("version takes no arguments");
		return EXIT_USAGE;
	}
	return ftio_nl_request("version", FTIO_CMD_CORE_GET, 0, on_core, NULL,
			       NULL, NULL);
}

/* ftioctl events / monitor ----------------------------------------- */

struct evstate {
	struct ftio_nl *nl;
	uint64_t last;		/* newest sequence number printed or skipped */
	uint32_t min_sev;
	bool follow;		/* JSON Lines instead of one array */
	bool header_done;
	uint64_t lost;
};

static void print_header(struct evstate *st)
{
	if (opt_json || st->header_done)
		return;
	printf("%7s %-23s %-8s %-8s %-16s %-22s %s\n", "SEQ", "TIME",
	       "SEVERITY", "SOURCE", "OBJECT", "EVENT", "MESSAGE");
	st->header_done = true;
}

/*
 * Events between 'from' and 'to' cannot be shown: the ring overwrote
 * them before we read them (or before --since asked for them).
 */
static void print_lost(struct evstate *st, uint64_t from, uint64_t to)
{
	st->lost += to - from + 1;
	if (opt_json && !st->follow)
		return;	/* a dump's JSON array holds events only */
	if (opt_json) {
		json_begin_object();
		json_u64("lost_from", from);
		json_u64("lost_to", to);
		json_end_object();
		json_flush_line();
	} else {
		printf("%7s -- %llu events lost (seq %llu..%llu): ", "",
		       (unsigned long long)(to - from + 1),
		       (unsigned long long)from, (unsigned long long)to);
		printf("they left the ring before they were read --\n");
	}
}

static void print_event(struct evstate *st, struct nlattr **tb)
{
	uint64_t seq = nla_get_u64(tb[FTIO_A_EVENT_SEQ]);
	uint64_t rt = tb[FTIO_A_EVENT_REALTIME_NS] ?
		      nla_get_u64(tb[FTIO_A_EVENT_REALTIME_NS]) : 0;
	uint32_t sev = tb[FTIO_A_EVENT_SEVERITY] ?
		       nla_get_u32(tb[FTIO_A_EVENT_SEVERITY]) : 0;
	uint32_t code = tb[FTIO_A_EVENT_CODE] ?
			nla_get_u32(tb[FTIO_A_EVENT_CODE]) : 0;
	const char *src = tb[FTIO_A_EVENT_SOURCE] ?
			  nla_get_string(tb[FTIO_A_EVENT_SOURCE]) : "";
	const char *obj = tb[FTIO_A_EVENT_OBJECT] ?
			  nla_get_string(tb[FTIO_A_EVENT_OBJECT]) : "";
	const char *text = tb[FTIO_A_EVENT_MESSAGE] ?
			   nla_get_string(tb[FTIO_A_EVENT_MESSAGE]) : "";
	char when[40];

	if (opt_json) {
		json_begin_object();
		json_u64("seq", seq);
		json_u64("realtime_ns", rt);
		json_u64("boottime_ns", tb[FTIO_A_EVENT_BOOTTIME_NS] ?
			 nla_get_u64(tb[FTIO_A_EVENT_BOOTTIME_NS]) : 0);
		json_str("severity", severity_name(sev));
		json_str("source", src);
		json_str("object", obj);
		json_u64("code", code);
		json_str("event", code_name(code));
		json_str("message", text);
		json_end_object();
		if (st->follow)
			json_flush_line();
		return;
	}
	format_time(rt, when, sizeof(when));
	printf("%7llu %-23s %-8s %-8s %-16s %-22s %s\n",
	       (unsigned long long)seq, when, severity_name(sev), txt(src),
	       *obj ? txt(obj) : "-", code_name(code), txt(text));
	if (st->follow)
		fflush(stdout);
}

/*
 * Parse an event; true if it is newer than anything shown, i.e. neither
 * malformed nor one that an earlier answer already had.
 */
static bool new_event(struct nl_msg *msg, const struct evstate *st,
		      struct nlattr **tb, uint64_t *seq)
{
	if (!ftio_nl_parse(msg, tb, FTIO_A_EVENT_MAX) || !tb[FTIO_A_EVENT_SEQ])
		return false;
	*seq = nla_get_u64(tb[FTIO_A_EVENT_SEQ]);
	return *seq > st->last;
}

/* An event from the dump. */
static int on_dumped(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_EVENT_MAX + 1];
	struct evstate *st = arg;
	uint64_t seq;

	if (!new_event(msg, st, tb, &seq))
		return NL_OK;
	/* With a severity filter, gaps are expected and mean nothing. */
	if (!st->min_sev && seq > st->last + 1)
		print_lost(st, st->last + 1, seq - 1);
	print_event(st, tb);
	st->last = seq;
	return NL_OK;
}

/* Dump the ring from 'since'; retried when the dump was interrupted. */
static int dump_from(struct evstate *st, uint64_t since)
{
	int tries, ret = 0;

	for (tries = 0; tries < 5; tries++) {
		struct nl_msg *msg = ftio_nl_msg(st->nl, FTIO_CMD_EVENT_GET,
						 NLM_F_DUMP);

		if (!msg)
			return -ENOMEM;
		nla_put_u64(msg, FTIO_A_EVENT_SINCE, since);
		if (st->min_sev)
			nla_put_u32(msg, FTIO_A_EVENT_MIN_SEVERITY, st->min_sev);
		ret = ftio_nl_run(st->nl, msg, on_dumped, st);
		if (ret != -EINTR)
			return ret;
		since = st->last + 1;
	}
	return ret;
}

/* An event from the multicast group. */
static int on_multicast(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_EVENT_MAX + 1];
	struct evstate *st = arg;
	uint64_t seq;

	if (!new_event(msg, st, tb, &seq))
		return NL_OK;
	if (seq > st->last + 1) {
		/*
		 * Missed some: take them from the ring while it has them;
		 * on_dumped() reports what it no longer has.
		 */
		uint64_t before = st->last;

		dump_from(st, before + 1);
		if (!st->min_sev && st->last == before)
			print_lost(st, before + 1, seq - 1);
		if (seq <= st->last)
			return NL_OK;
	}
	if (tb[FTIO_A_EVENT_SEVERITY] &&
	    nla_get_u32(tb[FTIO_A_EVENT_SEVERITY]) < st->min_sev) {
		st->last = seq;
		return NL_OK;
	}
	print_event(st, tb);
	st->last = seq;
	return NL_OK;
}

/*
 * SIGINT and SIGTERM stay blocked except inside ppoll(), which they end
 * with EINTR: following stops cleanly, even when ^C comes during a dump.
 */
static void on_signal(int sig)
{
}

static void block_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t set;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static int follow(struct evstate *st, struct nl_sock *mc)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(mc), .events = POLLIN };
	sigset_t none;

	sigemptyset(&none);
	for (;;) {
		int ret = ppoll(&pfd, 1, NULL, &none);

		if (ret < 0 && errno == EINTR)
			return 0;
		if (ret < 0)
			return -errno;
		ret = nl_recvmsgs_default(mc);
		if (ret == -NLE_NOMEM || ret == -NLE_MSG_OVERFLOW) {
			/* Our socket overran: what it dropped is in the ring. */
			dump_from(st, st->last + 1);
		} else if (ret < 0 && ret != -NLE_AGAIN && ret != -NLE_INTR) {
			warnx_("events: receiving: %s", nl_geterror(ret));
			return -EIO;
		}
	}
	return 0;
}

static int on_last_seq(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_CORE_MAX + 1];

	if (ftio_nl_parse(msg, tb, FTIO_A_CORE_MAX) && tb[FTIO_A_CORE_EV_LAST_SEQ])
		*(uint64_t *)arg = nla_get_u64(tb[FTIO_A_CORE_EV_LAST_SEQ]);
	return NL_OK;
}

static int last_seq(struct ftio_nl *nl, uint64_t *seq)
{
	struct nl_msg *msg = ftio_nl_msg(nl, FTIO_CMD_CORE_GET, 0);

	return msg ? ftio_nl_run(nl, msg, on_last_seq, seq) : -ENOMEM;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || !*s || *end || *s == '-' ? -1 : 0;
}

static int events_show(int argc, char **argv, bool live_only)
{
	const char *usage = live_only ? "monitor [--min-severity SEV]" :
		"events [show] [--since SEQ] [--follow] [--min-severity SEV]";
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "follow", no_argument, NULL, 'f' },
		{ "min-severity", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct evstate st = { 0 };
	struct nl_sock *mc = NULL;
	uint64_t since = 1;
	struct ftio_nl nl;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:fm:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_u64(optarg, &since)) {
				warnx_("events: --since wants a sequence number, not '%s'",
				       optarg);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			st.follow = true;
			break;
		case 'm':
			if (severity_parse(optarg, &st.min_sev)) {
				warnx_("events: unknown severity '%s' (%s)",
				       optarg, SEVERITIES);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: %s %s\n", prog, usage);
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		warnx_("events: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (live_only) {
		if (since != 1 || st.follow) {
			warnx_("monitor: --since and --follow belong to 'events'");
			return EXIT_USAGE;
		}
		st.follow = true;
	}
	if (st.follow)
		block_stop_signals();

	ret = ftio_nl_open(&nl);
	if (ret)
		return ret;
	st.nl = &nl;
	load_codes(&nl);
	if (st.follow) {
		mc = ftio_nl_events_socket(on_multicast, &st);
		if (!mc) {
			bool perm = errno == EPERM;

			warnx_("events: cannot join the events multicast group%s",
			       perm ? " (needs CAP_SYS_ADMIN)" : "");
			ftio_nl_close(&nl);
			return perm ? EXIT_PERM : EXIT_FAIL;
		}
	}
	if (live_only) {
		/* Only what happens from now on. */
		ret = last_seq(&nl, &st.last);
		if (ret) {
			ret = ftio_nl_fail(&nl, "monitor", ret);
			goto out;
		}
	}
	print_header(&st);
	if (opt_json && !st.follow)
		json_begin_array();
	if (!live_only) {
		st.last = since ? since - 1 : 0;
		ret = dump_from(&st, since);
	}
	if (opt_json && !st.follow) {
		json_end_array();
		json_flush_line();
	}
	if (ret)
		ret = ftio_nl_fail(&nl, "events", ret);
	else if (st.follow)
		ret = follow(&st, mc) ? EXIT_FAIL : EXIT_OK;
out:
	if (mc)
		nl_socket_free(mc);
	ftio_nl_close(&nl);
	return ret;
}

static int on_posted(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_EVENT_MAX + 1];

	if (ftio_nl_parse(msg, tb, FTIO_A_EVENT_MAX) && tb[FTIO_A_EVENT_SEQ])
		*(uint64_t *)arg = nla_get_u64(tb[FTIO_A_EVENT_SEQ]);
	return NL_OK;
}

static int events_post(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "severity", required_argument, NULL, 's' },
		{ "object", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t sev = FTIO_SEVERITY_INFO;
	const char *object = NULL;
	struct ftio_nl nl;
	struct nl_msg *msg;
	uint64_t seq = 0;
	size_t len = 1;
	char *text;
	int c, i, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (severity_parse(optarg, &sev)) {
				warnx_("events post: unknown severity '%s' (%s)",
				       optarg, SEVERITIES);
				return EXIT_USAGE;
			}
			break;
		case 'o':
			object = optarg;
			break;
		case 'h':
			printf("usage: %s events post [--severity SEV] %s\n",
			       prog, "[--object NAME] MESSAGE...");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		warnx_("events post: a message is required");
		return EXIT_USAGE;
	}
	for (i = optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	text = calloc(1, len);
	if (!text)
		return EXIT_FAIL;
	for (i = optind; i < argc; i++) {
		if (i > optind)
			strcat(text, " ");
		strcat(text, argv[i]);
	}
	ret = ftio_nl_open(&nl);
	if (ret) {
		free(text);
		return ret;
	}
	msg = ftio_nl_msg(&nl, FTIO_CMD_EVENT_POST, 0);
	if (!msg) {
		free(text);
		ftio_nl_close(&nl);
		return EXIT_FAIL;
	}
	nla_put_u32(msg, FTIO_A_EVENT_SEVERITY, sev);
	if (object)
		nla_put_string(msg, FTIO_A_EVENT_OBJECT, object);
	nla_put_string(msg, FTIO_A_EVENT_MESSAGE, text);
	ret = ftio_nl_run(&nl, msg, on_posted, &seq);
	if (ret) {
		ret = ftio_nl_fail(&nl, "events post", ret);
	} else if (opt_json) {
		json_begin_object();
		json_u64("seq", seq);
		json_end_object();
		json_flush_line();
	} else {
		printf("posted as event %llu\n", (unsigned long long)seq);
	}
	free(text);
	ftio_nl_close(&nl);
	return ret;
}

static int on_catalogue(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_CATALOGUE_MAX + 1];
	const char *s[FTIO_A_CATALOGUE_MAX + 1] = { 0 };
	uint32_t code, sev;
	int i;

	if (!ftio_nl_parse(msg, tb, FTIO_A_CATALOGUE_MAX))
		return NL_SKIP;
	for (i = FTIO_A_CATALOGUE_NAME; i <= FTIO_A_CATALOGUE_MAX; i++)
		if (i != FTIO_A_CATALOGUE_SEVERITY)
			s[i] = tb[i] ? nla_get_string(tb[i]) : "";
	code = tb[FTIO_A_CATALOGUE_CODE] ? nla_get_u32(tb[FTIO_A_CATALOGUE_CODE]) : 0;
	sev = tb[FTIO_A_CATALOGUE_SEVERITY] ?
	      nla_get_u32(tb[FTIO_A_CATALOGUE_SEVERITY]) : 0;
	if (opt_json) {
		json_begin_object();
		json_u64("code", code);
		json_str("name", s[FTIO_A_CATALOGUE_NAME]);
		json_str("severity", severity_name(sev));
		json_str("summary", s[FTIO_A_CATALOGUE_SUMMARY]);
		json_str("action", s[FTIO_A_CATALOGUE_ACTION]);
		json_end_object();
	} else {
		printf("%5u %-22s %-8s %s\n%36s action: %s\n", code,
		       s[FTIO_A_CATALOGUE_NAME], severity_name(sev),
		       s[FTIO_A_CATALOGUE_SUMMARY], "",
		       s[FTIO_A_CATALOGUE_ACTION]);
	}
	return NL_OK;
}

static void codes_head(void)
{
	if (opt_json)
		json_begin_array();
	else
		printf("%5s %-22s %-8s %s\n", "CODE", "EVENT", "SEVERITY",
		       "WHAT HAPPENED");
}

static void codes_tail(void)
{
	if (opt_json) {
		json_end_array();
		json_flush_line();
	}
}

static int events_codes(int argc, char **argv)
{
	if (argc > 1) {
		warnx_("events codes takes no arguments");
		return EXIT_USAGE;
	}
	return ftio_nl_request("events codes", FTIO_CMD_CATALOGUE_GET, NLM_F_DUMP,
			       on_catalogue, NULL, codes_head, codes_tail);
}

int cmd_events(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] != '-') {
		if (!strcmp(argv[1], "show"))
			return events_show(argc - 1, argv + 1, false);
		if (!strcmp(argv[1], "post"))
			return events_post(argc - 1, argv + 1);
		if (!strcmp(argv[1], "codes"))
			return events_codes(argc - 1, argv + 1);
		warnx_("events: unknown verb '%s' (show, post, codes)", argv[1]);
		return EXIT_USAGE;
	}
	return events_show(argc, argv, false);
}

int cmd_monitor(int argc, char **argv)
{
	return events_show(argc, argv, true);
}
