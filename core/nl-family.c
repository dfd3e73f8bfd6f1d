// SPDX-License-Identifier: GPL-2.0
/*
 * The "ftio" generic netlink family as generated from the YNL spec
 * (nl-gen.c). Kernels without split ops (before 6.2) take the same table
 * as plain genl_ops: every ftio command has either a do or a dump
 * handler with one policy, so the two representations carry the same
 * information.
 */
#include <net/netlink.h>
#include <net/genetlink.h>

#include "ftio_compat.h"

#ifndef FTIO_HAVE_GENL_SPLIT_OPS
#define genl_split_ops genl_ops
#define split_ops ops
#define n_split_ops n_ops
#endif

#include "nl-gen.c"
