/* SPDX-License-Identifier: GPL-2.0 */
/* ftioctl: shared declarations. */
#ifndef FTIOCTL_H
#define FTIOCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <linux/ftio.h>

#include "spec-tables.h"

/* Exit codes, documented in ftioctl(8). */
#define EXIT_OK		0	/* done */
#define EXIT_FAIL	1	/* the kernel refused or the operation failed */
#define EXIT_USAGE	2	/* bad command line, or input out of range */
#define EXIT_NOTFOUND	3	/* no such device, path or tag */
#define EXIT_PERM	4	/* not permitted: needs CAP_SYS_ADMIN */
#define EXIT_UNAVAIL	5	/* ftio (or the module serving it) is not loaded */

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef __printf
#define __printf(a, b) __attribute__((__format__(__printf__, a, b)))
#endif

/* Global options. */
extern bool opt_json;
extern const char *prog;

/* Print "ftioctl: MESSAGE" on stderr. */
void warnx_(const char *fmt, ...) __printf(1, 2);

/* nl.c: one connection to the "ftio" family. */
struct ftio_nl {
	struct nl_sock *sk;
	int family;
	/* Error text the kernel attached to its last answer (extack). */
	char errmsg[256];
	int err;
	/* The last request sent, for the offsets of an extended ack. */
	struct nlmsghdr *req;
};

int ftio_nl_open(struct ftio_nl *nl);
void ftio_nl_close(struct ftio_nl *nl);
struct nl_msg *ftio_nl_msg(struct ftio_nl *nl, uint8_t cmd, int flags);
/* Send, run cb on each answer; returns 0 or a negative errno. */
int ftio_nl_run(struct ftio_nl *nl, struct nl_msg *msg,
		int (*cb)(struct nl_msg *msg, void *arg), void *arg);
/*
 * One request on a connection of its own: open, send, pass each answer
 * to cb (head and tail, if given, run around the answers), report a
 * failure. Returns an exit code.
 */
int ftio_nl_request(const char *what, uint8_t cmd, int flags,
		    int (*cb)(struct nl_msg *msg, void *arg), void *arg,
		    void (*head)(void), void (*tail)(void));
/* Report a failed request in one line and return its exit code. */
int ftio_nl_fail(struct ftio_nl *nl, const char *what, int err);
/* Open a socket that receives the multicast group "events". */
struct nl_sock *ftio_nl_events_socket(int (*cb)(struct nl_msg *, void *),
				      void *arg);
struct nlattr **ftio_nl_parse(struct nl_msg *msg, struct nlattr **tb,
			      int maxattr);

/* out.c: human tables or JSON. */
/*
 * A kernel-provided string made safe for a terminal (control bytes and
 * bytes that are not UTF-8 as \\xHH); four calls' results live at once.
 */
const char *txt(const char *s);
void json_begin_array(void);
void json_end_array(void);
void json_begin_object(void);
void json_end_object(void);
void json_key(const char *key);
void json_str(const char *key, const char *val);
void json_u64(const char *key, uint64_t val);
void json_s64(const char *key, int64_t val);
void json_flush_line(void);
void json_reset(void);
const char *severity_name(uint32_t sev);
int severity_parse(const char *s, uint32_t *sev);
void format_time(uint64_t ns, char *buf, size_t len);

/* Commands. */
int cmd_version(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_pool(int argc, char **argv);
int cmd_mpio(int argc, char **argv);

#endif
