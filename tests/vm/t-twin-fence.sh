#!/bin/bash
# fencing resource-only: a Primary that loses its peer holds writes
# instead of completing them alone, until it is told what happened.
#  1. link cut under an O_DIRECT|O_DSYNC writer: writes stall, status
#     shows suspended:fencing; resume-io releases them, the peer resyncs.
#  2. link cut again: fail-io fails the held and new writes with EIO, the
#     writer stops, the device can be demoted; the peer later resyncs it.
#  3. link cut while Primary, then restored: the held writes are sent to
#     the peer and complete; both lower disks end up identical.
# Every write the writer saw acknowledged is verified on the device.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

BLK=$VM_O/tests/blkcheck
[ -x "$BLK" ] || { vm_log "no $BLK: build it first"; exit 77; }
TWIN_FENCING=resource-only

vm_init twin-fence
vm_disk 1 data 64M
vm_disk 2 data 64M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

# acks ROUND: writes the writer of ROUND saw completed so far
acks() {
	vm_run 1 "grep -c '^ack ' /tmp/w$1.log || true"
}

# writer_start ROUND: blkcheck writer on the Primary, in the background
writer_start() {
	vm_run 1 "$BLK write /dev/twin0 $1 4096 600 > /tmp/w$1.log 2> /tmp/w$1.err & echo \$! > /tmp/w$1.pid"
}

# wait_acks ROUND N SECONDS: until the writer of ROUND has N acks
wait_acks() {
	local deadline=$((SECONDS + $3))

	until [ "$(acks "$1")" -ge "$2" ]; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.3
	done
}

# writer_running ROUND: is the writer process still alive?
writer_running() {
	vm_run 1 "kill -0 \$(cat /tmp/w$1.pid) 2>/dev/null"
}

# writer_stop ROUND: stop a writer that is not blocked, wait for its exit
writer_stop() {
	local deadline=$((SECONDS + 30))

	vm_run 1 "kill \$(cat /tmp/w$1.pid)" || true
	while writer_running "$1"; do
		[ $SECONDS -lt $deadline ] || vm_die "writer $1 does not exit"
		sleep 0.3
	done
}

# verify ROUND: every acknowledged write of ROUND is on /dev/twin0
verify() {
	vm_run 1 "$BLK verify /dev/twin0 $1 < /tmp/w$1.log" ||
		vm_die "round $1: acknowledged writes lost"
}

# stalled ROUND SECONDS: no write completes for SECONDS (the hold)
stalled() {
	local n0 end=$((SECONDS + $2))

	n0=$(acks "$1")
	while [ $SECONDS -lt $end ]; do
		[ "$(acks "$1")" = "$n0" ] ||
			vm_die "round $1: writes completed while the peer was lost"
		sleep 0.5
	done
	vm_log "round $1: writer stalled at $n0 writes"
}

# cut ROUND: pull node2's cable under the writer, wait for the hold
cut() {
	writer_start "$1"
	wait_acks "$1" 50 60 || vm_die "round $1: writer makes no progress"
	vm_link_down 2
	twin_wait 1 suspended fencing 15 || vm_die "round $1: I/O not suspended"
	twin_adm 1 status r0 | grep -q 'role:Primary suspended:fencing' ||
		vm_die "round $1: twinadm status does not show the suspension"
	stalled "$1" 3
}

twin_pair C
size=$(( $(twin_field 1 size-sectors) * 512 ))
twin_adm 1 status --verbose r0 | grep -q 'fencing:resource-only' ||
	vm_die "verbose status does not show the fencing policy"

# --- 1: resume-io --------------------------------------------------------
cut 1
n=$(acks 1)
twin_adm 1 resume-io r0 || vm_die "resume-io failed"
wait_acks 1 $((n + 50)) 30 || vm_die "writes do not go on after resume-io"
[ -z "$(twin_field 1 suspended)" ] || vm_die "still suspended after resume-io"
writer_stop 1
verify 1
vm_link_up 2
twin_wait 2 disk UpToDate 180 || vm_die "peer not resynced after resume-io"
twin_wait 1 connection Connected 30 || vm_die "resync did not finish"
vm_log "round 1: resume-io released the writes, the peer resynced"

# --- 2: fail-io ----------------------------------------------------------
cut 2
twin_adm 1 fail-io r0 || vm_die "fail-io failed"
deadline=$((SECONDS + 30))
while writer_running 2; do
	[ $SECONDS -lt $deadline ] || vm_die "writer not released by fail-io"
	sleep 0.3
done
vm_run 1 "grep -q 'Input/output error' /tmp/w2.err" ||
	vm_die "writer did not see EIO: $(vm_run 1 "cat /tmp/w2.err")"
[ "$(twin_field 1 suspended)" = fail-io ] || vm_die "status does not show fail-io"
vm_run 1 "dd if=/dev/zero of=/dev/twin0 bs=4k count=1 oflag=direct 2>/dev/null" &&
	vm_die "a new write succeeded after fail-io"
verify 2
twin_adm 1 secondary r0 || vm_die "cannot demote after fail-io"
[ -z "$(twin_field 1 suspended)" ] || vm_die "still suspended after demotion"
vm_link_up 2
# the failed writes may be on node1's disk only: node1 resyncs from node2
twin_wait 1 connection "SyncTarget|Connected" 30 || vm_die "no reconnect"
twin_wait 1 disk UpToDate 180 || vm_die "node1 not resynced after fail-io"
twin_wait 1 connection Connected 30 || vm_die "resync did not finish"
vm_log "round 2: fail-io failed the writes with EIO, demoted, resynced"

# --- 3: the peer returns while writes are held ---------------------------
twin_adm 1 primary r0 || vm_die "cannot promote node1 again"
cut 3
n=$(acks 3)
vm_link_up 2
twin_wait 1 connection Connected 30 || vm_die "no reconnect while held"
wait_acks 3 $((n + 50)) 30 || vm_die "held writes did not complete on reconnect"
[ -z "$(twin_field 1 suspended)" ] || vm_die "still suspended after reconnect"
[ "$(twin_field 1 peer-disk)" = UpToDate ] || vm_die "peer not UpToDate"
writer_stop 3
verify 3
for g in 1 2; do twin_adm "$g" down r0 || vm_die "guest $g: down failed"; done
s1=$(twin_sum 1 /dev/vda "$size")
s2=$(twin_sum 2 /dev/vda "$size")
vm_log "lower disks after the held writes were replicated: $s1 $s2"
[ "$s1" = "$s2" ] || vm_die "lower disks differ: held writes not replicated"
vm_stop 1
vm_stop 2
vm_log "twin fencing test passed"
