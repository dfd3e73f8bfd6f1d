// SPDX-License-Identifier: GPL-2.0
/*
 * ftioctl: the command-line tool of ftio.
 *
 *   ftioctl [-j] OBJECT [VERB] [ARGS...]
 *
 * Exit status: 0 done, 1 the operation failed or the kernel refused it,
 * 2 bad usage or ftio not available (see ftioctl(8)).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ftioctl.h"

bool opt_json;
const char *prog = "ftioctl";

void warnx_(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} objects[] = {
	{ "version", cmd_version, "versions of ftioctl, ftio_core and the registered modules" },
	{ "events", cmd_events,
	  "[show] [--since SEQ] [--follow] [--min-severity SEV]\n"
	  "           | post [--severity SEV] [--object NAME] MESSAGE | codes" },
	{ "monitor", cmd_monitor, "print events as they happen" },
	{ "mpio", cmd_mpio,
	  "create NAME [policy P] | delete NAME | show [NAME]\n"
	  "           | set NAME [policy P] [failback immediate|manual|deferred:S]\n"
	  "             [no_path_retry S|queue|fail] [probe_interval S]\n"
	  "             [rr_repeat N] [group G] [fail_queued] [probe]\n"
	  "           | path add NAME DEVICE [group G] [priority N] [weight W]\n"
	  "           | path del|fail|reinstate NAME PATH | path set NAME PATH [...]" },
	{ "pool", cmd_pool,
	  "show [--sort bytes|allocs|diff|name] [TAG] | top [--interval S]\n"
	  "           | set TAG quota SIZE|off | special on|off|underrun | fail PCT|off\n"
	  "             [interval N] [times N] | track on|off | desc TEXT" },
};

static void print_help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s [-j|--json] OBJECT [VERB] [ARGS...]  (-j may also follow)\n\n"
		   "objects:\n", prog);
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		fprintf(f, "  %-8s %s\n", objects[i].name, objects[i].help);
	fprintf(f, "\noptions:\n  -j, --json     JSON output (JSON Lines when following)\n"
		   "  -V, --version  print ftioctl's version\n  -h, --help     this text\n"
		   "\nexit status: 0 done, 1 failed, 2 bad usage or value, 3 not found,\n"
		   "  4 not permitted, 5 ftio (or the module serving it) not loaded\n");
}

int main(int argc, char **argv)
{
	size_t i;
	int a = 1;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-j") || !strcmp(argv[a], "--json")) {
			opt_json = true;
			continue;
		}
		if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help")) {
			print_help(stdout);
			return EXIT_OK;
		}
		if (!strcmp(argv[a], "-V") || !strcmp(argv[a], "--version")) {
			printf("ftioctl %s\n", FTIO_VERSION);
			return EXIT_OK;
		}
		warnx_("unknown option '%s' (try --help)", argv[a]);
		return EXIT_USAGE;
	}
	if (a >= argc) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	/*
	 * -j/--json is global but may come anywhere ("pool show -j"): take
	 * it out of the object's arguments, up to a "--".
	 */
	{
		int r, w = a + 1;

		for (r = a + 1; r < argc; r++) {
			if (!strcmp(argv[r], "--")) {
				while (r < argc)
					argv[w++] = argv[r++];
				break;
			}
			if (!strcmp(argv[r], "-j") || !strcmp(argv[r], "--json"))
				opt_json = true;
			else
				argv[w++] = argv[r];
		}
		argc = w;
		argv[argc] = NULL;
	}
	for (i = 0; i < ARRAY_SIZE(objects); i++) {
		char name[64];

		if (strcmp(argv[a], objects[i].name))
			continue;
		/* getopt's own messages then read "ftioctl events: ...". */
		snprintf(name, sizeof(name), "%s %s", prog, objects[i].name);
		argv[a] = name;
		return objects[i].fn(argc - a, argv + a);
	}
	warnx_("unknown object '%s' (try --help)", argv[a]);
	return EXIT_USAGE;
}
