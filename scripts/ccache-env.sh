# SPDX-License-Identifier: GPL-2.0
# Sourced by the module builds (build-kmods.sh, dkms-check.sh): ccache,
# when installed, under its compiler names (Debian's /usr/lib/ccache),
# with its cache beside the debug kernel's. A build from scratch of what
# did not change costs nothing, and its warnings come out again.
if [ -d /usr/lib/ccache ]; then
	export PATH="/usr/lib/ccache:$PATH"
	export CCACHE_DIR="${FTIO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftio}/ccache"
fi
