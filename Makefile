# SPDX-License-Identifier: GPL-2.0
# ftio: fault-tolerant I/O modules for stock Linux servers.
#
#   make                 modules for KDIR and the ftioctl tool
#   make modules         the kernel modules only (KDIR=... to choose the kernel)
#   make install         modules + ftioctl + man page
#   make check           the tests, each on the kernels where it tells
#                        something (installs what it needs; what CI runs)
#   make check-full      every test on every kernel, with the long soaks
#   make demo            the guided tour, in a guest
#   make bench           benchmarks, in a guest
#   make lint            checkpatch --strict, W=1 and sparse
#
# KDIR defaults to the running kernel's build tree. Variables for make
# check: SUITE=name to run one suite (SUITE=a,b for several), KERNELS="distro debug" to choose,
# DEADLINE=minutes for the global deadline (80).

KDIR ?= /lib/modules/$(shell uname -r)/build
DESTDIR ?=
PREFIX ?= /usr
BUILD ?= $(CURDIR)/build
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

PROBES := compat/generated/ftio_probes.h
KBUILD_ARGS := -C $(KDIR) M=$(CURDIR)

.PHONY: all modules ftioctl install modules_install clean check check-full demo bench \
	lint deps kdir-check regen FORCE

all: modules ftioctl

kdir-check:
	@test -f $(KDIR)/Makefile || { \
	  echo "ftio: no kernel build tree at KDIR=$(KDIR)."; \
	  echo "ftio: install linux-headers-$$(uname -r), or pass KDIR=/lib/modules/VERSION/build"; \
	  exit 2; }

# The probes run again when the kernel tree or a probe changes; switching
# kernels also drops objects built for the previous one.
$(PROBES): compat/conftest.sh $(wildcard compat/probes/*.c) FORCE | kdir-check
	@mkdir -p compat/generated
	@stamp="$(abspath $(KDIR)) $$(stat -c %Y $(KDIR)/.config 2>/dev/null)"; \
	if [ ! -f $@ ] || [ "$$(cat compat/generated/kdir 2>/dev/null)" != "$$stamp" ] || \
	   [ -n "$$(find compat/conftest.sh compat/probes -newer $@ 2>/dev/null)" ]; then \
	  if [ -f compat/generated/kdir ] && \
	     [ "$$(cat compat/generated/kdir)" != "$$stamp" ]; then \
	    $(MAKE) -s $(KBUILD_ARGS) clean >/dev/null 2>&1 || true; \
	  fi; \
	  echo "  PROBE   $(KDIR)"; \
	  compat/conftest.sh $(KDIR) $@ && echo "$$stamp" >compat/generated/kdir; \
	fi

modules: $(PROBES)
	$(MAKE) $(KBUILD_ARGS) modules

modules_install: modules
	$(MAKE) $(KBUILD_ARGS) INSTALL_MOD_DIR=updates/ftio \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	$(if $(DESTDIR),,depmod -a $$(cat $(KDIR)/include/config/kernel.release))

ftioctl:
	$(MAKE) -C tools/ftioctl

install: modules_install ftioctl
	$(MAKE) -C tools/ftioctl DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) install
	install -D -m 0644 Documentation/man/ftioctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/ftioctl.8
	install -D -m 0644 tools/udev/60-ftio.rules $(DESTDIR)/lib/udev/rules.d/60-ftio.rules

clean:
	-$(MAKE) $(KBUILD_ARGS) clean 2>/dev/null
	$(MAKE) -C tools/ftioctl clean
	rm -rf compat/generated

regen:
	scripts/ynl-regen.sh

deps:
	@scripts/deps.sh

lint: deps
	@scripts/lint.sh

# The time apt-get takes counts: the run's phase table and its global
# deadline start before it.
CHECK_ARGS = $(if $(SUITE),--suite $(SUITE)) $(if $(KERNELS),--kernels "$(KERNELS)") \
	$(if $(DEADLINE),--deadline $(DEADLINE))
check:
	@t0=$$(date +%s); scripts/deps.sh && \
	selftests/run.py --t0 $$t0 --deps-time $$(($$(date +%s) - t0)) $(CHECK_ARGS)

check-full:
	@t0=$$(date +%s); scripts/deps.sh && \
	selftests/run.py --tier full --t0 $$t0 --deps-time $$(($$(date +%s) - t0)) $(CHECK_ARGS)

demo: deps
	@selftests/demo.sh

bench:
	@scripts/deps.sh bench
	@selftests/bench.sh

FORCE:
