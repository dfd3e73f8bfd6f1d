// SPDX-License-Identifier: GPL-2.0
/*
 * The ftio event log: a bounded ring of sequenced events.
 *
 * Emission may happen in any context: it takes both clocks and the next
 * sequence number under one spinlock, so that sequence order is time
 * order, copies the record into the ring and kicks a work item. The work
 * item hands each new record to the deliver callback (netlink multicast)
 * and raises the uevents, in process context. Records the ring overwrites
 * before the work item saw them are counted as dropped; listeners see the
 * gap in the sequence numbers, and a delivery-lost event says how many.
 */
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include "internal.h"

/* A device that waits, with a reference held, for its KOBJ_CHANGE. */
struct ftio_uevent {
	struct llist_node node;
	struct device *dev;
	u64 seq;
	u32 code;
	u32 severity;
	char source[FTIO_EVENT_SOURCE_LEN];
	char object[FTIO_EVENT_OBJECT_LEN];
};

static u64 ftio_evlog_first_locked(const struct ftio_evlog *log)
{
	return log->last_seq >= log->size ? log->last_seq - log->size + 1 : 1;
}

static struct ftio_event_rec *ftio_evlog_slot(struct ftio_evlog *log, u64 seq)
{
	return &log->ring[(seq - 1) & (log->size - 1)];
}

static void ftio_evlog_send_uevents(struct ftio_evlog *log)
{
	struct llist_node *list = llist_reverse_order(llist_del_all(&log->uevents));
	struct ftio_uevent *ue, *tmp;
	char seq[32], code[64], sev[32], src[40], obj[80];
	char *envp[6];

	envp[0] = seq;
	envp[1] = code;
	envp[2] = sev;
	envp[3] = src;
	envp[4] = obj;
	envp[5] = NULL;
	llist_for_each_entry_safe(ue, tmp, list, node) {
		const char *name = ftio_event_code_name(ue->code);

		snprintf(seq, sizeof(seq), "FTIO_SEQ=%llu", ue->seq);
		if (name)
			snprintf(code, sizeof(code), "FTIO_EVENT=%s", name);
		else
			snprintf(code, sizeof(code), "FTIO_EVENT=%u", ue->code);
		snprintf(sev, sizeof(sev), "FTIO_SEVERITY=%s",
			 ftio_severity_name(ue->severity));
		snprintf(src, sizeof(src), "FTIO_SOURCE=%s", ue->source);
		snprintf(obj, sizeof(obj), "FTIO_OBJECT=%s", ue->object);
		kobject_uevent_env(&ue->dev->kobj, KOBJ_CHANGE, envp);
		put_device(ue->dev);
		kfree(ue);
	}
}

static void ftio_evlog_work(struct work_struct *work)
{
	struct ftio_evlog *log = container_of(work, struct ftio_evlog, work);
	struct ftio_event_rec rec;
	unsigned long flags;
	u32 budget = log->size;
	u64 lost = 0;
	bool more = false;

	ftio_evlog_send_uevents(log);
	if (!log->deliver)
		return;

	for (;;) {
		u64 first;

		spin_lock_irqsave(&log->lock, flags);
		first = ftio_evlog_first_locked(log);
		if (log->sent_seq + 1 < first)
			log->sent_seq = first - 1;
		if (log->sent_seq >= log->last_seq || !budget) {
			more = log->sent_seq < log->last_seq;
			lost = log->dropped - log->lost_reported;
			log->lost_reported = log->dropped;
			spin_unlock_irqrestore(&log->lock, flags);
			break;
		}
		rec = *ftio_evlog_slot(log, ++log->sent_seq);
		spin_unlock_irqrestore(&log->lock, flags);

		log->deliver(log, &rec);
		budget--;
		cond_resched();
	}

	if (lost) {
		char msg[FTIO_EVENT_MESSAGE_LEN];

		snprintf(msg, sizeof(msg),
			 "%llu events were overwritten in the ring before delivery",
			 lost);
		pr_warn_ratelimited("ftio: core: delivery-lost: %s\n", msg);
		ftio_evlog_append(log, FTIO_SEVERITY_WARNING,
				  FTIO_EVENT_CODE_DELIVERY_LOST, "core", NULL,
				  msg, NULL);
	} else if (more) {
		queue_work(system_wq, &log->work);
	}
}

/**
 * ftio_evlog_init() - set up an empty log
 * @log: the log
 * @size: capacity, rounded up to a power of two within
 *	[FTIO_RING_MIN, FTIO_RING_MAX]
 * @deliver: called in process context for each new record, or NULL
 *
 * Return: 0 or -ENOMEM.
 */
int ftio_evlog_init(struct ftio_evlog *log, u32 size, ftio_deliver_fn deliver)
{
	size = clamp_t(u32, size, FTIO_RING_MIN, FTIO_RING_MAX);
	size = roundup_pow_of_two(size);

	memset(log, 0, sizeof(*log));
	log->ring = vcalloc(size, sizeof(*log->ring));
	if (!log->ring)
		return -ENOMEM;
	spin_lock_init(&log->lock);
	log->size = size;
	log->deliver = deliver;
	INIT_WORK(&log->work, ftio_evlog_work);
	init_llist_head(&log->uevents);
	atomic64_set(&log->uevents_dropped, 0);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_evlog_init);

/**
 * ftio_evlog_flush() - wait until every event emitted so far is delivered
 * @log: the log
 */
void ftio_evlog_flush(struct ftio_evlog *log)
{
	flush_work(&log->work);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_evlog_flush);

/**
 * ftio_evlog_stop() - stop delivering
 * @log: the log
 *
 * After it returns the deliver callback is not running and will not be
 * called again; events still appended are kept in the ring but go
 * nowhere. Pending uevents still go out so that device references are
 * put. Unload calls it before it takes away what the callback uses (the
 * netlink family), and frees the ring with ftio_evlog_destroy() only
 * once nothing can read it any more.
 */
void ftio_evlog_stop(struct ftio_evlog *log)
{
	unsigned long flags;

	spin_lock_irqsave(&log->lock, flags);
	log->dying = true;
	spin_unlock_irqrestore(&log->lock, flags);
	cancel_work_sync(&log->work);
	ftio_evlog_send_uevents(log);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_evlog_stop);

/**
 * ftio_evlog_destroy() - free the log
 * @log: the log; nobody may append to it or read it any more
 *
 * Stops delivery if ftio_evlog_stop() has not. Records not yet delivered
 * are dropped (at unload nobody can listen any more).
 */
void ftio_evlog_destroy(struct ftio_evlog *log)
{
	ftio_evlog_stop(log);
	vfree(log->ring);
	log->ring = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_evlog_destroy);

/**
 * ftio_evlog_append() - add an event
 * @log: the log
 * @severity: enum ftio_severity
 * @code: FTIO_EVENT_CODE_*
 * @source: emitting module's name
 * @object: object concerned, or NULL
 * @message: detail text, or NULL
 * @dev: device to send a KOBJ_CHANGE uevent for, or NULL
 *
 * Context: any.
 * Return: the sequence number given to the event.
 */
u64 ftio_evlog_append(struct ftio_evlog *log, u32 severity, u32 code,
		      const char *source, const char *object,
		      const char *message, struct device *dev)
{
	struct ftio_uevent *ue = NULL;
	struct ftio_event_rec *r;
	unsigned long flags;
	bool kick;
	u64 seq;

	if (dev) {
		ue = kmalloc(sizeof(*ue), GFP_ATOMIC);
		if (!ue)
			atomic64_inc(&log->uevents_dropped);
	}

	spin_lock_irqsave(&log->lock, flags);
	seq = ++log->last_seq;
	r = ftio_evlog_slot(log, seq);
	if (r->seq && r->seq > log->sent_seq)
		log->dropped++;
	r->seq = seq;
	r->realtime_ns = ktime_get_real_ns();
	r->boottime_ns = ktime_get_boottime_ns();
	r->code = code;
	r->severity = severity;
	strscpy(r->source, source ? source : "", sizeof(r->source));
	strscpy(r->object, object ? object : "", sizeof(r->object));
	strscpy(r->message, message ? message : "", sizeof(r->message));
	kick = !log->dying && (log->deliver || ue);
	spin_unlock_irqrestore(&log->lock, flags);

	if (ue) {
		ue->dev = get_device(dev);
		ue->seq = seq;
		ue->code = code;
		ue->severity = severity;
		strscpy(ue->source, source ? source : "", sizeof(ue->source));
		strscpy(ue->object, object ? object : "", sizeof(ue->object));
		llist_add(&ue->node, &log->uevents);
	}
	if (kick)
		queue_work(system_wq, &log->work);
	return seq;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_evlog_append);

/**
 * ftio_evlog_read() - copy out the oldest retained event at or after @seq
 * @log: the log
 * @seq: sequence number wanted; older ones that the ring no longer holds
 *	are skipped, so the caller sees the gap in @rec->seq
 * @rec: where to copy the event
 *
 * Return: true if an event was copied, false if none is that new.
 */
bool ftio_evlog_read(struct ftio_evlog *log, u64 seq,
		     struct ftio_event_rec *rec)
{
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&log->lock, flags);
	seq = max(seq, ftio_evlog_first_locked(log));
	if (seq <= log->last_seq) {
		*rec = *ftio_evlog_slot(log, seq);
		found = true;
	}
	spin_unlock_irqrestore(&log->lock, flags);
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_evlog_read);

/**
 * ftio_evlog_stats() - snapshot the counters
 * @log: the log
 * @st: filled in
 */
void ftio_evlog_stats(struct ftio_evlog *log, struct ftio_evlog_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&log->lock, flags);
	st->count = log->last_seq;
	st->dropped = log->dropped;
	st->last_seq = log->last_seq;
	st->first_seq = log->last_seq ? ftio_evlog_first_locked(log) : 1;
	st->size = log->size;
	spin_unlock_irqrestore(&log->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_evlog_stats);
