#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the admin guide against the code: every ftio sysfs file it names
is documented in Documentation/ABI (and so checked against the kernel by
core/sysfs_abi), every module parameter it names is a module_param() of
the module, and every YNL example names operations and attributes that
the spec has. Prints one line per mismatch; exits 1 if there is one.

Usage: doc-check.py TOP
"""
import glob
import json
import os
import re
import sys

import yaml

top = sys.argv[1]
guide = open(os.path.join(top, "Documentation/admin-guide/ftio.rst")).read()
bad = []

# sysfs: the ABI's What: lines, with <N>/<id> as wildcards
whats = []
for f in glob.glob(os.path.join(top, "Documentation/ABI/testing/*")):
    whats += re.findall(r"^What:\s+(\S+)", open(f).read(), re.M)
pats = [re.compile("^" + re.sub(r"<[^>]+>", r"[^/]+", re.escape(w).replace(r"\<", "<")
                                .replace(r"\>", ">")) + "$") for w in whats]
for path in sorted(set(re.findall(r"/sys/(?:kernel/ftio|block/mpio[^/\s`]*/mpio)[\w/<>.*:-]*", guide))):
    p = path.rstrip("/")
    # directories and globs: some documented file must live below them
    # an adapter's directory is named by its PCI address
    p = re.sub(r"/harden/[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]", "/harden/ADAPTER", p)
    p = re.sub(r":[^/]*$", "", p)	# grep's "FILE:VALUE"
    if p.endswith("*") or p.endswith("/mpio") or p.endswith("ftio") or \
            re.search(r"/(pool|mpio|events|NAME|paths|ADAPTER)$", p):
        prefix = re.sub(r"[^/]*\*$", "", p).replace("NAME", "")
        prefix = re.sub(r"mpio(0|N)", "mpio<N>", prefix).replace("ADAPTER", "<adapter>")
        if not any(w.startswith(prefix.rstrip("/")) for w in whats) and "NAME" not in p:
            bad.append(f"sysfs directory {path}: no documented file below it")
        continue
    q = re.sub(r"mpio(0|N)\b", "mpio1", p).replace("/*/", "/0/")
    if not any(r.match(q) for r in pats):
        bad.append(f"sysfs file {path}: not in Documentation/ABI")

# module parameters: module_param() names in each module's sources
params = {}
for mod, srcdir in (("ftio_core", "core"), ("ftio_mpio", "mpio"),
                    ("ftio_pooltag", "hardening/pooltag")):
    names = set()
    for f in glob.glob(os.path.join(top, srcdir, "*.c")):
        names |= set(re.findall(r"module_param(?:_named)?\(\s*(\w+)", open(f).read()))
    params[mod] = names
for mod, name in re.findall(r"/sys/module/(ftio_\w+)/parameters/(\w+)", guide):
    if name not in params.get(mod, ()):
        bad.append(f"module parameter {mod}.{name}: no module_param() of that name")
for mod, args in re.findall(r"modprobe (ftio_\w+)((?: [\w]+=\S+)+)", guide):
    for name in re.findall(r" (\w+)=", args):
        if name not in params.get(mod, ()):
            bad.append(f"modprobe {mod} {name}=: no module_param() of that name")

# YNL examples: operations and the attributes of their JSON
spec = yaml.safe_load(open(os.path.join(top, "Documentation/netlink/specs/ftio.yaml")))
sets = {s["name"]: {a["name"] for a in s["attributes"]} for s in spec["attribute-sets"]}
ops = {o["name"]: o["attribute-set"] for o in spec["operations"]["list"]}
for op, js in re.findall(r"ynl(?: --no-schema)? --(?:do|dump) ([\w-]+)(?: --json '([^']*)')?", guide):
    if op not in ops:
        bad.append(f"ynl example: no operation {op} in the spec")
        continue
    if js:
        for key in json.loads(js):
            if key not in sets[ops[op]]:
                bad.append(f"ynl example: {op} has no attribute {key}")

for b in bad:
    print(f"doc-check: {b}")
sys.exit(1 if bad else 0)
