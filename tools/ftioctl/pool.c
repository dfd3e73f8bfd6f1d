// SPDX-License-Identifier: GPL-2.0
/*
 * ftioctl pool show | top | set: the pool-tagging allocator's tags.
 *
 *   pool show [--sort bytes|allocs|diff|name] [TAG]
 *   pool top [--sort ...] [--interval SECONDS] [--count N]
 *   pool set TAG [quota SIZE|off] [special on|off|overrun|underrun]
 *                [fail PERCENT|off] [interval N] [times N]
 *                [track on|off] [desc TEXT]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "ftioctl.h"

#define SETTINGS "quota, special, fail, interval, times, track, desc"
#define VALUES "quota 64M|off, special on|off|underrun, fail 1%|off, " \
	"interval N, times N, track on|off"

struct pool_row {
	char tag[8];
	char desc[64];
	char owner[64];
	uint64_t v[FTIO_A_POOL_MAX + 1];	/* numeric attributes by type */
	bool changed[FTIO_A_POOL_MAX + 1];	/* pool top: since last refresh */
	bool is_new;
};

struct pool_table {
	struct pool_row *rows;
	size_t n;
};

static int on_pool(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[FTIO_A_POOL_MAX + 1];
	struct pool_table *tab = arg;
	struct pool_row *r, *rows;
	int i;

	if (!ftio_nl_parse(msg, tb, FTIO_A_POOL_MAX) || !tb[FTIO_A_POOL_TAG])
		return NL_SKIP;
	rows = realloc(tab->rows, (tab->n + 1) * sizeof(*rows));
	if (!rows)
		return NL_STOP;
	tab->rows = rows;
	r = &rows[tab->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->tag, sizeof(r->tag), "%s", nla_get_string(tb[FTIO_A_POOL_TAG]));
	if (tb[FTIO_A_POOL_DESCRIPTION])
		snprintf(r->desc, sizeof(r->desc), "%s",
			 nla_get_string(tb[FTIO_A_POOL_DESCRIPTION]));
	if (tb[FTIO_A_POOL_OWNER])
		snprintf(r->owner, sizeof(r->owner), "%s",
			 nla_get_string(tb[FTIO_A_POOL_OWNER]));
	for (i = FTIO_A_POOL_ALLOCS; i <= FTIO_A_POOL_MAX; i++) {
		if (!tb[i])
			continue;
		r->v[i] = nla_len(tb[i]) == 8 ? nla_get_u64(tb[i]) : nla_get_u32(tb[i]);
	}
	return NL_OK;
}

static int fetch(struct ftio_nl *nl, const char *tag, struct pool_table *tab)
{
	struct nl_msg *msg = ftio_nl_msg(nl, FTIO_CMD_POOL_GET, NLM_F_DUMP);

	tab->rows = NULL;
	tab->n = 0;
	if (!msg)
		return -ENOMEM;
	if (tag)
		nla_put_string(msg, FTIO_A_POOL_TAG, tag);
	return ftio_nl_run(nl, msg, on_pool, tab);
}

enum sort_key { SORT_BYTES, SORT_ALLOCS, SORT_DIFF, SORT_NAME };
static enum sort_key sort_key;

static int cmp_rows(const void *a, const void *b)
{
	const struct pool_row *x = a, *y = b;
	uint64_t vx, vy;

	switch (sort_key) {
	case SORT_NAME:
		return strcmp(x->tag, y->tag);
	case SORT_ALLOCS:
		vx = x->v[FTIO_A_POOL_ALLOCS];
		vy = y->v[FTIO_A_POOL_ALLOCS];
		break;
	case SORT_DIFF:
		vx = x->v[FTIO_A_POOL_LIVE_OBJECTS];
		vy = y->v[FTIO_A_POOL_LIVE_OBJECTS];
		break;
	default:
		vx = x->v[FTIO_A_POOL_LIVE_BYTES];
		vy = y->v[FTIO_A_POOL_LIVE_BYTES];
		break;
	}
	if (vx != vy)
		return vx < vy ? 1 : -1;
	return strcmp(x->tag, y->tag);
}

static int parse_sort(const char *s)
{
	static const char *const names[] = { "bytes", "allocs", "diff", "name" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			sort_key = i;
			return 0;
		}
	}
	warnx_("pool: unknown sort key '%s' (bytes, allocs, diff, name)", s);
	return -1;
}

/* 1234567 -> "1.2M": sizes in a column. */
static const char *human(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	double d = v;
	int u = -1;

	if (v < 10000) {
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return buf;
	}
	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, d < 10 ? "%.1f%c" : "%.0f%c", d, units[u]);
	return buf;
}

static const char *flags_of(const struct pool_row *r, char *buf)
{
	char *p = buf;

	if (r->v[FTIO_A_POOL_QUOTA])
		*p++ = 'Q';
	if (r->v[FTIO_A_POOL_SPECIAL] == FTIO_SPECIAL_MODE_OVERRUN)
		*p++ = 'S';
	if (r->v[FTIO_A_POOL_SPECIAL] == FTIO_SPECIAL_MODE_UNDERRUN)
		*p++ = 'U';
	if (r->v[FTIO_A_POOL_FAIL_PPM])
		*p++ = 'F';
	if (r->v[FTIO_A_POOL_TRACK])
		*p++ = 'T';
	if (p == buf)
		*p++ = '-';
	*p = '\0';
	return buf;
}

static void json_row(const struct pool_row *r)
{
	static const struct { int attr; const char *key; } keys[] = {
		{ FTIO_A_POOL_ALLOCS, "allocs" }, { FTIO_A_POOL_FREES, "frees" },
		{ FTIO_A_POOL_LIVE_OBJECTS, "live_objects" },
		{ FTIO_A_POOL_LIVE_BYTES, "live_bytes" },
		{ FTIO_A_POOL_PEAK_BYTES, "peak_bytes" },
		{ FTIO_A_POOL_FAILURES, "failures" },
		{ FTIO_A_POOL_QUOTA_HITS, "quota_hits" },
		{ FTIO_A_POOL_INJECTED, "injected" },
		{ FTIO_A_POOL_MISMATCHES, "mismatches" },
		{ FTIO_A_POOL_BAD_FREES, "bad_frees" },
		{ FTIO_A_POOL_SPECIAL_ALLOCS, "special_allocs" },
		{ FTIO_A_POOL_QUOTA, "quota" },
		{ FTIO_A_POOL_FAIL_PPM, "fail_ppm" },
		{ FTIO_A_POOL_FAIL_INTERVAL, "fail_interval" },
		{ FTIO_A_POOL_FAIL_TIMES, "fail_times" },
		{ FTIO_A_POOL_TRACKED, "tracked" },
	};
	unsigned int i;

	json_begin_object();
	json_str("tag", r->tag);
	json_str("description", r->desc);
	json_str("owner", r->owner);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		json_u64(keys[i].key, r->v[keys[i].attr]);
	json_str("special", spec_name(&ftio_special_mode_names, r->v[FTIO_A_POOL_SPECIAL]) ?:
		 "unknown");
	json_str("track", r->v[FTIO_A_POOL_TRACK] ? "on" : "off");
	json_end_object();
}

/* One cell; in pool top, reverse video (or a '*') when it changed. */
static void cell(int width, const char *text, bool hot, bool tty)
{
	char buf[80];

	/* Negative width: left-aligned, and no separating space. */
	if (width < 0)
		snprintf(buf, sizeof(buf), "%-*s", -width, text);
	else
		snprintf(buf, sizeof(buf), " %*s", width, text);
	if (hot && tty)
		printf("\033[7m%s\033[0m", buf);
	else
		fputs(buf, stdout);
}

static void print_table(const struct pool_table *tab, bool top, bool tty)
{
	size_t i;

	if (top && !tty)
		putchar(' ');	/* above the change marks */
	printf("%-5s %10s %10s %9s %9s %9s %9s %6s %7s %5s %-16s %s\n", "TAG",
	       "ALLOCS", "FREES", "DIFF", "BYTES", "PER-ALLOC", "PEAK", "FAIL",
	       "QUOTA", "FLAGS", "OWNER", "DESCRIPTION");
	for (i = 0; i < tab->n; i++) {
		const struct pool_row *r = &tab->rows[i];
		uint64_t live = r->v[FTIO_A_POOL_LIVE_OBJECTS];
		uint64_t per;
		char a[24], b[24], c[24], d[24], e[24], f[24], g[24], h[24], fl[8];

		if (top && !tty)
			putchar(r->is_new || r->changed[FTIO_A_POOL_ALLOCS] ||
				r->changed[FTIO_A_POOL_FREES] ? '*' : ' ');
		cell(-5, r->tag, r->is_new, tty && top);
		cell(10, human(r->v[FTIO_A_POOL_ALLOCS], a, sizeof(a)),
		     r->changed[FTIO_A_POOL_ALLOCS], tty && top);
		cell(10, human(r->v[FTIO_A_POOL_FREES], b, sizeof(b)),
		     r->changed[FTIO_A_POOL_FREES], tty && top);
		cell(9, human(live, c, sizeof(c)),
		     r->changed[FTIO_A_POOL_LIVE_OBJECTS], tty && top);
		cell(9, human(r->v[FTIO_A_POOL_LIVE_BYTES], d, sizeof(d)),
		     r->changed[FTIO_A_POOL_LIVE_BYTES], tty && top);
		per = live ? r->v[FTIO_A_POOL_LIVE_BYTES] / live : 0;
		cell(9, human(per, e, sizeof(e)), false, false);
		cell(9, human(r->v[FTIO_A_POOL_PEAK_BYTES], f, sizeof(f)),
		     r->changed[FTIO_A_POOL_PEAK_BYTES], tty && top);
		cell(6, human(r->v[FTIO_A_POOL_FAILURES], g, sizeof(g)),
		     r->changed[FTIO_A_POOL_FAILURES], tty && top);
		cell(7, r->v[FTIO_A_POOL_QUOTA] ?
		     human(r->v[FTIO_A_POOL_QUOTA], h, sizeof(h)) : "-", false, false);
		printf(" %5s %-16s %s\n", flags_of(r, fl), txt(r->owner), txt(r->desc));
	}
}

static int show_opts(int argc, char **argv, const char *usage, double *interval,
		     long *count)
{
	static const struct option opts[] = {
		{ "sort", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:i:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_sort(optarg))
				return -1;
			break;
		case 'i':
			*interval = strtod(optarg, &end);
			if (*end || *interval < 0.1 || *interval > 3600) {
				warnx_("pool: --interval wants seconds (0.1-3600), not '%s'",
				       optarg);
				return -1;
			}
			break;
		case 'n':
			*count = strtol(optarg, &end, 10);
			if (*end || *count < 1) {
				warnx_("pool: --count wants a positive number, not '%s'",
				       optarg);
				return -1;
			}
			break;
		case 'h':
			printf("usage: %s %s\n", prog, usage);
			return 1;
		default:
			return -1;
		}
	}
	return 0;
}

static int check_tag(const char *s)
{
	size_t i;

	if (strlen(s) != 4)
		goto bad;
	for (i = 0; i < 4; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			goto bad;
	return 0;
bad:
	warnx_("pool: '%s' is not a tag (four printable ASCII characters)", s);
	return -1;
}

static int pool_show(int argc, char **argv)
{
	const char *usage = "pool show [--sort bytes|allocs|diff|name] [TAG]";
	struct pool_table tab;
	double interval = 0;
	const char *tag = NULL;
	struct ftio_nl nl;
	long count = 0;
	size_t i;
	int ret;

	sort_key = SORT_BYTES;
	ret = show_opts(argc, argv, usage, &interval, &count);
	if (ret)
		return ret < 0 ? EXIT_USAGE : EXIT_OK;
	if (interval || count) {
		warnx_("pool show: --interval and --count belong to 'pool top'");
		return EXIT_USAGE;
	}
	if (optind < argc) {
		tag = argv[optind++];
		if (check_tag(tag))
			return EXIT_USAGE;
	}
	if (optind < argc) {
		warnx_("pool show: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	ret = ftio_nl_open(&nl);
	if (ret)
		return ret;
	ret = fetch(&nl, tag, &tab);
	if (ret) {
		ret = ftio_nl_fail(&nl, "pool show", ret);
		goto out;
	}
	qsort(tab.rows, tab.n, sizeof(*tab.rows), cmp_rows);
	if (opt_json) {
		json_begin_array();
		for (i = 0; i < tab.n; i++)
			json_row(&tab.rows[i]);
		json_end_array();
		json_flush_line();
	} else {
		print_table(&tab, false, false);
	}
out:
	free(tab.rows);
	ftio_nl_close(&nl);
	return ret;
}

static const struct pool_row *find_row(const struct pool_table *tab, const char *tag)
{
	size_t i;

	for (i = 0; i < tab->n; i++)
		if (!strcmp(tab->rows[i].tag, tag))
			return &tab->rows[i];
	return NULL;
}

static int pool_top(int argc, char **argv)
{
	const char *usage =
		"pool top [--sort bytes|allocs|diff|name] [--interval SECONDS] [--count N]";
	struct pool_table prev = { 0 }, tab;
	bool tty = isatty(STDOUT_FILENO);
	double interval = 1;
	struct ftio_nl nl;
	long count = 0, round;
	int ret;

	sort_key = SORT_BYTES;
	ret = show_opts(argc, argv, usage, &interval, &count);
	if (ret)
		return ret < 0 ? EXIT_USAGE : EXIT_OK;
	if (optind < argc) {
		warnx_("pool top: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (opt_json) {
		warnx_("pool top: no JSON output; use 'pool show -j' repeatedly");
		return EXIT_USAGE;
	}
	ret = ftio_nl_open(&nl);
	if (ret)
		return ret;
	for (round = 1; !count || round <= count; round++) {
		struct timespec ts = { .tv_sec = (time_t)interval,
				       .tv_nsec = (long)((interval - (time_t)interval) * 1e9) };
		char when[32];
		time_t now = time(NULL);
		size_t i;

		ret = fetch(&nl, NULL, &tab);
		if (ret) {
			ret = ftio_nl_fail(&nl, "pool top", ret);
			break;
		}
		for (i = 0; i < tab.n; i++) {
			struct pool_row *r = &tab.rows[i];
			const struct pool_row *old = find_row(&prev, r->tag);
			int a;

			r->is_new = round > 1 && !old;
			for (a = 0; old && a <= FTIO_A_POOL_MAX; a++)
				r->changed[a] = r->v[a] != old->v[a];
		}
		qsort(tab.rows, tab.n, sizeof(*tab.rows), cmp_rows);
		strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
		if (tty)
			fputs("\033[H\033[2J", stdout);
		printf("ftio pool tags at %s, refresh %gs%s (^C to quit)\n\n", when,
		       interval, tty ? "; changes in reverse video" : "; * marks changes");
		print_table(&tab, true, tty);
		if (!tty)
			putchar('\n');
		fflush(stdout);
		free(prev.rows);
		prev = tab;
		if (count && round == count)
			break;
		nanosleep(&ts, NULL);
	}
	free(prev.rows);
	ftio_nl_close(&nl);
	return ret;
}

/* "64M", "1G", "4096", "off" -> bytes. */
static int parse_size(const char *s, uint64_t *v)
{
	unsigned long long n;
	char *end;
	int shift = 0;

	if (!strcmp(s, "off") || !strcmp(s, "none")) {
		*v = 0;
		return 0;
	}
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case 't': case 'T':
		shift = 40;
		break;
	case '\0':
		break;
	default:
		return -1;
	}
	if (*end && end[1] && strcasecmp(end + 1, "b") && strcasecmp(end + 1, "ib"))
		return -1;
	if (shift && n > (UINT64_MAX >> shift))
		return -1;
	*v = (uint64_t)n << shift;
	return 0;
}

/* "1%", "0.5%", "100%", "off" -> parts per million. */
static int parse_percent(const char *s, uint32_t *ppm)
{
	char *end;
	double d;

	if (!strcmp(s, "off")) {
		*ppm = 0;
		return 0;
	}
	errno = 0;
	d = strtod(s, &end);
	if (errno || end == s || strcmp(end, "%") || d < 0 || d > 100 || isnan(d))
		return -1;
	*ppm = (uint32_t)(d * 10000 + 0.5);
	if (!*ppm && d > 0)
		*ppm = 1;
	return 0;
}

static int parse_u32(const char *s, uint32_t *v)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || n > UINT32_MAX)
		return -1;
	*v = n;
	return 0;
}

/* The settings of one pool set command, checked before anything is sent. */
struct pool_settings {
	bool quota, special, fail, interval, times, track, desc;
	uint64_t quota_bytes;
	uint32_t special_mode, fail_ppm, fail_interval, fail_times, track_on;
	const char *desc_text;
};

static int parse_setting(struct pool_settings *ps, const char *k, const char *v)
{
	if (!strcmp(k, "quota")) {
		ps->quota = true;
		return parse_size(v, &ps->quota_bytes);
	}
	if (!strcmp(k, "special")) {
		ps->special = true;
		if (!strcmp(v, "on") || !strcmp(v, "overrun"))
			ps->special_mode = FTIO_SPECIAL_MODE_OVERRUN;
		else if (!strcmp(v, "underrun"))
			ps->special_mode = FTIO_SPECIAL_MODE_UNDERRUN;
		else if (!strcmp(v, "off"))
			ps->special_mode = FTIO_SPECIAL_MODE_OFF;
		else
			return -1;
		return 0;
	}
	if (!strcmp(k, "fail")) {
		ps->fail = true;
		return parse_percent(v, &ps->fail_ppm);
	}
	if (!strcmp(k, "interval")) {
		ps->interval = true;
		return parse_u32(v, &ps->fail_interval);
	}
	if (!strcmp(k, "times")) {
		ps->times = true;
		return parse_u32(v, &ps->fail_times);
	}
	if (!strcmp(k, "track")) {
		ps->track = true;
		ps->track_on = !strcmp(v, "on");
		return strcmp(v, "on") && strcmp(v, "off") ? -1 : 0;
	}
	if (!strcmp(k, "desc")) {
		ps->desc = true;
		ps->desc_text = v;
		return 0;
	}
	return -2;
}

static void put_settings(struct nl_msg *msg, const struct pool_settings *ps)
{
	if (ps->quota)
		nla_put_u64(msg, FTIO_A_POOL_QUOTA, ps->quota_bytes);
	if (ps->special)
		nla_put_u32(msg, FTIO_A_POOL_SPECIAL, ps->special_mode);
	if (ps->fail)
		nla_put_u32(msg, FTIO_A_POOL_FAIL_PPM, ps->fail_ppm);
	if (ps->interval)
		nla_put_u32(msg, FTIO_A_POOL_FAIL_INTERVAL, ps->fail_interval);
	if (ps->times)
		nla_put_u32(msg, FTIO_A_POOL_FAIL_TIMES, ps->fail_times);
	if (ps->track)
		nla_put_u32(msg, FTIO_A_POOL_TRACK, ps->track_on);
	if (ps->desc)
		nla_put_string(msg, FTIO_A_POOL_DESCRIPTION, ps->desc_text);
}

static int pool_set(int argc, char **argv)
{
	const char *usage =
		"pool set TAG [quota SIZE|off] [special on|off|overrun|underrun]\n"
		"       [fail PERCENT|off] [interval N] [times N] [track on|off] [desc TEXT]";
	struct pool_settings ps = { 0 };
	struct pool_table tab = { 0 };
	struct ftio_nl nl;
	struct nl_msg *msg;
	int i, ret;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: %s %s\n", prog, usage);
		return EXIT_OK;
	}
	if (argc < 2) {
		warnx_("pool set: a tag is required");
		return EXIT_USAGE;
	}
	if (check_tag(argv[1]))
		return EXIT_USAGE;
	if (argc < 4 || (argc - 2) % 2) {
		warnx_("pool set: settings come as NAME VALUE pairs (%s)", SETTINGS);
		return EXIT_USAGE;
	}
	for (i = 2; i < argc; i += 2) {
		ret = parse_setting(&ps, argv[i], argv[i + 1]);
		if (ret == -2) {
			warnx_("pool set: unknown setting '%s' (%s)", argv[i], SETTINGS);
			return EXIT_USAGE;
		}
		if (ret) {
			warnx_("pool set: bad value '%s' for %s (%s)", argv[i + 1],
			       argv[i], VALUES);
			return EXIT_USAGE;
		}
	}

	ret = ftio_nl_open(&nl);
	if (ret)
		return ret;
	msg = ftio_nl_msg(&nl, FTIO_CMD_POOL_SET, 0);
	if (!msg) {
		ftio_nl_close(&nl);
		return EXIT_FAIL;
	}
	nla_put_string(msg, FTIO_A_POOL_TAG, argv[1]);
	put_settings(msg, &ps);
	ret = ftio_nl_run(&nl, msg, on_pool, &tab);
	if (ret) {
		ret = ftio_nl_fail(&nl, "pool set", ret);
	} else if (opt_json) {
		if (tab.n)
			json_row(&tab.rows[0]);
		json_flush_line();
	} else {
		print_table(&tab, false, false);
	}
	free(tab.rows);
	ftio_nl_close(&nl);
	return ret;
}

int cmd_pool(int argc, char **argv)
{
	char name[64];

	if (argc < 2 || argv[1][0] == '-')
		return pool_show(argc, argv);
	/* getopt's messages then read "ftioctl pool top: ...". */
	snprintf(name, sizeof(name), "%s pool %s", prog, argv[1]);
	if (!strcmp(argv[1], "show") || !strcmp(argv[1], "top") ||
	    !strcmp(argv[1], "set")) {
		const char *verb = argv[1];

		argv[1] = name;
		if (!strcmp(verb, "show"))
			return pool_show(argc - 1, argv + 1);
		if (!strcmp(verb, "top"))
			return pool_top(argc - 1, argv + 1);
		return pool_set(argc - 1, argv + 1);
	}
	warnx_("pool: unknown verb '%s' (show, top, set)", argv[1]);
	return EXIT_USAGE;
}
