#!/bin/bash
# Drill 3 (issue 7): the link between the two storage nodes breaks while
# the witness still reaches one side only. The host asks both nodes for
# their twin role every 100 ms: never two Primaries. Mail keeps flowing
# to the virtual IP, and after the partition heals every acknowledged
# message is there.
#  A. node2 is cut off from node1 and the witness: node1 keeps g1, node2
#     (no quorum) must not promote.
#  B. node1 is cut off from node2 and the witness: node1 loses quorum,
#     stops and demotes; node2 (with the witness) takes g1 over. With
#     fencing resource-only node1 holds the writes it cannot replicate and
#     twinhb fails them (fail-io), so nothing it acknowledged is lost.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"
. "$(dirname "$0")/cluster-lib.sh"

vm_init partition
CL_REPORT=$VM_RESULTS/report.txt
ROLEWATCH=$VM_REPO/tests/vm/tools/rolewatch.py

# cut G ADDR...: guest G stops talking to those addresses (both ways, as
# the peers get the same treatment).
cut() {
	local g=$1 a

	shift
	for a in "$@"; do
		vm_run "$g" "ip route add blackhole $a/32"
	done
}

heal() {
	local g

	for g in 1 2 3; do
		vm_run "$g" "ip route show type blackhole | while read -r _ a _; do ip route del blackhole \$a; done"
	done
}

# watch SECONDS NAME: role samples in the background; sets WATCH_PID.
watch() {
	vm_host python3 "$ROLEWATCH" watch "$1" "$VM_RESULTS/roles-$2.log" \
		"$(vm_ip 1):7799" "$(vm_ip 2):7799" > "$VM_RESULTS/roles-$2.out" 2>&1 &
	WATCH_PID=$!
}

cl_start
for g in 1 2; do
	vm_run "$g" "python3 $ROLEWATCH serve 7799 $TWIN_STATUS > /var/log/rolewatch.log 2>&1 &"
done

# --- A: node2 isolated ---------------------------------------------------
watch 40 A
cl_deliver 1 300 "$VM_RESULTS/A.acks"
cl_wait_acks "$VM_RESULTS/A.acks" 20 120 || vm_die "deliveries do not progress"
cut 1 "$(vm_ip 2)"
cut 2 "$(vm_ip 1)" "$(vm_ip 3)"
cut 3 "$(vm_ip 2)"
cl_note "A: node2 cut off from node1 and the witness"
twin_wait 1 connection Connecting 30 || vm_die "node1 did not notice the partition"
n0=$(cl_acks "$VM_RESULTS/A.acks")
cl_wait_acks "$VM_RESULTS/A.acks" $((n0 + 20)) 60 ||
	vm_die "node1 stopped serving mail while it keeps quorum"
[ "$(twin_field 2 role)" = Secondary ] || vm_die "isolated node2 promoted itself"
heal
cl_note "A: healed"
twin_wait 2 disk UpToDate 300 || vm_die "node2 did not resync after the partition"
wait "$CL_DELIVER_PID" || vm_die "delivery client gave up"
wait "$WATCH_PID" || vm_die "two Primaries at once: $(cat "$VM_RESULTS/roles-A.out")"
cl_note "A: $(cat "$VM_RESULTS/roles-A.out")"
cl_verify "$VM_RESULTS/A.acks" 1

# --- B: node1 isolated ---------------------------------------------------
watch 60 B
cl_deliver 1001 300 "$VM_RESULTS/B.acks"
cl_wait_acks "$VM_RESULTS/B.acks" 20 120 || vm_die "deliveries do not progress"
cut 1 "$(vm_ip 2)" "$(vm_ip 3)"
cut 2 "$(vm_ip 1)"
cut 3 "$(vm_ip 1)"
cl_note "B: node1 cut off from node2 and the witness"
cl_wait_owner 2 node2 60 || vm_die "node2 did not take g1 over"
twin_wait 1 role Secondary 30 || vm_die "node1 did not demote without quorum"
heal
cl_note "B: healed"
wait "$CL_DELIVER_PID" || vm_die "delivery client gave up"
wait "$WATCH_PID" || vm_die "two Primaries at once: $(cat "$VM_RESULTS/roles-B.out")"
cl_note "B: $(cat "$VM_RESULTS/roles-B.out")"
cl_verify "$VM_RESULTS/B.acks" 2
cat "$CL_REPORT"
