#!/bin/bash
# new-current-uuid --clear-bitmap and invalidate. A new pair skips the
# initial sync with --clear-bitmap: both nodes become UpToDate at once,
# nothing is resynced. `invalidate` on the Secondary then throws its data
# away and copies the whole device from the Primary, in the background
# while the Primary writes; afterwards the lower disks are identical.
# Also: the resync rate limits of the disk section are reported.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

vm_init twin-invalidate
vm_disk 1 data 64M
vm_disk 2 data 64M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

# identical contents below, as after a fresh mkfs of both disks
for g in 1 2; do
	vm_run "$g" "dd if=/dev/zero of=/dev/vda bs=1M count=64 oflag=direct 2>/dev/null" ||
		vm_die "guest $g: cannot clear the disk"
done
export TWIN_DISK_OPTS="c-max-rate 200M; c-min-rate 8M;"
for g in 1 2; do
	twin_config "$g" C
	twin_load "$g"
	twin_adm "$g" up r0 || vm_die "guest $g: up failed"
done
twin_wait 1 connection Connected 30 || vm_die "no connection"
rate=$(twin_field 1 resync-rate)
vm_log "resync-rate: $rate"
[ "$rate" = "max 204800 KiB/s min 8192 KiB/s" ] || vm_die "rate limits not applied: '$rate'"

out=$(twin_adm 1 new-current-uuid r0 2>&1) && vm_die "new generation on a connected Secondary: $out"
vm_log "refused as expected: $out"
twin_adm 1 new-current-uuid --clear-bitmap r0 || vm_die "--clear-bitmap failed"
twin_wait 1 disk UpToDate 10 || vm_die "node 1 not UpToDate"
twin_wait 2 disk UpToDate 10 || vm_die "node 2 not UpToDate without a sync"
[ "$(twin_field 1 resynced)" = 0 ] || vm_die "--clear-bitmap resynced data"
u1=$(twin_field 1 uuids)
u2=$(twin_field 2 uuids)
[ "${u1%%:*}" = "${u2%%:*}" ] || vm_die "different generations: $u1 / $u2"
twin_adm 1 primary r0 || vm_die "UpToDate node not promoted"

out=$(twin_adm 1 invalidate r0 2>&1) && vm_die "Primary invalidated: $out"
vm_log "refused as expected: $out"
vm_run 1 "dd if=/dev/urandom of=/dev/twin0 bs=1M count=8 seek=10 oflag=direct 2>/dev/null" ||
	vm_die "write failed"
twin_adm 2 invalidate r0 || vm_die "invalidate on the Secondary failed"
vm_run 1 "dd if=/dev/urandom of=/dev/twin0 bs=4k count=500 seek=300 oflag=direct 2>/dev/null" ||
	vm_die "write during the resync failed"
twin_wait 2 disk UpToDate 120 || vm_die "invalidated node not resynced"
twin_wait 1 connection Connected 30 || vm_die "resync did not finish"
size=$(( $(twin_field 1 size-sectors) * 512 ))
resynced=$(twin_field 1 resynced)
vm_log "invalidate resynced $resynced of $size bytes"
[ "$resynced" = "$size" ] || vm_die "invalidate did not copy the whole device"

sd=$(twin_sum 1 /dev/twin0 "$size")
for g in 1 2; do twin_adm "$g" down r0 || vm_die "guest $g: down failed"; done
s1=$(twin_sum 1 /dev/vda "$size")
s2=$(twin_sum 2 /dev/vda "$size")
vm_log "twin0 $sd, lower disks $s1 $s2"
[ "$s1" = "$sd" ] || vm_die "Primary's disk differs from what it served"
[ "$s1" = "$s2" ] || vm_die "lower disks differ"
vm_stop 1
vm_stop 2
vm_log "twin invalidate test passed"
