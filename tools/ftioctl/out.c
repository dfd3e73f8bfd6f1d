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

/*
 * Length of the valid UTF-8 sequence at @s (1 for ASCII), or 0 if the
 * bytes there are not one (overlong forms, surrogates and code points
 * past U+10FFFF included).
 */
static int utf8_len(const unsigned char *s)
{
	unsigned int cp, n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

const char *txt(const char *s)
{
	static char bufs[4][640];
	static int next;
	char *b = bufs[next++ & 3], *o = b;

	/* Control bytes, DEL and bytes that are not UTF-8 as \xHH. */
	while (*s && o < b + sizeof(bufs[0]) - 5) {
		const unsigned char *u = (const unsigned char *)s;
		int n = utf8_len(u);

		if (n == 1 && *u >= 0x20 && *u != 0x7f) {
			*o++ = *s++;
		} else if (n > 1) {
			if (o + n >= b + sizeof(bufs[0]) - 1)
				break;
			memcpy(o, s, n);
			o += n;
			s += n;
		} else {
			o += sprintf(o, "\\x%02x", *u);
			s++;
		}
	}
	*o = '\0';
	return b;
}

static void put_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;
		int n = utf8_len((const unsigned char *)s);

		if (n > 1) {
			fwrite(s, 1, n, stdout);
			s += n - 1;
			continue;
		}
		if (!n) {
			/* Not UTF-8: JSON cannot carry it; the replacement character. */
			fputs("\\ufffd", stdout);
			continue;
		}
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

const char *severity_name(uint32_t sev)
{
	const char *n = spec_name(&ftio_severity_names, sev);

	return n ? n : "unknown";
}

int severity_parse(const char *s, uint32_t *sev)
{
	uint32_t i;

	for (i = 0; i < ftio_severity_names.n; i++) {
		if (!strcasecmp(s, ftio_severity_names.names[i])) {
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
