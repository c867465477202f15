#!/bin/sh
# Install every Debian package Twinstore needs to build, test and run its VM
# drills. Idempotent: when everything is there it only checks and returns.
#
#   scripts/deps.sh           build + test packages
#   scripts/deps.sh --bench   also what `make bench` compares against
set -eu

PKGS="build-essential pkg-config
liburing-dev libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
libssl-dev openssl libdb-dev db-util libcunit1-dev
linux-headers-amd64 linux-image-amd64 kmod
qemu-system-x86 qemu-utils busybox-static cpio
iproute2 iputils-ping dmsetup e2fsprogs fio
python3 curl fetchmail isync clang bc"

BENCH_PKGS="dovecot-core dovecot-lmtpd dovecot-pop3d dovecot-imapd drbd-utils"

[ "${1:-}" = "--bench" ] && PKGS="$PKGS $BENCH_PKGS"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi

echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Dovecot must not start system-wide services on our ports.
$SUDO apt-get install -y -qq --no-install-recommends $missing
