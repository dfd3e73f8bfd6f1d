/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ftio_core internals shared between the files of the module and its
 * KUnit suite. Nothing here is API for other modules.
 */
#ifndef _FTIO_CORE_INTERNAL_H
#define _FTIO_CORE_INTERNAL_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/llist.h>
#include <ftio/core.h>

#define FTIO_RING_MIN		16
#define FTIO_RING_MAX		65536

/**
 * struct ftio_event_rec - one event as the ring stores it
 * @seq: sequence number, 1 for the first event
 * @realtime_ns: CLOCK_REALTIME at emission
 * @boottime_ns: CLOCK_BOOTTIME at emission
 * @code: FTIO_EVENT_CODE_*
 * @severity: enum ftio_severity
 * @source: emitting module
 * @object: object concerned, may be empty
 * @message: human-readable detail
 */
struct ftio_event_rec {
	u64 seq;
	u64 realtime_ns;
	u64 boottime_ns;
	u32 code;
	u32 severity;
	char source[FTIO_EVENT_SOURCE_LEN];
	char object[FTIO_EVENT_OBJECT_LEN];
	char message[FTIO_EVENT_MESSAGE_LEN];
};

struct ftio_evlog;
typedef void (*ftio_deliver_fn)(struct ftio_evlog *log,
				const struct ftio_event_rec *rec);

/**
 * struct ftio_evlog - a bounded, sequenced event log
 * @lock: protects everything below but @work and @uevents
 * @ring: @size records; seq s lives in slot (s - 1) % @size
 * @size: capacity in records
 * @last_seq: newest sequence number handed out (0: none yet)
 * @sent_seq: newest sequence number passed to @deliver
 * @dropped: events overwritten before @deliver saw them
 * @lost_reported: @dropped value last announced by a delivery-lost event
 * @deliver: called from @work for each new event, or NULL
 * @work: delivers new events and pending uevents in process context
 * @uevents: devices waiting for their KOBJ_CHANGE
 * @uevents_dropped: uevents lost to allocation failure
 * @dying: set while the log is being destroyed
 */
struct ftio_evlog {
	spinlock_t lock;	/* see above */
	struct ftio_event_rec *ring;
	u32 size;
	u64 last_seq;
	u64 sent_seq;
	u64 dropped;
	u64 lost_reported;
	ftio_deliver_fn deliver;
	struct work_struct work;
	struct llist_head uevents;
	atomic64_t uevents_dropped;
	bool dying;
};

/**
 * struct ftio_evlog_stats - a consistent snapshot of the log's counters
 * @count: events emitted (equals the last sequence number)
 * @dropped: events overwritten before delivery
 * @last_seq: newest sequence number, 0 if none
 * @first_seq: oldest sequence number still in the ring (last_seq + 1 if
 *	the ring is empty)
 * @size: capacity
 */
struct ftio_evlog_stats {
	u64 count;
	u64 dropped;
	u64 last_seq;
	u64 first_seq;
	u32 size;
};

int ftio_evlog_init(struct ftio_evlog *log, u32 size, ftio_deliver_fn deliver);
void ftio_evlog_stop(struct ftio_evlog *log);
void ftio_evlog_destroy(struct ftio_evlog *log);
u64 ftio_evlog_append(struct ftio_evlog *log, u32 severity, u32 code,
		      const char *source, const char *object,
		      const char *message, struct device *dev);
bool ftio_evlog_read(struct ftio_evlog *log, u64 seq,
		     struct ftio_event_rec *rec);
void ftio_evlog_stats(struct ftio_evlog *log, struct ftio_evlog_stats *st);
void ftio_evlog_flush(struct ftio_evlog *log);

/* The log behind ftio_event_emit(), netlink and sysfs. */
extern struct ftio_evlog ftio_log;
u64 ftio_event_post(u32 severity, u32 code, const char *source,
		    const char *object, const char *message,
		    struct device *dev);

/**
 * struct ftio_event_desc - an entry of the event catalogue
 * @code: FTIO_EVENT_CODE_*
 * @name: stable name, as in the YNL spec
 * @severity: severity the code is emitted with
 * @summary: what happened
 * @action: what the operator does
 */
struct ftio_event_desc {
	u32 code;
	const char *name;
	u32 severity;
	const char *summary;
	const char *action;
};

const struct ftio_event_desc *ftio_event_desc(u32 code);
const struct ftio_event_desc *ftio_event_desc_by_name(const char *name);
const struct ftio_event_desc *ftio_event_desc_at(unsigned int idx);
unsigned int ftio_event_desc_count(void);
const char *ftio_severity_name(u32 severity);

/* Module registry and the netlink command table it fills. */
unsigned int ftio_module_count(void);
int ftio_module_for_each(int (*fn)(const struct ftio_module *mod, void *arg),
			 void *arg);
const struct ftio_nl_handler *ftio_nl_handler_get(u8 cmd,
						  struct module **owner);
int ftio_nl_handler_check(const struct ftio_module *mod);
extern struct kobject *ftio_kobj;

/* Generic netlink family. */
int ftio_netlink_init(void);
void ftio_netlink_exit(void);
bool ftio_nl_cmd_privileged(u8 cmd);
void ftio_nl_family_restrict(void);
void ftio_netlink_deliver(struct ftio_evlog *log,
			  const struct ftio_event_rec *rec);

#endif /* _FTIO_CORE_INTERNAL_H */
