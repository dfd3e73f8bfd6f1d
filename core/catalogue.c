// SPDX-License-Identifier: GPL-2.0
/*
 * The event catalogue: for every FTIO_EVENT_CODE_*, its stable name, the
 * severity it is emitted with, what happened and what the operator does.
 * Documentation/admin-guide/ftio-events.rst renders the same table and a
 * test checks that the two, and the YNL spec, agree.
 *
 * Keep the table sorted by code: lookups bisect it.
 */
#include <linux/bsearch.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "internal.h"

static const struct ftio_event_desc ftio_catalogue[] = {
	{
		.code = FTIO_EVENT_CODE_MODULE_REGISTERED,
		.name = "module-registered",
		.severity = FTIO_SEVERITY_INFO,
		.summary = "An ftio module registered with ftio_core and offers its controls.",
		.action = "None.",
	},
	{
		.code = FTIO_EVENT_CODE_MODULE_UNREGISTERED,
		.name = "module-unregistered",
		.severity = FTIO_SEVERITY_NOTICE,
		.summary = "An ftio module unregistered; what it protected is no longer protected.",
		.action = "If nobody unloaded it on purpose, find out why and load it again.",
	},
	{
		.code = FTIO_EVENT_CODE_OPERATOR_NOTE,
		.name = "operator-note",
		.severity = FTIO_SEVERITY_INFO,
		.summary = "An administrator posted a note (ftioctl events post).",
		.action = "None; the note documents maintenance for later readers.",
	},
	{
		.code = FTIO_EVENT_CODE_DELIVERY_LOST,
		.name = "delivery-lost",
		.severity = FTIO_SEVERITY_WARNING,
		.summary = "Events came faster than they could be multicast and left the ring.",
		.action = "Read the events around it; raise ftio_core's ring_size if it recurs.",
	},
	{
		.code = FTIO_EVENT_CODE_COMPONENT_INSERTED,
		.name = "component-inserted",
		.severity = FTIO_SEVERITY_INFO,
		.summary = "A component (adapter, path, slot, memory) was added and is coming up.",
		.action = "None.",
	},
	{
		.code = FTIO_EVENT_CODE_COMPONENT_BROKEN,
		.name = "component-broken",
		.severity = FTIO_SEVERITY_ERROR,
		.summary = "A component failed and left service; redundancy is reduced.",
		.action = "Check the component named in the event; plan its repair.",
	},
	{
		.code = FTIO_EVENT_CODE_COMPONENT_FIXED,
		.name = "component-fixed",
		.severity = FTIO_SEVERITY_NOTICE,
		.summary = "A component that had failed is back in service.",
		.action = "None; close the matching repair ticket.",
	},
	{
		.code = FTIO_EVENT_CODE_COMPONENT_REMOVED,
		.name = "component-removed",
		.severity = FTIO_SEVERITY_NOTICE,
		.summary = "A component left the system.",
		.action = "If the removal was not planned, check the component and its slot.",
	},
	{
		.code = FTIO_EVENT_CODE_POOL_QUOTA_WARNING,
		.name = "pool-quota-warning",
		.severity = FTIO_SEVERITY_WARNING,
		.summary = "A pool tag holds 80 % of its quota or more.",
		.action = "Find out why the tag's owner holds so much (ftioctl pool top).",
	},
	{
		.code = FTIO_EVENT_CODE_POOL_QUOTA_REACHED,
		.name = "pool-quota-reached",
		.severity = FTIO_SEVERITY_ERROR,
		.summary = "An allocation failed: it would have taken its tag over quota.",
		.action = "Raise the quota (ftioctl pool set) or fix the tag's owner.",
	},
	{
		.code = FTIO_EVENT_CODE_POOL_TAG_MISMATCH,
		.name = "pool-tag-mismatch",
		.severity = FTIO_SEVERITY_ERROR,
		.summary = "Memory was freed under another tag than it was allocated with.",
		.action = "A driver bug: report it to the owner of both tags.",
	},
	{
		.code = FTIO_EVENT_CODE_POOL_BAD_FREE,
		.name = "pool-bad-free",
		.severity = FTIO_SEVERITY_ERROR,
		.summary = "A pointer that ftio_pooltag never handed out was freed.",
		.action = "A driver bug: report it to the tag's owner; it was not freed.",
	},
	{
		.code = FTIO_EVENT_CODE_POOL_LEAK,
		.name = "pool-leak",
		.severity = FTIO_SEVERITY_ERROR,
		.summary = "A module unloaded with allocations still live under its tags.",
		.action = "Report the leak (the kernel log lists call sites with tracking on).",
	},
	{
		.code = FTIO_EVENT_CODE_POOL_CORRUPTION,
		.name = "pool-corruption",
		.severity = FTIO_SEVERITY_CRITICAL,
		.summary = "The special pool found an object's guard bytes overwritten at free.",
		.action = "A driver bug that corrupts memory: report it with the kernel log.",
	},
	{
		.code = FTIO_EVENT_CODE_POOL_TAG_CHANGED,
		.name = "pool-tag-changed",
		.severity = FTIO_SEVERITY_NOTICE,
		.summary = "A tag's quota, special pool, failures or tracking was changed.",
		.action = "None; it documents who changed what, and when.",
	},
	{
		.code = FTIO_EVENT_CODE_MPIO_PATH_FAILED,
		.name = "mpio-path-failed",
		.severity = FTIO_SEVERITY_ERROR,
		.summary = "An mpio path failed; its I/O went on over the other paths.",
		.action = "Check the path's cable, switch port and adapter; probes reinstate it.",
	},
	{
		.code = FTIO_EVENT_CODE_MPIO_PATH_REINSTATED,
		.name = "mpio-path-reinstated",
		.severity = FTIO_SEVERITY_NOTICE,
		.summary = "A failed mpio path works again and is back in service.",
		.action = "None; redundancy is restored.",
	},
	{
		.code = FTIO_EVENT_CODE_MPIO_PATH_MARGINAL,
		.name = "mpio-path-marginal",
		.severity = FTIO_SEVERITY_WARNING,
		.summary = "An mpio path keeps seeing errors; it is used only as a last resort.",
		.action = "Check the path's hardware before it fails for good.",
	},
	{
		.code = FTIO_EVENT_CODE_MPIO_PATH_ADDED,
		.name = "mpio-path-added",
		.severity = FTIO_SEVERITY_INFO,
		.summary = "A path was added to an mpio device.",
		.action = "None.",
	},
	{
		.code = FTIO_EVENT_CODE_MPIO_PATH_REMOVED,
		.name = "mpio-path-removed",
		.severity = FTIO_SEVERITY_NOTICE,
		.summary = "A path left an mpio device (removed, or its disk went away).",
		.action = "If unplanned, check the adapter; a returning disk is re-added.",
	},
	{
		.code = FTIO_EVENT_CODE_MPIO_QUEUEING,
		.name = "mpio-queueing",
		.severity = FTIO_SEVERITY_WARNING,
		.summary = "An mpio device has no usable path left and queues its I/O.",
		.action = "Restore a path before no_path_retry runs out, or fail the I/O.",
	},
	{
		.code = FTIO_EVENT_CODE_MPIO_NO_PATH_TIMEOUT,
		.name = "mpio-no-path-timeout",
		.severity = FTIO_SEVERITY_CRITICAL,
		.summary = "No path came back in time: queued I/O failed with EIO.",
		.action = "Restore a path; applications saw errors and may need a restart.",
	},
	{
		.code = FTIO_EVENT_CODE_MPIO_GROUP_SWITCHED,
		.name = "mpio-group-switched",
		.severity = FTIO_SEVERITY_NOTICE,
		.summary = "An mpio device switched to another path group.",
		.action = "None, unless the switch was not expected.",
	},
	{
		.code = FTIO_EVENT_CODE_MPIO_DEVICE_CREATED,
		.name = "mpio-device-created",
		.severity = FTIO_SEVERITY_INFO,
		.summary = "An mpio device was created.",
		.action = "None.",
	},
	{
		.code = FTIO_EVENT_CODE_MPIO_DEVICE_DELETED,
		.name = "mpio-device-deleted",
		.severity = FTIO_SEVERITY_INFO,
		.summary = "An mpio device was deleted.",
		.action = "None.",
	},
	{
		.code = FTIO_EVENT_CODE_COMPONENT_DEGRADED,
		.name = "component-degraded",
		.severity = FTIO_SEVERITY_WARNING,
		.summary = "A component in service reported an error it recovers from.",
		.action = "Watch the component; if it recurs, plan its replacement.",
	},
};

static const char *const ftio_severity_names[] = {
	[FTIO_SEVERITY_DEBUG] = "debug",
	[FTIO_SEVERITY_INFO] = "info",
	[FTIO_SEVERITY_NOTICE] = "notice",
	[FTIO_SEVERITY_WARNING] = "warning",
	[FTIO_SEVERITY_ERROR] = "error",
	[FTIO_SEVERITY_CRITICAL] = "critical",
};

static int ftio_desc_cmp(const void *key, const void *elt)
{
	u32 code = *(const u32 *)key;
	const struct ftio_event_desc *d = elt;

	if (code < d->code)
		return -1;
	return code > d->code;
}

/**
 * ftio_event_desc() - look up a code in the catalogue
 * @code: FTIO_EVENT_CODE_*
 *
 * Return: the entry, or NULL if @code is unknown.
 */
const struct ftio_event_desc *ftio_event_desc(u32 code)
{
	return bsearch(&code, ftio_catalogue, ARRAY_SIZE(ftio_catalogue),
		       sizeof(ftio_catalogue[0]), ftio_desc_cmp);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_event_desc);

/**
 * ftio_event_desc_by_name() - look up a name in the catalogue
 * @name: stable name such as "module-registered"
 *
 * Return: the entry, or NULL if @name is unknown.
 */
const struct ftio_event_desc *ftio_event_desc_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ftio_catalogue); i++)
		if (!strcmp(ftio_catalogue[i].name, name))
			return &ftio_catalogue[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_event_desc_by_name);

/**
 * ftio_event_desc_at() - the catalogue in code order
 * @idx: index from 0
 *
 * Return: the entry, or NULL past the end.
 */
const struct ftio_event_desc *ftio_event_desc_at(unsigned int idx)
{
	return idx < ARRAY_SIZE(ftio_catalogue) ? &ftio_catalogue[idx] : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ftio_event_desc_at);

/**
 * ftio_event_desc_count() - number of catalogue entries
 *
 * Return: the count.
 */
unsigned int ftio_event_desc_count(void)
{
	return ARRAY_SIZE(ftio_catalogue);
}
EXPORT_SYMBOL_IF_KUNIT(ftio_event_desc_count);

/**
 * ftio_severity_name() - text of a severity
 * @severity: enum ftio_severity
 *
 * Return: "info", "error", ... or "unknown".
 */
const char *ftio_severity_name(u32 severity)
{
	if (severity < ARRAY_SIZE(ftio_severity_names))
		return ftio_severity_names[severity];
	return "unknown";
}
EXPORT_SYMBOL_IF_KUNIT(ftio_severity_name);

const char *ftio_event_code_name(u32 code)
{
	const struct ftio_event_desc *d = ftio_event_desc(code);

	return d ? d->name : NULL;
}
EXPORT_SYMBOL_GPL(ftio_event_code_name);
