#!/bin/bash
# The replication link fails under write load: the Primary's writes stall
# for at most the ping timeout, then go on locally; when the link returns
# the peer resyncs and both lower disks end up identical.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

vm_init twin-netfail
vm_disk 1 data 64M
vm_disk 2 data 64M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

twin_pair C
size=$(( $(twin_field 1 size-sectors) * 512 ))
sent0=$(twin_field 1 net-sent)
vm_run 1 "(dd if=/dev/urandom of=/dev/twin0 bs=64k count=480 oflag=direct 2>/dev/null; echo \$? > /tmp/w.rc) > /dev/null 2>&1 &"
deadline=$((SECONDS + 30))
until [ "$(twin_field 1 net-sent)" -gt $((sent0 + (2 << 20))) ]; do
	[ $SECONDS -lt $deadline ] || vm_die "writer made no progress"
	sleep 0.2
done
vm_link_down 2
twin_wait 1 connection "Timeout|Connecting" 10 || vm_die "link failure not noticed"
deadline=$((SECONDS + 120))
until vm_run 1 "test -s /tmp/w.rc"; do
	[ $SECONDS -lt $deadline ] || vm_die "writer stuck after the link failed"
	sleep 0.5
done
[ "$(vm_run 1 "cat /tmp/w.rc")" = 0 ] || vm_die "writes failed while the peer was away"
vm_link_up 2
twin_wait 1 connection "SyncSource|Connected" 20 || vm_die "no reconnect"
twin_wait 2 disk UpToDate 180 || vm_die "peer did not resync"
twin_wait 1 connection Connected 30 || vm_die "resync did not finish"
vm_run 1 "dd if=/dev/urandom of=/dev/twin0 bs=64k count=32 seek=100 oflag=direct 2>/dev/null" ||
	vm_die "write after resync failed"
for g in 1 2; do twin_adm "$g" down r0 || vm_die "guest $g: down failed"; done
s1=$(twin_sum 1 /dev/vda "$size")
s2=$(twin_sum 2 /dev/vda "$size")
vm_log "lower disks after the link failure: $s1 $s2"
[ "$s1" = "$s2" ] || vm_die "lower disks differ after resync"
vm_stop 1
vm_stop 2
vm_log "twin link failure test passed"
