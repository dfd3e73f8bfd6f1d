/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ftio.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_FTIO_H
#define _UAPI_LINUX_FTIO_H

#define FTIO_FAMILY_NAME	"ftio"
#define FTIO_FAMILY_VERSION	1

#define FTIO_NO_PATH_QUEUE_FOREVER	-1

/**
 * enum ftio_severity - Severity of an event, in rising order.
 */
enum ftio_severity {
	FTIO_SEVERITY_DEBUG,
	FTIO_SEVERITY_INFO,
	FTIO_SEVERITY_NOTICE,
	FTIO_SEVERITY_WARNING,
	FTIO_SEVERITY_ERROR,
	FTIO_SEVERITY_CRITICAL,
};

/**
 * enum ftio_state - State of a component (adapter, path, slot, memory range);
 *   the same vocabulary in every module. failed is isolated for good: a
 *   recovery budget ran out or a recovery failed, and only an operator brings
 *   it back.
 */
enum ftio_state {
	FTIO_STATE_ONLINE,
	FTIO_STATE_DEGRADED,
	FTIO_STATE_ISOLATED,
	FTIO_STATE_REMOVED,
	FTIO_STATE_FAILED,
};

/**
 * enum ftio_special_mode - Where the special pool places a tag's objects.
 */
enum ftio_special_mode {
	FTIO_SPECIAL_MODE_OFF,
	FTIO_SPECIAL_MODE_OVERRUN,
	FTIO_SPECIAL_MODE_UNDERRUN,
};

/**
 * enum ftio_path_state - State of an mpio path. active carries I/O; standby is
 *   usable but kept back (a lower group); marginal has seen errors and is used
 *   only when nothing better is left; failed is out of service until a probe
 *   or the administrator reinstates it; removed is gone.
 */
enum ftio_path_state {
	FTIO_PATH_STATE_ACTIVE,
	FTIO_PATH_STATE_STANDBY,
	FTIO_PATH_STATE_MARGINAL,
	FTIO_PATH_STATE_FAILED,
	FTIO_PATH_STATE_REMOVED,
};

/**
 * enum ftio_mpio_policy - Path selector of an mpio device.
 */
enum ftio_mpio_policy {
	FTIO_MPIO_POLICY_ROUND_ROBIN,
	FTIO_MPIO_POLICY_QUEUE_DEPTH,
	FTIO_MPIO_POLICY_SERVICE_TIME,
	FTIO_MPIO_POLICY_NUMA,
	FTIO_MPIO_POLICY_WEIGHTED,
};

/**
 * enum ftio_failback - What an mpio device does when a path of a better group
 *   comes back: immediate switches at once, manual waits for the
 *   administrator, deferred waits failback-delay seconds.
 */
enum ftio_failback {
	FTIO_FAILBACK_IMMEDIATE,
	FTIO_FAILBACK_MANUAL,
	FTIO_FAILBACK_DEFERRED,
};

/**
 * enum ftio_event_code - Stable catalogue of event codes.
 *   Documentation/admin-guide/ftio-events.rst says for each what happened and
 *   what the operator does. Codes are contiguous and never renumbered: a new
 *   code takes the next value.
 * @FTIO_EVENT_CODE_MODULE_REGISTERED: An ftio module registered with
 *   ftio_core.
 * @FTIO_EVENT_CODE_MODULE_UNREGISTERED: An ftio module unregistered from
 *   ftio_core.
 * @FTIO_EVENT_CODE_OPERATOR_NOTE: An administrator posted a note to the event
 *   log.
 * @FTIO_EVENT_CODE_DELIVERY_LOST: Events fell out of the ring before they were
 *   multicast.
 * @FTIO_EVENT_CODE_COMPONENT_INSERTED: A component was added to the system and
 *   is being brought up.
 * @FTIO_EVENT_CODE_COMPONENT_BROKEN: A component failed and was taken out of
 *   service.
 * @FTIO_EVENT_CODE_COMPONENT_FIXED: A component that had failed is back in
 *   service.
 * @FTIO_EVENT_CODE_COMPONENT_REMOVED: A component left the system.
 * @FTIO_EVENT_CODE_POOL_QUOTA_WARNING: A pool tag's live bytes reached 80 % of
 *   its quota.
 * @FTIO_EVENT_CODE_POOL_QUOTA_REACHED: An allocation failed because it would
 *   exceed its tag's quota.
 * @FTIO_EVENT_CODE_POOL_TAG_MISMATCH: Memory was freed under another tag than
 *   it was allocated with.
 * @FTIO_EVENT_CODE_POOL_BAD_FREE: A pointer that ftio_pooltag never handed out
 *   was freed.
 * @FTIO_EVENT_CODE_POOL_LEAK: A module unloaded with allocations still live
 *   under its tags.
 * @FTIO_EVENT_CODE_POOL_CORRUPTION: The special pool found an object's guard
 *   bytes overwritten.
 * @FTIO_EVENT_CODE_POOL_TAG_CHANGED: An administrator changed a tag's quota,
 *   special pool, failure simulation or tracking.
 * @FTIO_EVENT_CODE_MPIO_PATH_FAILED: An mpio path failed; its I/O went to the
 *   other paths.
 * @FTIO_EVENT_CODE_MPIO_PATH_REINSTATED: A failed mpio path works again and is
 *   back in service.
 * @FTIO_EVENT_CODE_MPIO_PATH_MARGINAL: An mpio path sees errors and is used
 *   only as a last resort.
 * @FTIO_EVENT_CODE_MPIO_PATH_ADDED: A path was added to an mpio device.
 * @FTIO_EVENT_CODE_MPIO_PATH_REMOVED: A path left an mpio device (removed, or
 *   its disk went away).
 * @FTIO_EVENT_CODE_MPIO_QUEUEING: An mpio device has no usable path left and
 *   queues its I/O.
 * @FTIO_EVENT_CODE_MPIO_NO_PATH_TIMEOUT: Queued I/O of an mpio device failed
 *   because no path came back in time.
 * @FTIO_EVENT_CODE_MPIO_GROUP_SWITCHED: An mpio device switched to another
 *   path group.
 * @FTIO_EVENT_CODE_MPIO_DEVICE_CREATED: An mpio device was created.
 * @FTIO_EVENT_CODE_MPIO_DEVICE_DELETED: An mpio device was deleted.
 * @FTIO_EVENT_CODE_COMPONENT_DEGRADED: A component still in service reported
 *   an error it recovers from (a correctable or non-fatal bus error).
 */
enum ftio_event_code {
	FTIO_EVENT_CODE_MODULE_REGISTERED = 1,
	FTIO_EVENT_CODE_MODULE_UNREGISTERED,
	FTIO_EVENT_CODE_OPERATOR_NOTE,
	FTIO_EVENT_CODE_DELIVERY_LOST,
	FTIO_EVENT_CODE_COMPONENT_INSERTED,
	FTIO_EVENT_CODE_COMPONENT_BROKEN,
	FTIO_EVENT_CODE_COMPONENT_FIXED,
	FTIO_EVENT_CODE_COMPONENT_REMOVED,
	FTIO_EVENT_CODE_POOL_QUOTA_WARNING,
	FTIO_EVENT_CODE_POOL_QUOTA_REACHED,
	FTIO_EVENT_CODE_POOL_TAG_MISMATCH,
	FTIO_EVENT_CODE_POOL_BAD_FREE,
	FTIO_EVENT_CODE_POOL_LEAK,
	FTIO_EVENT_CODE_POOL_CORRUPTION,
	FTIO_EVENT_CODE_POOL_TAG_CHANGED,
	FTIO_EVENT_CODE_MPIO_PATH_FAILED,
	FTIO_EVENT_CODE_MPIO_PATH_REINSTATED,
	FTIO_EVENT_CODE_MPIO_PATH_MARGINAL,
	FTIO_EVENT_CODE_MPIO_PATH_ADDED,
	FTIO_EVENT_CODE_MPIO_PATH_REMOVED,
	FTIO_EVENT_CODE_MPIO_QUEUEING,
	FTIO_EVENT_CODE_MPIO_NO_PATH_TIMEOUT,
	FTIO_EVENT_CODE_MPIO_GROUP_SWITCHED,
	FTIO_EVENT_CODE_MPIO_DEVICE_CREATED,
	FTIO_EVENT_CODE_MPIO_DEVICE_DELETED,
	FTIO_EVENT_CODE_COMPONENT_DEGRADED,
};

enum {
	FTIO_A_CORE_VERSION = 1,
	FTIO_A_CORE_MODULE,
	FTIO_A_CORE_EV_COUNT,
	FTIO_A_CORE_EV_DROPPED,
	FTIO_A_CORE_EV_LAST_SEQ,
	FTIO_A_CORE_EV_FIRST_SEQ,
	FTIO_A_CORE_EV_RING_SIZE,

	__FTIO_A_CORE_MAX,
	FTIO_A_CORE_MAX = (__FTIO_A_CORE_MAX - 1)
};

enum {
	FTIO_A_MODULE_NAME = 1,
	FTIO_A_MODULE_VERSION,
	FTIO_A_MODULE_EVENTS,

	__FTIO_A_MODULE_MAX,
	FTIO_A_MODULE_MAX = (__FTIO_A_MODULE_MAX - 1)
};

enum {
	FTIO_A_EVENT_SEQ = 1,
	FTIO_A_EVENT_REALTIME_NS,
	FTIO_A_EVENT_BOOTTIME_NS,
	FTIO_A_EVENT_SEVERITY,
	FTIO_A_EVENT_SOURCE,
	FTIO_A_EVENT_OBJECT,
	FTIO_A_EVENT_CODE,
	FTIO_A_EVENT_MESSAGE,
	FTIO_A_EVENT_SINCE,
	FTIO_A_EVENT_MIN_SEVERITY,

	__FTIO_A_EVENT_MAX,
	FTIO_A_EVENT_MAX = (__FTIO_A_EVENT_MAX - 1)
};

enum {
	FTIO_A_POOL_TAG = 1,
	FTIO_A_POOL_DESCRIPTION,
	FTIO_A_POOL_OWNER,
	FTIO_A_POOL_ALLOCS,
	FTIO_A_POOL_FREES,
	FTIO_A_POOL_LIVE_OBJECTS,
	FTIO_A_POOL_LIVE_BYTES,
	FTIO_A_POOL_PEAK_BYTES,
	FTIO_A_POOL_FAILURES,
	FTIO_A_POOL_QUOTA_HITS,
	FTIO_A_POOL_INJECTED,
	FTIO_A_POOL_MISMATCHES,
	FTIO_A_POOL_BAD_FREES,
	FTIO_A_POOL_SPECIAL_ALLOCS,
	FTIO_A_POOL_QUOTA,
	FTIO_A_POOL_SPECIAL,
	FTIO_A_POOL_FAIL_PPM,
	FTIO_A_POOL_FAIL_INTERVAL,
	FTIO_A_POOL_FAIL_TIMES,
	FTIO_A_POOL_TRACK,
	FTIO_A_POOL_TRACKED,

	__FTIO_A_POOL_MAX,
	FTIO_A_POOL_MAX = (__FTIO_A_POOL_MAX - 1)
};

enum {
	FTIO_A_MPIO_DEV_NAME = 1,
	FTIO_A_MPIO_DEV_DISK,
	FTIO_A_MPIO_DEV_UUID,
	FTIO_A_MPIO_DEV_POLICY,
	FTIO_A_MPIO_DEV_FAILBACK,
	FTIO_A_MPIO_DEV_FAILBACK_DELAY,
	FTIO_A_MPIO_DEV_NO_PATH_RETRY,
	FTIO_A_MPIO_DEV_PROBE_INTERVAL,
	FTIO_A_MPIO_DEV_GROUP,
	FTIO_A_MPIO_DEV_QUEUED,
	FTIO_A_MPIO_DEV_FAIL_QUEUED,
	FTIO_A_MPIO_DEV_PROBE,
	FTIO_A_MPIO_DEV_PATHS,
	FTIO_A_MPIO_DEV_USABLE,
	FTIO_A_MPIO_DEV_RR_REPEAT,

	__FTIO_A_MPIO_DEV_MAX,
	FTIO_A_MPIO_DEV_MAX = (__FTIO_A_MPIO_DEV_MAX - 1)
};

enum {
	FTIO_A_MPIO_PATH_DEV = 1,
	FTIO_A_MPIO_PATH_ID,
	FTIO_A_MPIO_PATH_BDEV,
	FTIO_A_MPIO_PATH_STATE,
	FTIO_A_MPIO_PATH_GROUP,
	FTIO_A_MPIO_PATH_PRIORITY,
	FTIO_A_MPIO_PATH_WEIGHT,
	FTIO_A_MPIO_PATH_IOS,
	FTIO_A_MPIO_PATH_BYTES,
	FTIO_A_MPIO_PATH_ERRORS,
	FTIO_A_MPIO_PATH_IN_FLIGHT,
	FTIO_A_MPIO_PATH_LATENCY_US,
	FTIO_A_MPIO_PATH_LAST_ERROR,
	FTIO_A_MPIO_PATH_FAIL_COUNT,

	__FTIO_A_MPIO_PATH_MAX,
	FTIO_A_MPIO_PATH_MAX = (__FTIO_A_MPIO_PATH_MAX - 1)
};

enum {
	FTIO_A_CATALOGUE_CODE = 1,
	FTIO_A_CATALOGUE_NAME,
	FTIO_A_CATALOGUE_SEVERITY,
	FTIO_A_CATALOGUE_SUMMARY,
	FTIO_A_CATALOGUE_ACTION,

	__FTIO_A_CATALOGUE_MAX,
	FTIO_A_CATALOGUE_MAX = (__FTIO_A_CATALOGUE_MAX - 1)
};

enum {
	FTIO_CMD_CORE_GET = 1,
	FTIO_CMD_EVENT_GET,
	FTIO_CMD_EVENT_POST,
	FTIO_CMD_CATALOGUE_GET,
	FTIO_CMD_POOL_GET,
	FTIO_CMD_POOL_SET,
	FTIO_CMD_MPIO_DEV_NEW,
	FTIO_CMD_MPIO_DEV_DEL,
	FTIO_CMD_MPIO_DEV_GET,
	FTIO_CMD_MPIO_DEV_SET,
	FTIO_CMD_MPIO_PATH_ADD,
	FTIO_CMD_MPIO_PATH_DEL,
	FTIO_CMD_MPIO_PATH_SET,
	FTIO_CMD_MPIO_PATH_FAIL,
	FTIO_CMD_MPIO_PATH_REINSTATE,
	FTIO_CMD_MPIO_PATH_GET,
	FTIO_CMD_EVENT_NTF,

	__FTIO_CMD_MAX,
	FTIO_CMD_MAX = (__FTIO_CMD_MAX - 1)
};

#define FTIO_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_FTIO_H */
