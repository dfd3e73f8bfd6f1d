/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ftio.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_FTIO_H
#define _UAPI_LINUX_FTIO_H

#define FTIO_FAMILY_NAME	"ftio"
#define FTIO_FAMILY_VERSION	1

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
 *   the same vocabulary in every module.
 */
enum ftio_state {
	FTIO_STATE_ONLINE,
	FTIO_STATE_DEGRADED,
	FTIO_STATE_ISOLATED,
	FTIO_STATE_REMOVED,
};

/**
 * enum ftio_event_code - Stable catalogue of event codes.
 *   Documentation/admin-guide/ftio-events.rst says for each what happened and
 *   what the operator does. Codes are grouped by source (core 1-99) and never
 *   renumbered.
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
	FTIO_CMD_EVENT_NTF,

	__FTIO_CMD_MAX,
	FTIO_CMD_MAX = (__FTIO_CMD_MAX - 1)
};

#define FTIO_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_FTIO_H */
