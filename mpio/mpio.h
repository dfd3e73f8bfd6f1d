/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ftio_mpio internals: multipath block devices over any block devices.
 */
#ifndef _FTIO_MPIO_H
#define _FTIO_MPIO_H

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/kobject.h>
#include <linux/local_lock.h>
#include <linux/mutex.h>
#include <linux/percpu-refcount.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <ftio/core.h>
#include <ftio/pooltag.h>

#define FTIO_COMPAT_BLOCK
#include "ftio_compat.h"

#define MPIO_TAG		FTIO_TAG('M', 'p', 'i', 'o')
#define MPIO_MAX_PATHS		32
/* Paths a bio may try before its error is the caller's (a cap, not a goal). */
#define MPIO_MAX_TRIES		(MPIO_MAX_PATHS + 1)
#define MPIO_NAME_LEN		32
#define MPIO_UUID_LEN		64
/* One I/O in 8 per CPU and path has its latency measured. */
#define MPIO_LAT_SAMPLE		7

/* Path states; the numbers are the netlink ABI (enum ftio_path_state). */
enum mpio_path_state {
	MPIO_PATH_ACTIVE = FTIO_PATH_STATE_ACTIVE,
	MPIO_PATH_STANDBY = FTIO_PATH_STATE_STANDBY,
	MPIO_PATH_MARGINAL = FTIO_PATH_STATE_MARGINAL,
	MPIO_PATH_FAILED = FTIO_PATH_STATE_FAILED,
	MPIO_PATH_REMOVED = FTIO_PATH_STATE_REMOVED,
};

enum mpio_selector {
	MPIO_SEL_ROUND_ROBIN = FTIO_MPIO_POLICY_ROUND_ROBIN,
	MPIO_SEL_QUEUE_DEPTH = FTIO_MPIO_POLICY_QUEUE_DEPTH,
	MPIO_SEL_SERVICE_TIME = FTIO_MPIO_POLICY_SERVICE_TIME,
	MPIO_SEL_NUMA = FTIO_MPIO_POLICY_NUMA,
	MPIO_SEL_WEIGHTED = FTIO_MPIO_POLICY_WEIGHTED,
};

/* Counters a CPU writes for a path: nothing shared on the fast path. */
struct mpio_path_pcpu {
	u64 ios;
	u64 bytes;
	u64 errors;
	long in_flight;		/* may go negative on one CPU; the sum is right */
};

/* Error history for the marginal and hold-down logic. */
#define MPIO_HIST		16

struct mpio_hist {
	unsigned long at[MPIO_HIST];	/* jiffies, a ring */
	unsigned int next;
};

struct mpio_dev;

/**
 * struct mpio_path - one way to the device
 * @node: in the device's path list (RCU)
 * @dev: the device
 * @id: number under paths/
 * @kobj: /sys/block/mpioN/mpio/paths/<id>/
 * @ref: held by each I/O in flight; the path is closed when it drops
 * @bdev: the lower device, opened exclusively for the mpio device
 * @devt: its device number
 * @name: its name ("sdb")
 * @state: enum mpio_path_state
 * @group: path group; lower numbers are preferred
 * @priority: the administrator's ordering inside the group; shown, kept
 *	across an automatic re-add, not used to choose paths (groups are)
 * @weight: share of I/O under the weighted selector
 * @node_id: NUMA node of the lower device
 * @pcpu: counters
 * @latency_ns: EWMA of completion latency
 * @last_error: blk_status_t of the last path error, as an errno
 * @fail_count: times the path failed
 * @fails: recent failures (marginal and flap detection)
 * @hold_until: jiffies until which a flapping path stays down
 * @admin_down: failed by the administrator: only the administrator
 *	reinstates it, health probes leave it alone
 * @config: rebuilds the device's path set after a failure
 * @release: closes the path once the last I/O is done
 */
struct mpio_path {
	struct list_head node;
	struct mpio_dev *dev;
	unsigned int id;
	struct kobject kobj;
	struct percpu_ref ref;
	struct ftio_bdev bdev;
	dev_t devt;
	char name[BDEVNAME_SIZE];
	atomic_t state;
	u32 group;
	u32 priority;
	u32 weight;
	int node_id;
	struct mpio_path_pcpu __percpu *pcpu;
	/*
	 * Written by sampled completions: a line of its own, away from what
	 * every bio reads (state, bdev, weight, pcpu).
	 */
	u64 latency_ns ____cacheline_aligned_in_smp;
	int last_error ____cacheline_aligned_in_smp;
	atomic_t fail_count;
	struct mpio_hist fails;
	unsigned long hold_until;
	bool admin_down;
	atomic_t fail_event;		/* see mpio_path_fail_io() */
	struct work_struct config;
	struct work_struct release;
};

/* The paths the selector may use now: all usable ones of the best group. */
struct mpio_pathset {
	struct rcu_head rcu;
	unsigned int n;
	u32 weights;			/* sum of weights */
	struct mpio_path *p[];
};

/*
 * Bios a CPU sends down one path before round-robin (and numa) moves on
 * to the next, by default and at most: switching on every bio splits
 * the batches the block layer hands a queue-based driver. On QEMU's
 * two-controller NVMe, 4k random reads at iodepth 32 on two CPUs, mpio
 * did 0.87 of native NVMe multipath's IOPS switching on every bio,
 * 0.95 every 16, 0.99 every 64, 1.01 every 256 and every 1000.
 */
#define MPIO_RR_REPEAT_DEFAULT	256
#define MPIO_RR_REPEAT_MAX	1000
#define MPIO_NO_PATH_RETRY_MAX	86400

/* I/O contexts each CPU keeps for reuse, at most (see mpio_io_get()). */
#define MPIO_CLONE_CACHE	64

struct mpio_dev_pcpu {
	unsigned int run;		/* bios sent down @at in a row */
	unsigned int at;		/* round-robin/numa cursor, a set index */
	unsigned int wpos;		/* weighted: position in the weight sum */
	local_lock_t lock;		/* the context cache, against interrupts */
	unsigned int ncached;
	struct bio *cached;		/* mpio_io.clone, by bi_next */
};

/**
 * struct mpio_dev - a multipath block device, /dev/mpioN
 * @node: in the list of devices
 * @index: N
 * @disk: the gendisk
 * @name: administrator's name (also the netlink key); defaults to mpioN
 * @uuid: identity of the logical unit behind the paths
 * @lock: serialises configuration (paths, settings)
 * @paths: all paths (RCU for readers)
 * @npaths: their number
 * @next_id: id of the next path
 * @active: what the selector uses (RCU)
 * @selector: enum mpio_selector
 * @failback: FTIO_FAILBACK_*
 * @failback_delay: seconds, for deferred failback
 * @failback_at: jiffies when a deferred failback happens, 0 if none due
 * @failback_work: rebuilds the path set then
 * @group: group in use (for manual failback and switching)
 * @no_path_retry: seconds to queue without a path; 0 fail, -1 forever
 * @probe_interval: seconds between health probes; 0 off
 * @rr_repeat: bios a CPU sends down one path before round-robin and numa
 *	move on (1..MPIO_RR_REPEAT_MAX)
 * @pcpu: per-CPU state of the selector
 * @bs: bio set for the clones sent to the paths
 * @qlock: protects @queued, @qdeadline
 * @queued: bios waiting for a path
 * @nqueued: their number
 * @qdeadline: jiffies at which queued I/O fails (when queueing started +
 *	no_path_retry)
 * @retry: clones to resubmit after a path error
 * @work: resubmits @retry and @queued, enforces the deadline
 * @probe: periodic health probe
 * @kobj: /sys/block/mpioN/mpio/
 * @paths_kobj: /sys/block/mpioN/mpio/paths/
 * @dying: being deleted
 * @pr_key: the key registered through pr_ops, given to new paths too
 * @pr_flags: its flags
 * @awaited: paths whose disk went away, to add back when it returns
 * @nawaited: their number
 * @live_paths: paths not yet closed
 * @paths_wq: where delete waits for them
 * @nl_users: netlink requests that use the device without
 *	mpio_devs_lock (a probe waits); delete waits for them
 */
struct mpio_dev {
	struct list_head node;
	int index;
	struct gendisk *disk;
	char name[MPIO_NAME_LEN];
	char uuid[MPIO_UUID_LEN];
	struct mutex lock;		/* see above */
	struct list_head paths;
	unsigned int npaths;
	unsigned int next_id;
	struct mpio_pathset __rcu *active;
	u32 selector;
	u32 failback;
	u32 failback_delay;
	unsigned long failback_at;
	struct delayed_work failback_work;
	u32 group;
	int no_path_retry;
	unsigned int probe_interval;
	unsigned int rr_repeat;
	struct mpio_dev_pcpu __percpu *pcpu;
	struct bio_set bs;
	spinlock_t qlock;		/* see above */
	struct bio_list queued;
	unsigned int nqueued;
	unsigned long qdeadline;
	struct bio_list retry;
	struct delayed_work work;
	struct delayed_work probe;
	struct kobject *kobj;
	struct kobject *paths_kobj;
	bool dying;
	u64 pr_key;
	u32 pr_flags;
	struct list_head awaited;
	unsigned int nawaited;
	atomic_t live_paths;
	wait_queue_head_t paths_wq;
	atomic_t nl_users;
};

/**
 * struct mpio_io - the context of one original bio, in front of a bio of
 *	the device's bio set
 * @dev: the device
 * @orig: the bio the caller submitted
 * @path: the path it went to last
 * @start: jiffies, for the I/O accounting of @orig
 * @issued_ns: when sent, if sampled; else 0
 * @in_place: @orig itself goes to the path (and @clone only links the
 *	context into the device's lists); else @clone, a clone of @orig
 * @end_io: @orig's completion, restored before it completes (and its
 *	device, the mpio disk's part0)
 * @private: @orig's bi_private, likewise
 * @opf: @orig's flags, restored before it is sent again or completes
 * @iter: @orig's position, restored before it is sent again
 * @suspect: the path whose error is being retried elsewhere, pinned; it is
 *	failed only when another path does better, so that an error every
 *	path returns (a bad block, a command the disk rejects) takes no
 *	path down
 * @suspect_status: the error @suspect returned
 * @tries: paths tried so far; at MPIO_MAX_TRIES the bio fails
 * @clone: the clone sent to the path, or (in place) unused
 */
struct mpio_io {
	struct mpio_dev *dev;
	struct bio *orig;
	struct mpio_path *path;
	unsigned long start;
	u64 issued_ns;
	struct mpio_path *suspect;
	blk_status_t suspect_status;
	u8 tries;
	bool in_place;
	bio_end_io_t *end_io;
	void *private;
	blk_opf_t opf;
	struct bvec_iter iter;
	struct bio clone;
};

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * KUnit's window into mpio_rebuild_active(): called for each path between
 * the read of its state and the update, where a completion may fail it.
 */
typedef void (*mpio_rebuild_hook_t)(struct mpio_path *p);
extern mpio_rebuild_hook_t mpio_rebuild_test_hook;
#endif

/*
 * Steps of setting up a device or a path that can fail with work to undo,
 * and points where KUnit acts in the middle of an operation (what the
 * hook returns there is ignored).
 */
enum mpio_step {
	MPIO_STEP_DEV_SYSFS,
	MPIO_STEP_PATH_SYSFS,
	MPIO_STEP_PATH_HOLD,
	MPIO_STEP_PATH_LIMITS,
	MPIO_POINT_DEV_DYING,	/* delete: the device is marked dying */
	MPIO_POINT_NO_PATH,	/* a bio found no path, is not queued yet */
};

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * KUnit's fault injection: a step fails with what the hook returns, so
 * that each undo is walked. Nothing is compiled in without KUnit.
 */
typedef int (*mpio_fault_hook_t)(enum mpio_step step);
extern mpio_fault_hook_t mpio_fault_test_hook;

static inline int mpio_fault(enum mpio_step step)
{
	mpio_fault_hook_t hook = READ_ONCE(mpio_fault_test_hook);

	return hook ? hook(step) : 0;
}
#else
static inline int mpio_fault(enum mpio_step step)
{
	return 0;
}
#endif

extern struct ftio_module mpio_module;
extern const struct attribute_group *mpio_root_groups[];

/**
 * mpio_retry_elsewhere() - is a clone's error one to retry on another path
 * @status: the clone's status
 * @opf: the flags of the original bio
 *
 * Errors of the target (medium, no space, not supported, reservation
 * conflict, protection) go back to the caller, and so does every error of
 * a caller that asked for transport errors (REQ_FAILFAST_TRANSPORT), and
 * BLK_STS_AGAIN of a caller that would not wait (REQ_NOWAIT): the path
 * was busy, not broken.
 *
 * Return: true if the path failed the I/O and another path should retry it.
 */
static inline bool mpio_retry_elsewhere(blk_status_t status, blk_opf_t opf)
{
	if (status == BLK_STS_AGAIN && (opf & REQ_NOWAIT))
		return false;
	return status && blk_path_error(status) && !(opf & REQ_FAILFAST_TRANSPORT);
}

/* mpio_dev.c */
extern struct workqueue_struct *mpio_wq;
int mpio_devs_init(void);
int mpio_dev_create(const char *name, struct mpio_dev **out,
		    struct netlink_ext_ack *extack);
int mpio_dev_delete(struct mpio_dev *d, struct netlink_ext_ack *extack);
struct mpio_dev *mpio_dev_find(const char *name);
void mpio_dev_kick(struct mpio_dev *d);
void mpio_fail_queued(struct mpio_dev *d);
void mpio_set_no_path_retry(struct mpio_dev *d, int secs);
void mpio_devs_exit(void);
extern struct mutex mpio_devs_lock;
extern struct list_head mpio_devs;

/* mpio_path.c */
int mpio_path_add(struct mpio_dev *d, const char *spec, u32 group,
		  const char *note, struct mpio_path **out,
		  struct netlink_ext_ack *extack);
int mpio_path_remove(struct mpio_path *p, struct netlink_ext_ack *extack);
void mpio_path_gone(struct mpio_path *p);
bool mpio_path_tryget(struct mpio_path *p);
void mpio_path_put(struct mpio_path *p);
struct mpio_path *mpio_path_find(struct mpio_dev *d, const char *spec);
void mpio_path_fail(struct mpio_path *p, int err, const char *why);
bool mpio_path_fail_io(struct mpio_path *p, int err);
void mpio_path_fail_admin(struct mpio_path *p);
int mpio_path_reinstate(struct mpio_path *p, bool by_admin);
void mpio_rebuild_active(struct mpio_dev *d);
int mpio_switch_group(struct mpio_dev *d, u32 group,
		      struct netlink_ext_ack *extack);
void mpio_path_stats(struct mpio_path *p, struct mpio_path_pcpu *sum);
bool mpio_hist_add(struct mpio_hist *h, unsigned long now, unsigned int n,
		   unsigned long window);
const char *mpio_path_state_name(int state);

/* The marginal and flapping module parameters, for the KUnit suite. */
struct mpio_flap_params {
	unsigned int marginal_fails;
	unsigned int flap_fails;
	unsigned int flap_window;	/* seconds */
	unsigned int hold_down;		/* seconds */
};

#if IS_ENABLED(CONFIG_KUNIT)
void mpio_path_config_work(struct work_struct *work);
void mpio_swap_flap_params(struct mpio_flap_params *params);
#endif

/* mpio_select.c */
struct mpio_path *mpio_select(struct mpio_dev *d, struct mpio_pathset *set);
struct mpio_path *mpio_select_other(struct mpio_pathset *set, struct mpio_path *p);
const char *mpio_selector_name(u32 sel);
int mpio_selector_parse(const char *s);

/* mpio_probe.c */
void mpio_probe_work(struct work_struct *work);
void mpio_probe_now(struct mpio_dev *d);

/* mpio_readd.c */
void mpio_identity(struct block_device *bdev, char *buf, size_t len);

/* A device known only by the size of its paths. */
static inline bool mpio_uuid_is_size(const char *uuid)
{
	return !strncmp(uuid, "size:", 5);
}

void mpio_unawait(struct mpio_dev *d, const char *name);
void mpio_await_path(struct mpio_path *p);
void mpio_forget_awaited(struct mpio_dev *d);
ssize_t mpio_show_awaited(struct mpio_dev *d, char *buf);
void mpio_readd_start(struct gendisk *disk);
void mpio_readd_stop(void);

/* mpio_sysfs.c */
int mpio_dev_sysfs_add(struct mpio_dev *d);
void mpio_dev_sysfs_del(struct mpio_dev *d);
void mpio_path_sysfs_init(struct mpio_path *p);
int mpio_path_sysfs_add(struct mpio_path *p);
void mpio_path_sysfs_put(struct mpio_path *p);
void mpio_path_sysfs_del(struct mpio_path *p);

/* mpio_nl.c */
extern const struct ftio_nl_handler mpio_nl_handlers[10];

#endif /* _FTIO_MPIO_H */
