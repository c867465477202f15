#!/bin/bash
# Issue #4 test 4: split brain. The pair is cut, both nodes are promoted
# and write. On reconnect the handshake refuses (SplitBrain, with a
# last-error saying how to resolve it), also after the victim demoted.
# `twinadm connect --discard-my-data r0` on the victim resolves it: the
# victim becomes sync target, the blocks either side wrote are resynced
# from the survivor, and both lower disks end identical, with the
# survivor's data.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

vm_init twin-splitbrain
vm_disk 1 data 128M
vm_disk 2 data 128M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

twin_pair C
size=$(( $(twin_field 1 size-sectors) * 512 ))

for g in 1 2; do twin_adm "$g" disconnect r0 || vm_die "guest $g: disconnect failed"; done
twin_adm 2 primary r0 || vm_die "cannot promote the cut-off Secondary"
# node 1 writes 600 blocks, node 2 writes 400 blocks, 100 of them the same
vm_run 1 "dd if=/dev/urandom of=/dev/twin0 bs=4k count=600 seek=3000 oflag=direct 2>/dev/null" ||
	vm_die "write on node 1 failed"
vm_run 2 "dd if=/dev/urandom of=/dev/twin0 bs=4k count=400 seek=3500 oflag=direct 2>/dev/null" ||
	vm_die "write on node 2 failed"
keep=$(twin_sum 1 /dev/twin0 "$size")
changed=$(( (600 + 300) * 4096 ))

for g in 1 2; do twin_adm "$g" connect r0 || vm_die "guest $g: connect failed"; done
twin_wait 1 connection SplitBrain 30 || vm_die "two Primaries not refused"
twin_adm 2 secondary r0 || vm_die "cannot demote the victim"
twin_wait 2 connection SplitBrain 30 || vm_die "split brain not detected"
deadline=$((SECONDS + 20))
until twin_field 2 last-error | grep -q "discard-my-data"; do
	[ $SECONDS -lt $deadline ] ||
		vm_die "unclear split brain message: '$(twin_field 2 last-error)'"
	sleep 0.3
done
vm_log "refused: $(twin_field 2 last-error)"
[ "$(twin_field 1 connection)" != Connected ] || vm_die "connected despite split brain"

twin_adm 2 connect --discard-my-data r0 || vm_die "connect --discard-my-data failed"
twin_wait 2 disk UpToDate 120 || vm_die "victim not resynced"
twin_wait 1 connection Connected 30 || vm_die "resync did not finish"
resynced=$(twin_field 1 resynced)
vm_log "resynced $resynced bytes; the two nodes changed $changed bytes"
[ "$resynced" -ge "$changed" ] || vm_die "resync missed blocks one side changed"
[ "$resynced" -le $((changed + changed * 3 / 100)) ] ||
	vm_die "resynced far more than both sides changed"
[ "$(twin_field 1 role)" = Primary ] || vm_die "survivor lost its role"

for g in 1 2; do twin_adm "$g" down r0 || vm_die "guest $g: down failed"; done
s1=$(twin_sum 1 /dev/vda "$size")
s2=$(twin_sum 2 /dev/vda "$size")
vm_log "survivor served $keep; lower disks $s1 $s2"
[ "$s1" = "$keep" ] || vm_die "the survivor's data changed"
[ "$s2" = "$keep" ] || vm_die "the victim did not get the survivor's data"
vm_stop 1
vm_stop 2
vm_log "twin split brain test passed"
