#!/bin/bash
# Issue #4 test 1: the Secondary disconnects while the Primary writes; the
# Primary goes on alone, marking what it writes in the bitmap. After the
# reconnect only the dirtied blocks are resynced: the bytes resynced are
# reported and lie within a few percent of the bytes that differ between
# the two lower disks (counted on the host), and the disks end identical.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

vm_init twin-bitmap
vm_disk 1 data 128M
vm_disk 2 data 128M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

twin_pair C
size=$(( $(twin_field 1 size-sectors) * 512 ))
[ "$(twin_field 1 out-of-sync)" = 0 ] || vm_die "out of sync after the initial sync"

# A writer of distinct 4 KiB blocks, connected at first.
sent0=$(twin_field 1 net-sent)
vm_run 1 "(dd if=/dev/urandom of=/dev/twin0 bs=4k count=4000 seek=1000 oflag=direct 2>/dev/null; echo \$? > /tmp/w.rc) > /dev/null 2>&1 &"
deadline=$((SECONDS + 60))
until [ "$(twin_field 1 net-sent)" -gt $((sent0 + (1 << 20))) ]; do
	[ $SECONDS -lt $deadline ] || vm_die "writer made no progress"
	sleep 0.2
done
twin_adm 2 disconnect r0 || vm_die "disconnect under load failed"
twin_wait 1 connection "TearDown|Connecting" 10 || vm_die "Primary did not notice"
deadline=$((SECONDS + 180))
until vm_run 1 "test -s /tmp/w.rc"; do
	[ $SECONDS -lt $deadline ] || vm_die "writer stuck after the disconnect"
	sleep 0.5
done
[ "$(vm_run 1 "cat /tmp/w.rc")" = 0 ] || vm_die "writes failed while disconnected"
# and a known amount elsewhere, with the peer surely away
vm_run 1 "dd if=/dev/urandom of=/dev/twin0 bs=4k count=1500 seek=20000 oflag=direct 2>/dev/null" ||
	vm_die "write while disconnected failed"

oos=$(twin_field 1 out-of-sync)
differ=$(twin_blocks_differ "$size")
vm_log "before reconnect: Primary marks $oos KiB out of sync; $differ blocks differ on disk"
[ "$differ" -ge 1500 ] || vm_die "only $differ blocks differ: the writes did not happen"
[ "$oos" -ge $((differ * 4)) ] || vm_die "bitmap ($oos KiB) misses dirtied blocks ($differ)"

twin_adm 2 connect r0 || vm_die "reconnect failed"
twin_wait 2 disk UpToDate 180 || vm_die "no resync after the reconnect"
twin_wait 1 connection Connected 30 || vm_die "resync did not finish"
resynced=$(twin_field 1 resynced)
received=$(twin_field 2 resynced)
dirtied=$((differ * 4096))
vm_log "resynced $resynced bytes (target received $received) for $dirtied bytes dirtied"
[ "$resynced" = "$received" ] || vm_die "source and target disagree on the resync size"
[ "$resynced" -ge "$dirtied" ] || vm_die "resynced less than was dirtied"
[ "$resynced" -le $((dirtied + dirtied * 3 / 100 + 16 * 4096)) ] ||
	vm_die "resynced $resynced bytes, more than a few percent over $dirtied"
[ "$(twin_field 1 out-of-sync)" = 0 ] || vm_die "Primary still marks blocks out of sync"
[ "$(twin_field 2 out-of-sync)" = 0 ] || vm_die "Secondary still marks blocks out of sync"

sd=$(twin_sum 1 /dev/twin0 "$size")
for g in 1 2; do twin_adm "$g" down r0 || vm_die "guest $g: down failed"; done
s1=$(twin_sum 1 /dev/vda "$size")
s2=$(twin_sum 2 /dev/vda "$size")
vm_log "after the resync: twin0 $sd, lower disks $s1 $s2"
[ "$s1" = "$sd" ] || vm_die "Primary's disk differs from what it served"
[ "$s1" = "$s2" ] || vm_die "lower disks differ after the bitmap resync"
vm_stop 1
vm_stop 2
vm_log "twin bitmap resync test passed"
