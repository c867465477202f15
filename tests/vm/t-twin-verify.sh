#!/bin/bash
# Online verify (issue #4, test 5). A connected UpToDate pair verifies as
# identical, also while the Primary writes (from either node: the racing
# writes are never reported). Then one 4 KiB block of the Secondary's
# lower disk is overwritten behind the module's back: verify reports
# exactly that block, disconnect/connect resyncs it, a second verify
# reports zero. A verify cut by a disconnect stops cleanly; one started on
# the Secondary marks its bad block for the Primary to resync. At the end
# both lower disks are identical.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

BAD_BLOCK=1000			# 4 KiB blocks corrupted on guest 2's disk
BAD_BLOCK2=2000
WRITER_OFFSET=32M		# the writer stays inside [32M, 48M)
WRITER_SIZE=16M

vm_init twin-verify
vm_disk 1 data 64M
vm_disk 2 data 64M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

vm_collect() {
	vm_run "$1" "cat $TWIN_STATUS; dmesg --color=never | grep twin | tail -40"
}

twin_pair C
size=$(( $(twin_field 1 size-sectors) * 512 ))
[ "$size" -gt $((48 << 20)) ] || vm_die "device too small: $size bytes"

finished() {
	vm_run "$1" "dmesg --color=never | grep -c 'verify finished'" || true
}

# run_verify G: verify from guest G, wait for the end on both nodes,
# check it ran to the end, and print the blocks it found.
run_verify() {
	local g=$1 other=$((3 - $1)) n0 n oos_peer oos

	n0=$(finished "$g")
	twin_adm "$g" verify r0 || vm_die "guest $g: verify refused"
	twin_wait "$g" connection Connected 300 >&2 ||
		vm_die "guest $g: verify did not end"
	twin_wait "$other" connection Connected 30 >&2 ||
		vm_die "guest $other: still verifying after the source ended"
	n=$(finished "$g")
	[ "$n" -gt "$n0" ] || vm_die "guest $g: verify stopped before the end"
	oos=$(twin_field "$g" verify-oos)
	oos_peer=$(twin_field "$other" verify-oos)
	[ "$oos" = "$oos_peer" ] ||
		vm_die "verify-oos differs: guest $g $oos, guest $other $oos_peer"
	echo "$oos"
}

# start_writer: random 4 KiB writes on the Primary; returns once they run.
start_writer() {
	local w0 deadline=$((SECONDS + 60))

	w0=$(twin_field 1 disk-write)
	vm_run 1 "fio --name=w --filename=/dev/twin0 --rw=randwrite --bs=4k --direct=1 --ioengine=psync --offset=$WRITER_OFFSET --size=$WRITER_SIZE --time_based --runtime=900 > /tmp/fio.log 2>&1 & echo \$! > /tmp/fio.pid" ||
		vm_die "cannot start the writer"
	until [ "$(twin_field 1 disk-write)" -gt $((w0 + (64 << 10))) ]; do
		[ $SECONDS -lt $deadline ] || vm_die "the writer does not write"
		sleep 0.3
	done
}

stop_writer() {
	vm_run 1 "kill \$(cat /tmp/fio.pid); while kill -0 \$(cat /tmp/fio.pid) 2>/dev/null; do sleep 0.2; done" ||
		vm_die "cannot stop the writer"
}

# 1. Identical pair, no load; a listener sees progress and the end.
vm_run 1 "$TWINADM -c $TWIN_CONF events --timeout 200 r0 > /tmp/ev 2>&1 &"
deadline=$((SECONDS + 20))
until vm_run 1 "grep -q exists /tmp/ev"; do
	[ $SECONDS -lt $deadline ] || vm_die "twinadm events printed nothing"
	sleep 0.3
done
t0=$SECONDS
oos=$(run_verify 1)
took=$((SECONDS - t0))
vm_log "verify of the identical pair: $oos blocks, about $took s"
[ "$oos" = 0 ] || vm_die "identical pair: verify found $oos blocks"
progress=$(vm_run 1 "grep -c 'sync-progress r0 .*connection:VerifyS.* verify-done:' /tmp/ev" || true)
vm_log "sync-progress events during the verify: $progress"
if [ "$took" -ge 4 ] && [ "$progress" -lt 1 ]; then
	vm_die "no progress events during a verify of $took s"
fi
vm_run 1 "grep -q 'change r0 .*connection:VerifyS' /tmp/ev && grep -q 'change r0 .*connection:Connected' /tmp/ev" ||
	vm_die "no change events for the start and the end: $(vm_run 1 "cat /tmp/ev")"

# 2. Identical pair while the Primary writes: from the Primary (it locks
#    its own writes) and from the Secondary (the Primary locks for it).
start_writer
for g in 1 2; do
	w0=$(twin_field 1 disk-write)
	oos=$(run_verify "$g")
	w1=$(twin_field 1 disk-write)
	vm_log "verify from guest $g under writes ($(( (w1 - w0) >> 10 )) KiB written meanwhile): $oos blocks"
	[ "$w1" -gt "$w0" ] || vm_die "the writer made no progress during the verify"
	[ "$oos" = 0 ] || vm_die "verify from guest $g reported $oos racing writes as differences"
done

# 3. One corrupt block on the Secondary's lower disk, writer still running.
vm_run 2 "dd if=/dev/urandom of=/dev/vda bs=4096 seek=$BAD_BLOCK count=1 oflag=direct conv=notrunc 2>/dev/null" ||
	vm_die "cannot corrupt the lower disk"
oos=$(run_verify 1)
vm_log "verify after corrupting block $BAD_BLOCK: $oos blocks"
[ "$oos" = 1 ] || vm_die "verify found $oos blocks, expected exactly 1"
vm_run 1 "dmesg --color=never | grep -q 'verify: block at sector $((BAD_BLOCK * 8)) differs'" ||
	vm_die "the block reported is not the corrupted one"
st=$(twin_adm 1 status r0) || vm_die "status failed"
[[ "$st" =~ verify.*\ 1\ out\ of\ sync ]] ||
	vm_die "twinadm status does not show the verify result: $st"
oos_kib=$(twin_field 1 out-of-sync)
if [ -n "$oos_kib" ]; then
	[ "$oos_kib" = 4 ] || vm_die "out-of-sync is $oos_kib KiB, expected 4"
else
	vm_die "no out-of-sync line in the status (bitmap status missing)"
fi

# 4. The connection goes away in the middle of a verify (writer still
#    running): the verify stops cleanly on both nodes, writes go on.
twin_adm 1 "verify r0 && $TWINADM -c $TWIN_CONF disconnect r0" ||
	vm_die "verify + disconnect failed"
vm_run 1 "dmesg --color=never | grep -q 'verify stopped at sector'" ||
	vm_die "the verify did not stop on the disconnect"
twin_wait 1 connection StandAlone 10 || vm_die "not StandAlone"
twin_wait 2 connection "Connecting|Unconnected|BrokenPipe|TearDown" 30 ||
	vm_die "peer still verifying after the disconnect"
for g in 1 2; do
	[ -z "$(twin_field "$g" verify)" ] ||
		vm_die "guest $g: verify line left after the disconnect"
done
w0=$(twin_field 1 disk-write)
deadline=$((SECONDS + 30))
until [ "$(twin_field 1 disk-write)" -gt "$w0" ]; do
	[ $SECONDS -lt $deadline ] || vm_die "writes stuck after the verify stopped"
	sleep 0.3
done
stop_writer

# 5. Errors: no verify without a connection.
if out=$(twin_adm 1 verify r0 2>&1); then
	vm_die "verify while disconnected was accepted"
fi
vm_log "verify while disconnected: $out"
[[ "$out" == *"not connected"* ]] || vm_die "unclear error: $out"

# 6. Reconnect: the marked block (and the writes while disconnected) are
#    resynced.
twin_adm 1 connect r0 || vm_die "connect failed"
twin_wait 1 connection Connected 60 || vm_die "no reconnect"
twin_wait 2 disk UpToDate 60 || vm_die "guest 2 not UpToDate after the resync"
twin_wait 1 out-of-sync 0 30 || vm_die "block still out of sync after the resync"
twin_wait 2 out-of-sync 0 30 || vm_die "peer: block still out of sync after the resync"
oos=$(run_verify 2)
vm_log "verify after the resync: $oos blocks"
[ "$oos" = 0 ] || vm_die "verify after the resync found $oos blocks"

# 7. Verify started on the Secondary, whose own copy is the bad one: the
#    block is marked there, the bitmap exchange at the next connect hands
#    it to the Primary, which resyncs it.
vm_run 2 "dd if=/dev/urandom of=/dev/vda bs=4096 seek=$BAD_BLOCK2 count=1 oflag=direct conv=notrunc 2>/dev/null" ||
	vm_die "cannot corrupt the lower disk"
oos=$(run_verify 2)
vm_log "verify from the Secondary after corrupting block $BAD_BLOCK2: $oos blocks"
[ "$oos" = 1 ] || vm_die "verify found $oos blocks, expected exactly 1"
vm_run 2 "dmesg --color=never | grep -q 'verify: block at sector $((BAD_BLOCK2 * 8)) differs'" ||
	vm_die "the block reported is not the corrupted one"
twin_wait 2 out-of-sync 4 10 || vm_die "the block is not marked out of sync"
twin_adm 2 disconnect r0 || vm_die "disconnect failed"
twin_adm 2 connect r0 || vm_die "connect failed"
twin_wait 2 connection Connected 60 || vm_die "no reconnect"
twin_wait 2 disk UpToDate 60 || vm_die "guest 2 not UpToDate after the resync"
twin_wait 1 out-of-sync 0 30 || vm_die "block still out of sync after the resync"
twin_wait 2 out-of-sync 0 30 || vm_die "peer: block still out of sync after the resync"
oos=$(run_verify 1)
vm_log "verify after the second resync: $oos blocks"
[ "$oos" = 0 ] || vm_die "verify after the second resync found $oos blocks"

for g in 1 2; do twin_adm "$g" down r0 || vm_die "guest $g: down failed"; done
for g in 1 2; do vm_run "$g" "echo 3 > /proc/sys/vm/drop_caches"; done
s1=$(twin_sum 1 /dev/vda "$size")
s2=$(twin_sum 2 /dev/vda "$size")
vm_log "lower disks: $s1 $s2"
[ "$s1" = "$s2" ] || vm_die "lower disks differ after verify and resync"
for g in 1 2; do vm_run "$g" "rmmod twin" || vm_die "guest $g: rmmod failed"; done
vm_stop 1
vm_stop 2
vm_log "twin verify test passed"
