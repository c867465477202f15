#!/bin/bash
# Power failure of the Primary while a writer runs on ext4 over twin0
# (protocol C): the Secondary is promoted, the file system passes fsck -n
# after journal replay, and every write the writer saw complete is there.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

vm_init twin-crash
vm_disk 1 data 128M
vm_disk 2 data 128M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

twin_pair C
cp "$VM_O/tests/blkcheck" "$VM_RESULTS/blkcheck" || vm_die "no blkcheck"
bc=$VM_RESULTS/blkcheck
vm_run 1 "mkfs.ext4 -q /dev/twin0 && mkdir -p /mnt/t && mount /dev/twin0 /mnt/t" ||
	vm_die "mkfs/mount on twin0 failed"

acks=$VM_RESULTS/acks.log
: > "$acks"	# exists before the wait below counts its lines
vm_run -t 120 1 "$bc files /mnt/t 7 90" > "$acks" 2>/dev/null &
runner=$!
deadline=$((SECONDS + 90))
while [ "$(grep -c '^ack' "$acks")" -lt 150 ]; do
	[ $SECONDS -lt $deadline ] || vm_die "writer made no progress"
	sleep 0.2
done
vm_kill 1
wait $runner || true
vm_log "$(grep -c '^ack' "$acks") writes acknowledged before the power failure"

twin_wait 2 connection "Timeout|Connecting|BrokenPipe|NetworkFailure" 10 ||
	vm_die "Secondary did not notice the dead Primary"
twin_adm 2 primary r0 || vm_die "cannot promote the surviving Secondary"
vm_run 2 "mkdir -p /mnt/t && mount /dev/twin0 /mnt/t && umount /mnt/t" ||
	vm_die "cannot mount the replica (journal replay)"
vm_run 2 "fsck.ext4 -n -f /dev/twin0" || vm_die "fsck -n found errors on the replica"
vm_run 2 "mount /dev/twin0 /mnt/t && cat > /tmp/acks.log << 'EOF_ACKS'
$(cat "$acks")
EOF_ACKS
$bc verify-files /mnt/t 7 < /tmp/acks.log" || vm_die "acknowledged writes missing on the replica"
vm_run 2 "umount /mnt/t" || vm_die "umount failed"
twin_adm 2 down r0 || vm_die "down failed"
vm_stop 2
vm_log "twin crash test passed"
