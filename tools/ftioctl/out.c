// SPDX-License-Identifier: GPL-2.0
/*
 * ftioctl output helpers: JSON through json-c, and the shared text
 * conversions.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ftioctl.h"

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

/*
 * JSON: json-c builds each record (one document, or one line of JSON
 * Lines) as the callers walk their data, and prints it at
 * json_flush_line(). The stack holds the open arrays and objects.
 */
#define JSON_DEPTH 16
static struct json_object *stack[JSON_DEPTH];
static int depth;
static struct json_object *root;
static char *pending_key;

void json_reset(void)
{
	json_object_put(root);
	root = NULL;
	depth = 0;
	free(pending_key);
	pending_key = NULL;
}

/*
 * A JSON string of @s: what is not UTF-8 cannot be carried by JSON and
 * becomes U+FFFD; json-c escapes the rest.
 */
static struct json_object *json_string_of(const char *s)
{
	struct json_object *o;
	size_t len = strlen(s), i = 0, n = 0;
	char *b = malloc(len * 3 + 1);

	if (!b)
		return json_object_new_string("");
	while (i < len) {
		int l = utf8_len((const unsigned char *)s + i);

		if (l) {
			memcpy(b + n, s + i, l);
			n += l;
			i += l;
		} else {
			memcpy(b + n, "\xef\xbf\xbd", 3);
			n += 3;
			i++;
		}
	}
	o = json_object_new_string_len(b, n);
	free(b);
	return o;
}

/* Place @v where the writer stands: root, open array, or open object. */
static void put(struct json_object *v, const char *key)
{
	struct json_object *top = depth ? stack[depth - 1] : NULL;

	if (!top) {
		json_object_put(root);
		root = v;
	} else if (json_object_is_type(top, json_type_array)) {
		json_object_array_add(top, v);
	} else {
		json_object_object_add(top, key ? key : pending_key ? pending_key : "", v);
	}
	free(pending_key);
	pending_key = NULL;
}

static void open_(struct json_object *v)
{
	put(v, NULL);
	if (depth < JSON_DEPTH) {
		stack[depth++] = v;
	} else {
		fprintf(stderr, "ftioctl: JSON nested deeper than %d\n", JSON_DEPTH);
		exit(1);
	}
}

void json_begin_array(void)
{
	open_(json_object_new_array());
}

void json_end_array(void)
{
	if (depth)
		depth--;
}

void json_begin_object(void)
{
	open_(json_object_new_object());
}

void json_end_object(void)
{
	if (depth)
		depth--;
}

/* A key whose value (an object or array) follows. */
void json_key(const char *key)
{
	free(pending_key);
	pending_key = strdup(key);
}

void json_str(const char *key, const char *val)
{
	put(json_string_of(val ? val : ""), key);
}

void json_u64(const char *key, uint64_t val)
{
	put(json_object_new_uint64(val), key);
}

void json_s64(const char *key, int64_t val)
{
	put(json_object_new_int64(val), key);
}

/* Print the record built so far, as one line, and start the next. */
void json_flush_line(void)
{
	if (root)
		puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
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
