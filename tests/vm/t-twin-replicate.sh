#!/bin/bash
# Two guests, protocol C then A: random data written on the Primary is on
# both lower disks, byte for byte, once the resource is down.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

vm_init twin-replicate
vm_disk 1 data 128M
vm_disk 2 data 128M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

twin_pair C
size=$(( $(twin_field 1 size-sectors) * 512 ))
[ "$size" -gt 0 ] || vm_die "device has no size"

# The initial sync copied the whole device.
s1=$(twin_sum 1 /dev/vda "$size")
s2=$(twin_sum 2 /dev/vda "$size")
[ "$s1" = "$s2" ] || vm_die "lower disks differ after the initial sync"

check_replica() {
	local proto=$1 s1 s2 sd

	vm_run 1 "head -c 40M /dev/urandom > /tmp/rand && dd if=/tmp/rand of=/dev/twin0 bs=1M oflag=direct seek=3 2>&1 | tail -1" ||
		vm_die "protocol $proto: write failed"
	vm_run 1 "dd if=/tmp/rand of=/dev/twin0 bs=4k count=500 seek=9000 oflag=dsync 2>/dev/null && sync" ||
		vm_die "protocol $proto: dsync writes failed"
	sd=$(twin_sum 1 /dev/twin0 "$size")
	for g in 1 2; do twin_adm "$g" down r0 || vm_die "guest $g: down failed"; done
	s1=$(twin_sum 1 /dev/vda "$size")
	s2=$(twin_sum 2 /dev/vda "$size")
	vm_log "protocol $proto: twin0 $sd, lower disks $s1 $s2"
	[ "$s1" = "$sd" ] || vm_die "protocol $proto: primary's disk differs from what was read"
	[ "$s1" = "$s2" ] || vm_die "protocol $proto: lower disks differ"
}
check_replica C

# Protocol A: same, after the writer flushed (sync above).
for g in 1 2; do
	twin_config "$g" A
	twin_adm "$g" up r0 || vm_die "guest $g: up (A) failed"
done
twin_wait 1 connection Connected 30 || vm_die "no reconnect with protocol A"
twin_wait 1 disk UpToDate 10 || vm_die "guest 1 not UpToDate after up"
twin_wait 2 disk UpToDate 10 || vm_die "guest 2 not UpToDate after up"
twin_adm 1 primary r0 || vm_die "promotion of UpToDate node refused"
check_replica A

for g in 1 2; do vm_run "$g" "rmmod twin" || vm_die "guest $g: rmmod failed"; done
vm_stop 1
vm_stop 2
vm_log "twin replication test passed"
