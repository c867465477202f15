# shellcheck shell=bash
# Helpers for the twin.ko VM tests (t-twin-*.sh): a two-node resource "r0"
# on each guest's first disk, driven with twinadm, and waits that poll the
# module's state with a deadline. Source after lib/vm.sh.

TWIN_KO=$VM_REPO/kmod/twin.ko
TWINADM=$VM_O/bin/twinadm
TWIN_STATUS=/sys/kernel/debug/twin/r0/status
TWIN_CONF=/tmp/twin/r0.res

[ -r "$TWIN_KO" ] || { vm_log "no $TWIN_KO: build it first"; exit 77; }
[ -x "$TWINADM" ] || { vm_log "no $TWINADM: build it first"; exit 77; }

# Private copies (guests see $VM_RESULTS): a rebuild during the test must
# not swap the binaries under it.
twin_snapshot() {
	cp "$TWIN_KO" "$VM_RESULTS/twin.ko" || vm_die "cannot copy twin.ko"
	cp "$TWINADM" "$VM_RESULTS/twinadm" || vm_die "cannot copy twinadm"
	TWIN_KO=$VM_RESULTS/twin.ko
	TWINADM=$VM_RESULTS/twinadm
}

# twin_config G PROTOCOL [SECRET]: write the configuration of r0 in guest
# G (in /tmp: the guest's /etc comes read-only from the host). The backing
# disk is $TWIN_DISK_<G>, default /dev/vda; the fencing policy is
# $TWIN_FENCING (net { fencing ...; }), default unset (none); disk options
# are $TWIN_DISK_OPTS (disk { ... }), e.g. "al-extents 8;", more net
# options $TWIN_NET_OPTS (net { ... }, not together with $TWIN_FENCING).
twin_config() {
	local g=$1 proto=$2 secret=${3:-}
	local net="" disk_var=TWIN_DISK_$1
	local disk=${!disk_var:-/dev/vda}

	[ -n "$secret" ] && net="shared-secret \"$secret\";"
	[ -n "${TWIN_FENCING:-}" ] && net="$net net { fencing $TWIN_FENCING; }"
	[ -n "${TWIN_DISK_OPTS:-}" ] && net="$net disk { $TWIN_DISK_OPTS }"
	[ -n "${TWIN_NET_OPTS:-}" ] && net="$net net { $TWIN_NET_OPTS }"
	vm_run "$g" "mkdir -p /tmp/twin && cat > $TWIN_CONF << 'EOF_RES'
resource r0 {
	protocol $proto;
	device /dev/twin0;
	disk $disk;
	meta-disk internal;
	$net
	on node1 { address $(vm_ip 1):7790; }
	on node2 { address $(vm_ip 2):7790; }
}
EOF_RES"
}

# twin_adm G ARGS...: run twinadm in guest G.
twin_adm() {
	local g=$1

	shift
	vm_run "$g" "$TWINADM -c $TWIN_CONF $*"
}

# twin_field G KEY: one line of the debugfs status, e.g. "connection".
twin_field() {
	vm_run "$1" "sed -n 's/^$2: //p' $TWIN_STATUS" 2>/dev/null
}

# twin_wait G KEY VALUE [SECONDS]: poll until KEY has VALUE (an extended
# regular expression matching the whole value, e.g. "Timeout|Connecting").
twin_wait() {
	local g=$1 key=$2 want=$3 deadline=$((SECONDS + ${4:-60})) got

	while :; do
		got=$(twin_field "$g" "$key")
		[[ "$got" =~ ^($want)$ ]] && return 0
		if [ $SECONDS -ge $deadline ]; then
			vm_log "guest $g: $key is '$got', wanted '$want'"
			vm_run "$g" "cat $TWIN_STATUS; dmesg | grep twin | tail -20" >&2
			return 1
		fi
		sleep 0.3
	done
}

# twin_load G: insmod (no resource appears) and create-md.
twin_load() {
	local g=$1

	case "$TWIN_KO" in "$VM_RESULTS"/*) ;; *) twin_snapshot ;; esac
	vm_run "$g" "insmod $TWIN_KO" || vm_die "guest $g: insmod failed"
	vm_run "$g" "test ! -e /dev/twin0" || vm_die "guest $g: insmod created a device"
	twin_adm "$g" --force create-md r0 >/dev/null ||
		twin_adm "$g" create-md r0 || vm_die "guest $g: create-md failed"
}

# twin_pair PROTOCOL [SECRET]: two booted guests, r0 up on both, guest 1
# forced Primary, initial full sync finished.
twin_pair() {
	local g

	for g in 1 2; do
		twin_config "$g" "$@"
		twin_load "$g"
		twin_adm "$g" up r0 || vm_die "guest $g: up failed"
	done
	twin_wait 1 connection Connected 30 || vm_die "guests did not connect"
	twin_wait 2 connection Connected 30 || vm_die "guests did not connect"
	twin_adm 1 primary --force r0 || vm_die "forced promotion failed"
	twin_wait 2 disk UpToDate 120 || vm_die "initial sync did not finish"
	twin_wait 1 peer-disk UpToDate 30 || vm_die "peer not UpToDate"
}

# twin_sum G DEV [BYTES]: md5 of the first BYTES (default: the data area).
twin_sum() {
	vm_run "$1" "head -c $3 $2 | md5sum | cut -d' ' -f1"
}

# twin_rejoin G [PROTOCOL]: after guest G was powered off and booted again,
# load the module and bring r0 up on the metadata it already has.
twin_rejoin() {
	twin_config "$1" "${2:-C}"
	vm_run "$1" "insmod $TWIN_KO" || vm_die "guest $1: insmod failed"
	twin_adm "$1" up r0 || vm_die "guest $1: up failed"
}

# twin_blocks_differ BYTES: how many 4 KiB blocks of the first BYTES differ
# between the two guests' "data" disks, compared on the host image files.
twin_blocks_differ() {
	python3 - "$(vm_disk_path 1 data)" "$(vm_disk_path 2 data)" "$1" << 'EOF_PY'
import sys
a, b, size = open(sys.argv[1], 'rb'), open(sys.argv[2], 'rb'), int(sys.argv[3])
n = 0
for off in range(0, size, 4096):
    if a.read(4096) != b.read(4096):
        n += 1
print(n)
EOF_PY
}
