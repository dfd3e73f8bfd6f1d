// SPDX-License-Identifier: GPL-2.0
/*
 * ftioctl output helpers: a minimal streaming JSON writer (RFC 8259
 * strings, no floats needed) and the shared text conversions.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ftioctl.h"

/* One "first element" flag per nesting level. */
static bool first[16] = { true };
static int depth;

void json_reset(void)
{
	depth = 0;
	first[0] = true;
}

static void sep(void)
{
	if (!first[depth])
		putchar(',');
	first[depth] = false;
}

static void put_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (c < 0x20)
				printf("\\u%04x", c);
			else
				putchar(c);
		}
	}
	putchar('"');
}

static void open_(char c)
{
	sep();
	putchar(c);
	if (depth < 15)
		depth++;
	first[depth] = true;
}

static void close_(char c)
{
	putchar(c);
	if (depth > 0)
		depth--;
}

void json_begin_array(void)
{
	open_('[');
}

void json_end_array(void)
{
	close_(']');
}

void json_begin_object(void)
{
	open_('{');
}

void json_end_object(void)
{
	close_('}');
}

/* A key whose value (an object or array) follows. */
void json_key(const char *key)
{
	sep();
	put_string(key);
	putchar(':');
	first[depth] = true;	/* the value itself needs no comma */
}

void json_str(const char *key, const char *val)
{
	sep();
	if (key) {
		put_string(key);
		putchar(':');
	}
	put_string(val ? val : "");
}

void json_u64(const char *key, uint64_t val)
{
	sep();
	if (key) {
		put_string(key);
		putchar(':');
	}
	printf("%llu", (unsigned long long)val);
}

void json_s64(const char *key, int64_t val)
{
	sep();
	if (key) {
		put_string(key);
		putchar(':');
	}
	printf("%lld", (long long)val);
}

/* End a JSON Lines record. */
void json_flush_line(void)
{
	putchar('\n');
	fflush(stdout);
	json_reset();
}

static const char *const sev_names[] = {
	[FTIO_SEVERITY_DEBUG] = "debug",
	[FTIO_SEVERITY_INFO] = "info",
	[FTIO_SEVERITY_NOTICE] = "notice",
	[FTIO_SEVERITY_WARNING] = "warning",
	[FTIO_SEVERITY_ERROR] = "error",
	[FTIO_SEVERITY_CRITICAL] = "critical",
};

const char *severity_name(uint32_t sev)
{
	if (sev < ARRAY_SIZE(sev_names))
		return sev_names[sev];
	return "unknown";
}

int severity_parse(const char *s, uint32_t *sev)
{
	uint32_t i;

	for (i = 0; i < ARRAY_SIZE(sev_names); i++) {
		if (!strcasecmp(s, sev_names[i])) {
			*sev = i;
			return 0;
		}
	}
	return -1;
}

void format_time(uint64_t ns, char *buf, size_t len)
{
	time_t secs = ns / 1000000000ULL;
	struct tm tm;
	size_t n;

	localtime_r(&secs, &tm);
	n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03llu",
		 (unsigned long long)(ns / 1000000ULL % 1000));
}
