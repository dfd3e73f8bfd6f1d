// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of ftio_core: the event ring (wrap, overflow and gaps,
 * sequence order under concurrent emitters, delivery), the catalogue,
 * the notifier chain's ordering and veto, and module registration.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static struct ftio_evlog *new_log(struct kunit *test, u32 size,
				  ftio_deliver_fn deliver)
{
	struct ftio_evlog *log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, log);
	KUNIT_ASSERT_EQ(test, ftio_evlog_init(log, size, deliver), 0);
	return log;
}

static u64 add(struct ftio_evlog *log, const char *msg)
{
	return ftio_evlog_append(log, FTIO_SEVERITY_INFO,
				 FTIO_EVENT_CODE_OPERATOR_NOTE, "test", "obj",
				 msg, NULL);
}

/* Ring ------------------------------------------------------------- */

static void ring_size_is_bounded_power_of_two(struct kunit *test)
{
	static const u32 cases[][2] = {
		{ 0, FTIO_RING_MIN }, { 1, FTIO_RING_MIN }, { 16, 16 },
		{ 100, 128 }, { 1024, 1024 }, { 1025, 2048 },
		{ 1 << 30, FTIO_RING_MAX },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ftio_evlog *log = new_log(test, cases[i][0], NULL);

		KUNIT_EXPECT_EQ_MSG(test, log->size, cases[i][1], "asked %u",
				    cases[i][0]);
		ftio_evlog_destroy(log);
	}
}

static void empty_log_stats(struct kunit *test)
{
	struct ftio_evlog *log = new_log(test, 16, NULL);
	struct ftio_evlog_stats st;
	struct ftio_event_rec rec;

	ftio_evlog_stats(log, &st);
	KUNIT_EXPECT_EQ(test, st.count, 0ULL);
	KUNIT_EXPECT_EQ(test, st.last_seq, 0ULL);
	KUNIT_EXPECT_EQ(test, st.first_seq, 1ULL);
	KUNIT_EXPECT_EQ(test, st.dropped, 0ULL);
	KUNIT_EXPECT_FALSE(test, ftio_evlog_read(log, 0, &rec));
	KUNIT_EXPECT_FALSE(test, ftio_evlog_read(log, 1, &rec));
	ftio_evlog_destroy(log);
}

static void seq_starts_at_one_and_fields_kept(struct kunit *test)
{
	struct ftio_evlog *log = new_log(test, 16, NULL);
	struct ftio_event_rec rec;

	KUNIT_EXPECT_EQ(test, ftio_evlog_append(log, FTIO_SEVERITY_ERROR,
						FTIO_EVENT_CODE_COMPONENT_BROKEN,
						"mpio", "mpio0/path1",
						"path failed", NULL), 1ULL);
	KUNIT_EXPECT_EQ(test, add(log, "second"), 2ULL);
	KUNIT_ASSERT_TRUE(test, ftio_evlog_read(log, 1, &rec));
	KUNIT_EXPECT_EQ(test, rec.seq, 1ULL);
	KUNIT_EXPECT_EQ(test, rec.severity, (u32)FTIO_SEVERITY_ERROR);
	KUNIT_EXPECT_EQ(test, rec.code, (u32)FTIO_EVENT_CODE_COMPONENT_BROKEN);
	KUNIT_EXPECT_STREQ(test, rec.source, "mpio");
	KUNIT_EXPECT_STREQ(test, rec.object, "mpio0/path1");
	KUNIT_EXPECT_STREQ(test, rec.message, "path failed");
	KUNIT_EXPECT_GT(test, rec.realtime_ns, 0ULL);
	KUNIT_EXPECT_GT(test, rec.boottime_ns, 0ULL);
	ftio_evlog_destroy(log);
}

static void long_text_is_truncated(struct kunit *test)
{
	struct ftio_evlog *log = new_log(test, 16, NULL);
	struct ftio_event_rec rec;
	char *big = kunit_kzalloc(test, 400, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, big);
	memset(big, 'x', 399);
	ftio_evlog_append(log, FTIO_SEVERITY_INFO, FTIO_EVENT_CODE_OPERATOR_NOTE,
			  big, big, big, NULL);
	KUNIT_ASSERT_TRUE(test, ftio_evlog_read(log, 1, &rec));
	KUNIT_EXPECT_EQ(test, strlen(rec.source), (size_t)FTIO_EVENT_SOURCE_LEN - 1);
	KUNIT_EXPECT_EQ(test, strlen(rec.object), (size_t)FTIO_EVENT_OBJECT_LEN - 1);
	KUNIT_EXPECT_EQ(test, strlen(rec.message), (size_t)FTIO_EVENT_MESSAGE_LEN - 1);
	ftio_evlog_destroy(log);
}

static void ring_wraps_and_keeps_newest(struct kunit *test)
{
	struct ftio_evlog *log = new_log(test, 16, NULL);
	struct ftio_event_rec rec;
	u64 s;

	for (s = 1; s <= 40; s++)
		KUNIT_ASSERT_EQ(test, add(log, "x"), s);
	for (s = 25; s <= 40; s++) {
		KUNIT_ASSERT_TRUE(test, ftio_evlog_read(log, s, &rec));
		KUNIT_EXPECT_EQ(test, rec.seq, s);
	}
	KUNIT_EXPECT_FALSE(test, ftio_evlog_read(log, 41, &rec));
	ftio_evlog_destroy(log);
}

static void overflow_is_counted_and_seen_as_gap(struct kunit *test)
{
	struct ftio_evlog *log = new_log(test, 16, NULL);
	struct ftio_evlog_stats st;
	struct ftio_event_rec rec;
	int i;

	for (i = 0; i < 40; i++)
		add(log, "x");
	ftio_evlog_stats(log, &st);
	KUNIT_EXPECT_EQ(test, st.count, 40ULL);
	KUNIT_EXPECT_EQ(test, st.last_seq, 40ULL);
	KUNIT_EXPECT_EQ(test, st.first_seq, 25ULL);
	/* No deliverer: every overwritten event was never delivered. */
	KUNIT_EXPECT_EQ(test, st.dropped, 24ULL);
	/* Asking for seq 1 yields the oldest held: the gap shows. */
	KUNIT_ASSERT_TRUE(test, ftio_evlog_read(log, 1, &rec));
	KUNIT_EXPECT_EQ(test, rec.seq, 25ULL);
	ftio_evlog_destroy(log);
}

/* Delivery --------------------------------------------------------- */

struct sink {
	u64 seqs[128];
	u32 codes[128];
	unsigned int n;
	struct completion *gate;	/* the first delivery waits on it */
	struct completion entered;
};

static struct sink *the_sink;

static void sink_deliver(struct ftio_evlog *log, const struct ftio_event_rec *rec)
{
	struct sink *s = the_sink;

	if (s->gate && s->n == 0) {
		complete(&s->entered);
		wait_for_completion(s->gate);
	}
	if (s->n < ARRAY_SIZE(s->seqs)) {
		s->seqs[s->n] = rec->seq;
		s->codes[s->n] = rec->code;
		s->n++;
	}
}

static void delivery_in_order(struct kunit *test)
{
	struct sink *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct ftio_evlog *log;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	the_sink = s;
	log = new_log(test, 64, sink_deliver);
	for (i = 0; i < 50; i++)
		add(log, "x");
	ftio_evlog_flush(log);
	KUNIT_ASSERT_EQ(test, s->n, 50U);
	for (i = 0; i < 50; i++)
		KUNIT_EXPECT_EQ(test, s->seqs[i], (u64)i + 1);
	ftio_evlog_destroy(log);
	KUNIT_EXPECT_EQ(test, log->dropped, 0ULL);
}

static void slow_delivery_drops_and_says_so(struct kunit *test)
{
	struct sink *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	DECLARE_COMPLETION_ONSTACK(gate);
	struct ftio_evlog *log;
	struct ftio_evlog_stats st;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->gate = &gate;
	init_completion(&s->entered);
	the_sink = s;
	log = new_log(test, 16, sink_deliver);

	add(log, "first");
	wait_for_completion(&s->entered);	/* worker holds seq 1 */
	for (i = 0; i < 40; i++)		/* seqs 2..41 */
		add(log, "flood");
	complete(&gate);
	ftio_evlog_flush(log);
	ftio_evlog_flush(log);	/* the delivery-lost event goes out too */

	ftio_evlog_stats(log, &st);
	KUNIT_EXPECT_EQ(test, st.dropped, 24ULL);	/* seqs 2..25 */
	KUNIT_ASSERT_EQ(test, s->n, 1U + 16U + 1U);
	KUNIT_EXPECT_EQ(test, s->seqs[0], 1ULL);
	KUNIT_EXPECT_EQ(test, s->seqs[1], 26ULL);
	KUNIT_EXPECT_EQ(test, s->seqs[16], 41ULL);
	KUNIT_EXPECT_EQ(test, s->seqs[17], 42ULL);
	KUNIT_EXPECT_EQ(test, s->codes[17], (u32)FTIO_EVENT_CODE_DELIVERY_LOST);
	ftio_evlog_destroy(log);
}

/* Concurrency ------------------------------------------------------ */

#define PER_CPU_EVENTS 200

struct emitter {
	struct work_struct work;
	struct ftio_evlog *log;
	char name[FTIO_EVENT_SOURCE_LEN];
};

static void emit_many(struct work_struct *work)
{
	struct emitter *e = container_of(work, struct emitter, work);
	int i;

	for (i = 0; i < PER_CPU_EVENTS; i++)
		ftio_evlog_append(e->log, FTIO_SEVERITY_INFO,
				  FTIO_EVENT_CODE_OPERATOR_NOTE, e->name, NULL,
				  "concurrent", NULL);
}

static void seq_monotonic_under_concurrent_emitters(struct kunit *test)
{
	unsigned int ncpu = num_online_cpus(), total, i, cpu, n = 0;
	struct ftio_evlog *log = new_log(test, FTIO_RING_MAX, NULL);
	struct emitter *em = kunit_kcalloc(test, nr_cpu_ids, sizeof(*em), GFP_KERNEL);
	unsigned int *per = kunit_kcalloc(test, nr_cpu_ids, sizeof(*per), GFP_KERNEL);
	struct ftio_event_rec rec, prev = { 0 };
	struct ftio_evlog_stats st;

	KUNIT_ASSERT_NOT_NULL(test, em);
	KUNIT_ASSERT_NOT_NULL(test, per);
	for_each_online_cpu(cpu) {
		em[cpu].log = log;
		snprintf(em[cpu].name, sizeof(em[cpu].name), "cpu%u", cpu);
		INIT_WORK(&em[cpu].work, emit_many);
		queue_work_on(cpu, system_highpri_wq, &em[cpu].work);
	}
	for_each_online_cpu(cpu)
		flush_work(&em[cpu].work);

	total = ncpu * PER_CPU_EVENTS;
	ftio_evlog_stats(log, &st);
	KUNIT_EXPECT_EQ(test, st.count, (u64)total);
	KUNIT_EXPECT_EQ(test, st.first_seq, 1ULL);
	for (i = 1; i <= total; i++) {
		unsigned int c;

		KUNIT_ASSERT_TRUE(test, ftio_evlog_read(log, i, &rec));
		KUNIT_ASSERT_EQ(test, rec.seq, (u64)i);
		/* Sequence order is time order. */
		KUNIT_EXPECT_GE(test, rec.boottime_ns, prev.boottime_ns);
		if (sscanf(rec.source, "cpu%u", &c) == 1 && c < nr_cpu_ids) {
			per[c]++;
			n++;
		}
		prev = rec;
	}
	KUNIT_EXPECT_EQ(test, n, total);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, per[cpu], (unsigned int)PER_CPU_EVENTS);
	ftio_evlog_destroy(log);
}

/* Catalogue -------------------------------------------------------- */

static void catalogue_sorted_unique_complete(struct kunit *test)
{
	unsigned int i, j, n = ftio_event_desc_count();

	KUNIT_ASSERT_GT(test, n, 0U);
	for (i = 0; i < n; i++) {
		const struct ftio_event_desc *d = ftio_event_desc_at(i);

		KUNIT_ASSERT_NOT_NULL(test, d);
		KUNIT_EXPECT_GT(test, d->code, 0U);
		KUNIT_EXPECT_LE(test, d->severity, (u32)FTIO_SEVERITY_CRITICAL);
		KUNIT_EXPECT_GT(test, strlen(d->name), (size_t)0);
		KUNIT_EXPECT_GT(test, strlen(d->summary), (size_t)0);
		KUNIT_EXPECT_GT(test, strlen(d->action), (size_t)0);
		if (i)
			KUNIT_EXPECT_GT(test, d->code, ftio_event_desc_at(i - 1)->code);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, d->name, ftio_event_desc_at(j)->name);
	}
	KUNIT_EXPECT_NULL(test, ftio_event_desc_at(n));
	/* Every code the UAPI defines is described. */
	for (i = FTIO_EVENT_CODE_MODULE_REGISTERED;
	     i <= FTIO_EVENT_CODE_COMPONENT_DEGRADED; i++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, ftio_event_desc(i), "code %u", i);
}

static void catalogue_lookup_by_code(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ftio_event_desc_count(); i++) {
		const struct ftio_event_desc *d = ftio_event_desc_at(i);

		KUNIT_EXPECT_PTR_EQ(test, ftio_event_desc(d->code), d);
		KUNIT_EXPECT_STREQ(test, ftio_event_code_name(d->code), d->name);
	}
	KUNIT_EXPECT_NULL(test, ftio_event_desc(0));
	KUNIT_EXPECT_NULL(test, ftio_event_desc(99999));
	KUNIT_EXPECT_NULL(test, ftio_event_code_name(0));
}

static void catalogue_lookup_by_name(struct kunit *test)
{
	const struct ftio_event_desc *d;

	d = ftio_event_desc_by_name("module-registered");
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->code, (u32)FTIO_EVENT_CODE_MODULE_REGISTERED);
	d = ftio_event_desc_by_name("delivery-lost");
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->severity, (u32)FTIO_SEVERITY_WARNING);
	KUNIT_EXPECT_NULL(test, ftio_event_desc_by_name("no-such-event"));
	KUNIT_EXPECT_NULL(test, ftio_event_desc_by_name(""));
}

static void severity_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, ftio_severity_name(FTIO_SEVERITY_DEBUG), "debug");
	KUNIT_EXPECT_STREQ(test, ftio_severity_name(FTIO_SEVERITY_WARNING), "warning");
	KUNIT_EXPECT_STREQ(test, ftio_severity_name(FTIO_SEVERITY_CRITICAL), "critical");
	KUNIT_EXPECT_STREQ(test, ftio_severity_name(FTIO_SEVERITY_CRITICAL + 1), "unknown");
}

/* Notifier chain --------------------------------------------------- */

struct probe_nb {
	struct notifier_block nb;
	int id;
	int veto;		/* errno to veto PREPARE_REMOVE with */
};

static struct device *marker = (struct device *)&marker;
static int calls[16];
static unsigned long actions[16];
static int ncalls;

static int probe_cb(struct notifier_block *nb, unsigned long action, void *data)
{
	struct probe_nb *p = container_of(nb, struct probe_nb, nb);
	struct ftio_notify_info *info = data;

	if (info->dev != marker)
		return NOTIFY_DONE;
	if (ncalls < ARRAY_SIZE(calls)) {
		calls[ncalls] = p->id;
		actions[ncalls] = action;
		ncalls++;
	}
	if (action == FTIO_NOTIFY_PREPARE_REMOVE && p->veto)
		return notifier_from_errno(p->veto);
	return NOTIFY_OK;
}

static void register_probes(struct kunit *test, struct probe_nb *p, int n)
{
	int i;

	ncalls = 0;
	for (i = 0; i < n; i++) {
		p[i].nb.notifier_call = probe_cb;
		KUNIT_ASSERT_EQ(test, ftio_notifier_register(&p[i].nb), 0);
	}
}

static void unregister_probes(struct probe_nb *p, int n)
{
	int i;

	for (i = 0; i < n; i++)
		ftio_notifier_unregister(&p[i].nb);
}

static void notifier_priority_order(struct kunit *test)
{
	struct probe_nb p[3] = {
		{ .nb.priority = FTIO_NOTIFY_PRI_DEFAULT, .id = 0 },
		{ .nb.priority = FTIO_NOTIFY_PRI_MPIO, .id = 1 },
		{ .nb.priority = FTIO_NOTIFY_PRI_HARDEN, .id = 2 },
	};
	struct ftio_notify_info info = { .dev = marker, .source = "kunit" };

	register_probes(test, p, 3);
	KUNIT_EXPECT_EQ(test, ftio_notify(FTIO_NOTIFY_ONLINE, &info), 0);
	unregister_probes(p, 3);
	KUNIT_ASSERT_EQ(test, ncalls, 3);
	KUNIT_EXPECT_EQ(test, calls[0], 1);	/* mpio first */
	KUNIT_EXPECT_EQ(test, calls[1], 2);	/* then hardening */
	KUNIT_EXPECT_EQ(test, calls[2], 0);
	KUNIT_EXPECT_EQ(test, actions[0], (unsigned long)FTIO_NOTIFY_ONLINE);
}

static void notifier_veto_rolls_back(struct kunit *test)
{
	struct probe_nb p[3] = {
		{ .nb.priority = 300, .id = 0 },
		{ .nb.priority = 200, .id = 1, .veto = -EBUSY },
		{ .nb.priority = 100, .id = 2 },
	};
	struct ftio_notify_info info = { .dev = marker, .source = "kunit" };

	register_probes(test, p, 3);
	KUNIT_EXPECT_EQ(test, ftio_notify(FTIO_NOTIFY_PREPARE_REMOVE, &info), -EBUSY);
	unregister_probes(p, 3);
	/* 0 accepted, 1 vetoed, 2 never asked; 0 is told to resume. */
	KUNIT_ASSERT_EQ(test, ncalls, 3);
	KUNIT_EXPECT_EQ(test, calls[0], 0);
	KUNIT_EXPECT_EQ(test, calls[1], 1);
	KUNIT_EXPECT_EQ(test, calls[2], 0);
	KUNIT_EXPECT_EQ(test, actions[2], (unsigned long)FTIO_NOTIFY_CANCEL_REMOVE);
}

static void notifier_remove_accepted(struct kunit *test)
{
	struct probe_nb p[2] = {
		{ .nb.priority = 300, .id = 0 },
		{ .nb.priority = 200, .id = 1 },
	};
	struct ftio_notify_info info = { .dev = marker, .source = "kunit" };
	int i;

	register_probes(test, p, 2);
	KUNIT_EXPECT_EQ(test, ftio_notify(FTIO_NOTIFY_PREPARE_REMOVE, &info), 0);
	KUNIT_EXPECT_EQ(test, ftio_notify(FTIO_NOTIFY_REMOVED, &info), 0);
	unregister_probes(p, 2);
	KUNIT_ASSERT_EQ(test, ncalls, 4);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_NE(test, actions[i], (unsigned long)FTIO_NOTIFY_CANCEL_REMOVE);
	/* After unregistering, nobody hears anything. */
	ncalls = 0;
	ftio_notify(FTIO_NOTIFY_ONLINE, &info);
	KUNIT_EXPECT_EQ(test, ncalls, 0);
}

/* Registry --------------------------------------------------------- */

static int dummy_doit(struct sk_buff *skb, struct genl_info *info)
{
	return 0;
}

static void handler_table_checks(struct kunit *test)
{
	struct ftio_nl_handler core_cmd[] = { { .cmd = FTIO_CMD_CORE_GET, .doit = dummy_doit } };
	struct ftio_nl_handler zero[] = { { .cmd = 0, .doit = dummy_doit } };
	struct ftio_nl_handler big[] = { { .cmd = FTIO_CMD_MAX + 1, .doit = dummy_doit } };
	struct ftio_nl_handler empty[] = { { .cmd = FTIO_CMD_MAX + 1 } };
	struct ftio_module m = { .name = "kunit_h" };

	m.nl_handlers = core_cmd;
	m.n_nl_handlers = 1;
	KUNIT_EXPECT_EQ(test, ftio_nl_handler_check(&m), -EBUSY);
	m.nl_handlers = zero;
	KUNIT_EXPECT_EQ(test, ftio_nl_handler_check(&m), -EINVAL);
	m.nl_handlers = big;
	KUNIT_EXPECT_EQ(test, ftio_nl_handler_check(&m), -EINVAL);
	m.nl_handlers = empty;
	KUNIT_EXPECT_EQ(test, ftio_nl_handler_check(&m), -EINVAL);
	m.nl_handlers = NULL;
	KUNIT_EXPECT_EQ(test, ftio_nl_handler_check(&m), -EINVAL);
	m.n_nl_handlers = 0;
	KUNIT_EXPECT_EQ(test, ftio_nl_handler_check(&m), 0);
	KUNIT_EXPECT_EQ(test, ftio_register_module(&m), 0);
	ftio_unregister_module(&m);
}

static void module_names_and_duplicates(struct kunit *test)
{
	static const char *const bad[] = {
		"", "Upper", "with-dash", "events", "version", "core",
		"a_name_far_too_long",
	};
	struct ftio_module a = { .name = "kunit_a", .version = "1" };
	struct ftio_module b = { .name = "kunit_a" };
	unsigned int i, before = ftio_module_count();

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct ftio_module m = { .name = bad[i] };

		KUNIT_EXPECT_EQ_MSG(test, ftio_register_module(&m), -EINVAL,
				    "name '%s'", bad[i]);
	}
	KUNIT_EXPECT_EQ(test, ftio_register_module(NULL), -EINVAL);
	KUNIT_ASSERT_EQ(test, ftio_register_module(&a), 0);
	KUNIT_EXPECT_NOT_NULL(test, ftio_module_kobj(&a));
	KUNIT_EXPECT_EQ(test, ftio_module_count(), before + 1);
	KUNIT_EXPECT_EQ(test, ftio_register_module(&b), -EEXIST);
	ftio_unregister_module(&a);
	KUNIT_EXPECT_EQ(test, ftio_module_count(), before);
}

static void emit_takes_catalogue_severity(struct kunit *test)
{
	struct ftio_module m = { .name = "kunit_e", .version = "1" };
	struct ftio_event_rec rec;
	u64 seq;

	KUNIT_ASSERT_EQ(test, ftio_register_module(&m), 0);
	seq = ftio_event_emit(&m, FTIO_EVENT_CODE_COMPONENT_BROKEN, NULL,
			      "thing0", "broke after %d tries", 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&m.events), 1LL);
	ftio_unregister_module(&m);

	KUNIT_ASSERT_TRUE(test, ftio_evlog_read(&ftio_log, seq, &rec));
	KUNIT_EXPECT_EQ(test, rec.seq, seq);
	KUNIT_EXPECT_EQ(test, rec.severity, (u32)FTIO_SEVERITY_ERROR);
	KUNIT_EXPECT_STREQ(test, rec.source, "kunit_e");
	KUNIT_EXPECT_STREQ(test, rec.object, "thing0");
	KUNIT_EXPECT_STREQ(test, rec.message, "broke after 3 tries");
	/* Registration and unregistration are events of their own. */
	KUNIT_ASSERT_TRUE(test, ftio_evlog_read(&ftio_log, seq + 1, &rec));
	KUNIT_EXPECT_EQ(test, rec.code, (u32)FTIO_EVENT_CODE_MODULE_UNREGISTERED);
	KUNIT_EXPECT_STREQ(test, rec.object, "kunit_e");
}

static struct kunit_case ftio_core_cases[] = {
	KUNIT_CASE(ring_size_is_bounded_power_of_two),
	KUNIT_CASE(empty_log_stats),
	KUNIT_CASE(seq_starts_at_one_and_fields_kept),
	KUNIT_CASE(long_text_is_truncated),
	KUNIT_CASE(ring_wraps_and_keeps_newest),
	KUNIT_CASE(overflow_is_counted_and_seen_as_gap),
	KUNIT_CASE(delivery_in_order),
	KUNIT_CASE(slow_delivery_drops_and_says_so),
	KUNIT_CASE(seq_monotonic_under_concurrent_emitters),
	KUNIT_CASE(catalogue_sorted_unique_complete),
	KUNIT_CASE(catalogue_lookup_by_code),
	KUNIT_CASE(catalogue_lookup_by_name),
	KUNIT_CASE(severity_names),
	KUNIT_CASE(notifier_priority_order),
	KUNIT_CASE(notifier_veto_rolls_back),
	KUNIT_CASE(notifier_remove_accepted),
	KUNIT_CASE(handler_table_checks),
	KUNIT_CASE(module_names_and_duplicates),
	KUNIT_CASE(emit_takes_catalogue_severity),
	{}
};

static struct kunit_suite ftio_core_suite = {
	.name = "ftio_core",
	.test_cases = ftio_core_cases,
};

kunit_test_suite(ftio_core_suite);

MODULE_DESCRIPTION("KUnit tests of ftio_core");
MODULE_LICENSE("GPL");
