// SPDX-License-Identifier: GPL-2.0
/*
 * ftio_bench: in-kernel microbenchmarks for make bench, never shipped.
 *
 * Write "NAME ITERATIONS" to /sys/kernel/debug/ftio_bench/run; read the
 * same file for "NAME ns_per_op reference_ns_per_op", each with three
 * decimals (a figure of a few ns keeps its fraction). Each benchmark
 * measures ftio against a reference measured in the same call, so only
 * the ratio matters on a noisy emulated machine.
 *
 *   events   ftio_event_emit() against the floor of any event log: a
 *            spinlock-protected copy of a record of the same size into a
 *            ring; the two alternate in FB_SEGMENTS segments, as below
 *   pool     "pool SIZE N TAG CPUS": N pairs of ftio_pool_alloc() and
 *            ftio_pool_free() of SIZE bytes under TAG against N pairs of
 *            kmalloc() and kfree(), on one CPU or (CPUS "all") on every
 *            online CPU at once; ns per pair, averaged over the CPUs.
 *            The two alternate in FB_SEGMENTS segments of N/FB_SEGMENTS
 *            pairs each, and each reports its fastest segment: on an
 *            emulated machine, whatever else runs only ever adds time,
 *            and a slow stretch of the host hits both alike.
 *            Which controls TAG has on (special pool, tracking) is set
 *            from user space with ftioctl pool set.
 *   floor    "floor SIZE N CPUS": N pairs of kmalloc() and kfree() with
 *            one per-CPU counter increment each, at a fixed per-CPU
 *            address, against N plain pairs: the least that exact
 *            per-tag counting can cost, whatever its design.
 */
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <ftio/core.h>
#include <ftio/pooltag.h>

static struct dentry *fb_dir;
static char fb_result[128];
static DEFINE_MUTEX(fb_lock);
static DEFINE_SPINLOCK(fb_ref_lock);

struct fb_counts {
	u64 allocs;
	u64 frees;
};

static DEFINE_PER_CPU(struct fb_counts, fb_floor_counts);

static struct ftio_module fb_module = {
	.name = "bench",
	.version = "test",
	.owner = THIS_MODULE,
};

/* The reference: what a minimal ring of event records costs. */
struct fb_rec {
	u64 seq, t1, t2;
	u32 code, sev;
	char text[FTIO_EVENT_SOURCE_LEN + FTIO_EVENT_OBJECT_LEN +
		  FTIO_EVENT_MESSAGE_LEN];
};

#define FB_SEGMENTS	64

/* Picoseconds per operation: @ns for @n operations. */
static u64 fb_ps(u64 ns, u32 n)
{
	return div_u64(ns * 1000, n);
}

/* The reference: @n records into @ring under a spinlock. */
static u64 fb_events_ref(struct fb_rec *ring, u64 *seq, u32 n)
{
	unsigned long flags;
	u64 t = ktime_get_ns();
	u32 i;

	for (i = 0; i < n; i++) {
		char msg[FTIO_EVENT_MESSAGE_LEN];
		struct fb_rec *r;

		snprintf(msg, sizeof(msg), "bench event %u", i);
		spin_lock_irqsave(&fb_ref_lock, flags);
		r = &ring[(*seq)++ & 1023];
		r->seq = *seq;
		r->t1 = ktime_get_real_ns();
		r->t2 = ktime_get_boottime_ns();
		r->code = FTIO_EVENT_CODE_OPERATOR_NOTE;
		r->sev = FTIO_SEVERITY_DEBUG;
		strscpy(r->text, msg, sizeof(r->text));
		spin_unlock_irqrestore(&fb_ref_lock, flags);
	}
	return fb_ps(ktime_get_ns() - t, n);
}

static u64 fb_events_ftio(u32 n)
{
	u64 t = ktime_get_ns();
	u32 i;

	for (i = 0; i < n; i++)
		ftio_event_emit(&fb_module, FTIO_EVENT_CODE_OPERATOR_NOTE, NULL,
				"bench0", "bench event %u", i);
	return fb_ps(ktime_get_ns() - t, n);
}

/*
 * ftio_event_emit() and the reference ring alternate in FB_SEGMENTS
 * segments (which goes first alternating); the fastest segment of each,
 * in ps per event.
 */
static void fb_events(u32 n, u64 *ps_ftio, u64 *ps_ref)
{
	struct fb_rec *ring = kcalloc(1024, sizeof(*ring), GFP_KERNEL);
	u32 seg = max(n / FB_SEGMENTS, 1U);
	unsigned int i;
	u64 seq = 0;

	if (!ring)
		return;
	*ps_ftio = U64_MAX;
	*ps_ref = U64_MAX;
	for (i = 0; i < FB_SEGMENTS; i++) {
		if (i & 1) {
			*ps_ref = min(*ps_ref, fb_events_ref(ring, &seq, seg));
			*ps_ftio = min(*ps_ftio, fb_events_ftio(seg));
		} else {
			*ps_ftio = min(*ps_ftio, fb_events_ftio(seg));
			*ps_ref = min(*ps_ref, fb_events_ref(ring, &seq, seg));
		}
		cond_resched();
	}
	kfree(ring);
}

struct fb_pool_work {
	struct work_struct work;
	size_t size;
	u32 n;
	u32 tag;	/* 0: kmalloc/kfree */
	bool floor;	/* with tag 0: and a per-CPU count of each */
	u64 ns;
};

static void fb_pool_loop(struct work_struct *work)
{
	struct fb_pool_work *w = container_of(work, struct fb_pool_work, work);
	/*
	 * In locals, kept in registers across the calls: read through @w,
	 * each would be loaded again every pair, and the variant with the
	 * most of them (tagged: size and tag) would pay the most.
	 */
	const size_t size = w->size;
	const u32 n = w->n, tag = w->tag;
	u64 t = ktime_get_ns();
	u32 i;

	if (tag) {
		for (i = 0; i < n; i++)
			ftio_pool_free(ftio_pool_alloc(size, GFP_KERNEL, tag), tag);
	} else if (w->floor) {
		for (i = 0; i < n; i++) {
			void *p = kmalloc(size, GFP_KERNEL);

			if (p)
				this_cpu_inc(fb_floor_counts.allocs);
			kfree(p);
			this_cpu_inc(fb_floor_counts.frees);
		}
	} else {
		for (i = 0; i < n; i++)
			kfree(kmalloc(size, GFP_KERNEL));
	}
	w->ns = ktime_get_ns() - t;
}

/* ps per pair: on this CPU, or on all online CPUs at once (averaged). */
static u64 fb_pool_run(size_t size, u32 n, u32 tag, bool floor, bool all)
{
	struct fb_pool_work *w;
	unsigned int cpu, ncpu = 0;
	u64 total = 0;

	if (!all) {
		struct fb_pool_work one = {
			.size = size, .n = n, .tag = tag, .floor = floor,
		};

		fb_pool_loop(&one.work);
		return fb_ps(one.ns, n);
	}
	w = kcalloc(nr_cpu_ids, sizeof(*w), GFP_KERNEL);
	if (!w)
		return 0;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		w[cpu] = (struct fb_pool_work){
			.size = size, .n = n, .tag = tag, .floor = floor,
		};
		INIT_WORK(&w[cpu].work, fb_pool_loop);
		queue_work_on(cpu, system_highpri_wq, &w[cpu].work);
	}
	for_each_online_cpu(cpu) {
		flush_work(&w[cpu].work);
		total += w[cpu].ns;
		ncpu++;
	}
	cpus_read_unlock();
	kfree(w);
	return fb_ps(div_u64(total, ncpu), n);
}

/*
 * Interleaved segments of the reference and the variant (tagged
 * allocation under @tag, or with @tag 0 the floor), which goes first
 * alternating; the fastest segment of each, in *ns and *ref.
 */
static void fb_pool_compare(size_t size, u32 n, u32 tag, bool all, u64 *ns,
			    u64 *ref)
{
	u32 seg = max(n / FB_SEGMENTS, 1U);
	unsigned int i;

	*ns = U64_MAX;
	*ref = U64_MAX;
	for (i = 0; i < FB_SEGMENTS; i++) {
		u64 a, b;

		if (i & 1) {
			b = fb_pool_run(size, seg, 0, false, all);
			a = fb_pool_run(size, seg, tag, !tag, all);
		} else {
			a = fb_pool_run(size, seg, tag, !tag, all);
			b = fb_pool_run(size, seg, 0, false, all);
		}
		*ns = min(*ns, a);
		*ref = min(*ref, b);
		cond_resched();
	}
}

static ssize_t run_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	char buf[64], name[16], tag[8], cpus[8];
	u64 a = 0, b = 0;
	u32 n, size;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%15s %u", name, &n) != 2 || !n || n > 10000000)
		return -EINVAL;
	mutex_lock(&fb_lock);
	if (!strcmp(name, "events")) {
		fb_events(n, &a, &b);
	} else if (!strcmp(name, "pool") &&
		   sscanf(buf, "%15s %u %u %4s %7s", name, &size, &n, tag, cpus) == 5 &&
		   n && strlen(tag) == 4) {
		bool all = !strcmp(cpus, "all");
		u32 t = FTIO_TAG(tag[0], tag[1], tag[2], tag[3]);

		fb_pool_compare(size, n, t, all, &a, &b);
	} else if (!strcmp(name, "floor") &&
		   sscanf(buf, "%15s %u %u %7s", name, &size, &n, cpus) == 4 && n) {
		fb_pool_compare(size, n, 0, !strcmp(cpus, "all"), &a, &b);
	} else {
		mutex_unlock(&fb_lock);
		return -EINVAL;
	}
	snprintf(fb_result, sizeof(fb_result), "%s %llu.%03llu %llu.%03llu\n", name,
		 div_u64(a, 1000), a % 1000, div_u64(b, 1000), b % 1000);
	if (!a || !b) {
		mutex_unlock(&fb_lock);
		return -EIO;
	}
	mutex_unlock(&fb_lock);
	return len;
}

static ssize_t run_read(struct file *f, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&fb_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, fb_result,
				      strlen(fb_result));
	mutex_unlock(&fb_lock);
	return ret;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.read = run_read,
	.write = run_write,
};

static int __init fb_init(void)
{
	int ret = ftio_register_module(&fb_module);

	if (ret)
		return ret;
	fb_dir = debugfs_create_dir("ftio_bench", NULL);
	debugfs_create_file("run", 0600, fb_dir, NULL, &run_fops);
	return 0;
}

static void __exit fb_exit(void)
{
	debugfs_remove_recursive(fb_dir);
	ftio_unregister_module(&fb_module);
}

module_init(fb_init);
module_exit(fb_exit);
MODULE_DESCRIPTION("ftio microbenchmarks (not for production)");
MODULE_LICENSE("GPL");
