#!/bin/bash
# Automatic split brain recovery, as DRBD's after-sb policies:
#   after-sb-1pri discard-secondary: both nodes wrote while cut off, one
#	is still Primary: the Secondary's changes are discarded;
#   after-sb-0pri discard-zero-changes: both started a new generation but
#	only one wrote: the one without changes becomes the sync target.
# Each time the resync covers what changed, and the disks end identical.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

vm_init twin-sb-policy
vm_disk 1 data 64M
vm_disk 2 data 64M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

export TWIN_NET_OPTS="after-sb-0pri discard-zero-changes; after-sb-1pri discard-secondary;"
twin_pair C
size=$(( $(twin_field 1 size-sectors) * 512 ))

# resolved G_TARGET: wait for the automatic resolution, print resynced
resolved() {
	twin_wait "$1" disk UpToDate 120 || vm_die "split brain not resolved"
	twin_wait 1 connection Connected 30 || vm_die "resync did not finish"
	vm_run "$1" "dmesg --color=never | grep 'split brain resolved' | tail -1" >&2
}

# 1pri: node 1 stays Primary, node 2 was Primary and wrote too
for g in 1 2; do twin_adm "$g" disconnect r0 || vm_die "disconnect failed"; done
twin_adm 2 primary r0 || vm_die "cannot promote node 2"
vm_run 1 "dd if=/dev/urandom of=/dev/twin0 bs=4k count=300 seek=100 oflag=direct 2>/dev/null" ||
	vm_die "write on node 1 failed"
vm_run 2 "dd if=/dev/urandom of=/dev/twin0 bs=4k count=200 seek=1000 oflag=direct 2>/dev/null" ||
	vm_die "write on node 2 failed"
twin_adm 2 secondary r0 || vm_die "cannot demote node 2"
for g in 1 2; do twin_adm "$g" connect r0 || vm_die "connect failed"; done
resolved 2
resynced=$(twin_field 1 resynced)
vm_log "after-sb-1pri discard-secondary: resynced $resynced bytes"
[ "$resynced" = $((500 * 4096)) ] || vm_die "expected both sides' 500 blocks resynced"

# 0pri: node 1 writes and demotes; node 2 starts a generation, writes nothing
for g in 1 2; do twin_adm "$g" disconnect r0 || vm_die "disconnect failed"; done
vm_run 1 "dd if=/dev/urandom of=/dev/twin0 bs=4k count=250 seek=5000 oflag=direct 2>/dev/null" ||
	vm_die "write on node 1 failed"
twin_adm 1 secondary r0 || vm_die "cannot demote node 1"
twin_adm 2 new-current-uuid r0 || vm_die "new-current-uuid on node 2 failed"
for g in 1 2; do twin_adm "$g" connect r0 || vm_die "connect failed"; done
resolved 2
resynced=$(twin_field 1 resynced)
vm_log "after-sb-0pri discard-zero-changes: resynced $resynced bytes"
[ "$resynced" = $((250 * 4096)) ] || vm_die "expected node 1's 250 blocks resynced"

for g in 1 2; do twin_adm "$g" down r0 || vm_die "guest $g: down failed"; done
differ=$(twin_blocks_differ "$size")
[ "$differ" = 0 ] || vm_die "$differ blocks differ after the resolutions"
vm_stop 1
vm_stop 2
vm_log "twin after-sb policy test passed"
