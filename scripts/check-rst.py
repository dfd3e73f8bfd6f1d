#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse reStructuredText with docutils and fail on any warning. Sphinx's
cross-reference roles (:doc:, :ref:) are accepted as plain text, since
the documents are also read by Sphinx-based kernel-style tooling."""

import sys

import docutils.core
import docutils.utils
from docutils.parsers.rst import roles


def plain_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [docutils.nodes.literal(rawtext, text)], []


for r in ("doc", "ref"):
    roles.register_local_role(r, plain_role)

status = 0
for path in sys.argv[1:]:
    try:
        docutils.core.publish_doctree(
            open(path).read(), source_path=path,
            settings_overrides={"halt_level": 2, "report_level": 2,
                                "warning_stream": sys.stderr})
    except docutils.utils.SystemMessage as e:
        print(f"{e}", file=sys.stderr)
        status = 1
sys.exit(status)
