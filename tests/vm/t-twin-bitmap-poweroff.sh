#!/bin/bash
# Issue #4 test 3: the Secondary loses power; the Primary keeps writing
# and marks exactly the blocks it wrote. When the Secondary is back, it
# rejoins on its old metadata and gets a bitmap resync of exactly those
# blocks (compared with the blocks that differ on the host), nothing more.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

vm_init twin-bitmap-poweroff
vm_disk 1 data 128M
vm_disk 2 data 128M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

twin_pair C
size=$(( $(twin_field 1 size-sectors) * 512 ))

vm_kill 2
twin_wait 1 connection "Timeout|Connecting|BrokenPipe|NetworkFailure" 15 ||
	vm_die "Primary did not notice the dead Secondary"
# 3000 + 700 distinct blocks, two regions, one of them unaligned to 64 KiB
vm_run 1 "dd if=/dev/urandom of=/dev/twin0 bs=4k count=3000 seek=500 oflag=direct 2>/dev/null &&
	  dd if=/dev/urandom of=/dev/twin0 bs=4k count=700 seek=23457 oflag=direct 2>/dev/null" ||
	vm_die "writes without the Secondary failed"
written=$((3700 * 4096))
oos=$(twin_field 1 out-of-sync)
vm_log "Primary marks $oos KiB out of sync after writing $written bytes alone"
[ $((oos * 1024)) = "$written" ] || vm_die "bitmap does not match the blocks written"

vm_boot 2
twin_rejoin 2 C
twin_wait 2 disk UpToDate 180 || vm_die "returning Secondary not resynced"
twin_wait 1 connection Connected 30 || vm_die "resync did not finish"
resynced=$(twin_field 1 resynced)
vm_log "resynced $resynced bytes for $written bytes written"
[ "$resynced" = "$written" ] || vm_die "resync was not exactly the blocks written"
vm_run 2 "dmesg --color=never | grep -q 'r0: sync target'" ||
	vm_die "the returning node was no sync target"

for g in 1 2; do twin_adm "$g" down r0 || vm_die "guest $g: down failed"; done
differ=$(twin_blocks_differ "$size")
vm_log "blocks differing after the resync: $differ"
[ "$differ" = 0 ] || vm_die "lower disks differ after the resync"
vm_stop 1
vm_stop 2
vm_log "twin power-off bitmap resync test passed"
