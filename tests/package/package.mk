# The Debian package (issue 15), proven: make deb twice, make install with
# and without tests/, then install, rebuild, boot, upgrade, remove and purge
# in the distro matrix's Debian 12 and 13 userlands (tests/package/run.sh,
# tests/package/README.md). GNU make fragment, included by the top Makefile.
#
#   make package-check   (part of make check; PKG_SUITES="trixie" narrows it)

CHECK_EXTRA += package-lint package-check
DEPS_GROUPS += pkg
.PHONY: package-check package-lint

package-check: $(BIN) kmod-fetch
	BUILD=$(BUILD) $(if $(PKG_SUITES),PKG_SUITES="$(PKG_SUITES)") sh tests/package/run.sh

package-lint:
	shellcheck -s sh tests/package/run.sh debian/build-deb.sh debian/postinst
	shellcheck -x tests/package/in-tree.sh
