#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the event catalogue says the same thing in its three homes:
the YNL spec's event-code enum, core/catalogue.c and
Documentation/admin-guide/ftio-events.rst. Prints one TAP line a check."""

import os
import re
import sys

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def spec_codes():
    spec = yaml.safe_load(open(os.path.join(TOP, "Documentation/netlink/specs/ftio.yaml")))
    enum = next(d for d in spec["definitions"] if d["name"] == "event-code")
    out, v = {}, 0
    for e in enum["entries"]:
        name = e if isinstance(e, str) else e["name"]
        v = e.get("value", v + 1) if isinstance(e, dict) else v + 1
        out[name] = v
    return out


def c_catalogue():
    text = open(os.path.join(TOP, "core/catalogue.c")).read()
    out = {}
    for m in re.finditer(r"\.code = FTIO_EVENT_CODE_(\w+),\s*\.name = \"([^\"]+)\",\s*"
                         r"\.severity = FTIO_SEVERITY_(\w+)", text):
        out[m.group(2)] = (m.group(1).lower().replace("_", "-"), m.group(3).lower())
    return out


def rst_table():
    text = open(os.path.join(TOP, "Documentation/admin-guide/ftio-events.rst")).read()
    out = {}
    rows = re.findall(r"^\s*\* - (\d+)\s*\n\s*- (\S+)\s*\n\s*- (\w+)", text, re.M)
    for code, name, sev in rows:
        out[name] = (int(code), sev.lower())
    return out


def main():
    n = 0
    fails = 0

    def report(good, desc, detail=""):
        nonlocal n, fails
        n += 1
        print(("ok" if good else "not ok"), n, desc)
        if not good:
            fails += 1
            print("# " + detail)

    spec = spec_codes()
    cat = c_catalogue()
    doc = rst_table()
    report(set(spec) == set(cat), "catalogue.c has exactly the spec's event codes",
           f"spec only: {sorted(set(spec) - set(cat))}, catalogue only: {sorted(set(cat) - set(spec))}")
    report(all(cat[k][0] == k for k in cat), "catalogue.c names match their FTIO_EVENT_CODE_*",
           str([(k, v[0]) for k, v in cat.items() if v[0] != k]))
    report({k: v for k, v in doc.items()} and set(doc) == set(spec),
           "ftio-events.rst lists exactly the spec's event codes",
           f"spec only: {sorted(set(spec) - set(doc))}, doc only: {sorted(set(doc) - set(spec))}")
    report(all(doc[k][0] == spec[k] for k in doc if k in spec),
           "ftio-events.rst gives each code its spec value",
           str([(k, doc[k][0], spec.get(k)) for k in doc if spec.get(k) != doc[k][0]]))
    report(all(doc[k][1] == cat[k][1] for k in doc if k in cat),
           "ftio-events.rst gives each code its catalogue severity",
           str([(k, doc[k][1], cat[k][1]) for k in doc if k in cat and doc[k][1] != cat[k][1]]))
    print(f"1..{n}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
