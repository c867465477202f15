#!/bin/bash
# The crash-test machinery itself: a writer in a guest streams its
# acknowledgements to the host; after a power failure every acknowledged
# block is on the guest's disk, and the verifier catches a lost one.
set -eu
. "$(dirname "$0")/lib/vm.sh"

bc=$VM_O/tests/blkcheck
vm_init harness-crash
vm_disk 1 data 64M
vm_boot 1

acks=$VM_RESULTS/acks.log
: > "$acks"	# exists before the wait below counts its lines
vm_run -t 120 1 "$bc write /dev/vda 42 8192 60" > "$acks" 2>/dev/null &
runner=$!
deadline=$((SECONDS + 60))
while [ "$(wc -l < "$acks")" -lt 200 ]; do
	[ $SECONDS -lt $deadline ] || vm_die "writer made no progress"
	sleep 0.2
done
vm_kill 1
wait $runner || true
vm_log "$(wc -l < "$acks") writes acknowledged before the power failure"

vm_boot 1
vm_run 1 "$bc verify /dev/vda 42" < /dev/null > /dev/null 2>&1 &&
	vm_die "verify passed with no log (it checks nothing?)"
# The log is on the host: feed it to the verifier inside the guest.
vm_run 1 "cat > /tmp/acks.log << 'EOF_ACKS'
$(cat "$acks")
EOF_ACKS
$bc verify /dev/vda 42 < /tmp/acks.log" || vm_die "acknowledged writes lost"

# And the verifier does notice a lost write.
blk=$(awk '$1 == "ack" { print $2; exit }' "$acks")
vm_run 1 "dd if=/dev/zero of=/dev/vda bs=4096 count=1 seek=$blk oflag=direct conv=notrunc 2>/dev/null"
if vm_run 1 "$bc verify /dev/vda 42 < /tmp/acks.log" > /dev/null; then
	vm_die "verifier missed a zeroed block"
fi
vm_stop 1
