#!/bin/bash
# Drills 1 and 2 (issue 7): unplanned failover, then rejoin and failback.
#  1. The host delivers numbered messages over LMTP to the virtual IP of
#     group g1; node1 (primary) loses power mid-stream; node2 takes over;
#     every message that got a 250 is present and intact (POP3 check and
#     slotctl audit). Reported: power-off to first delivery on node2.
#  2. node1 comes back, resyncs and rejoins as standby; twinhb switchover
#     moves g1 back under load. Reported: client-visible downtime.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"
. "$(dirname "$0")/cluster-lib.sh"

vm_init failover
CL_REPORT=$VM_RESULTS/report.txt

cl_start
cl_power_failover 1 200 "$VM_RESULTS/drill1.acks"
cl_rejoin
cl_move 1001 150 "$VM_RESULTS/drill2.acks" \
	"switchover --wait --timeout 60 g1 node1" node1
cl_note "report: failover $CL_FAILOVER_MS ms, switchover downtime $CL_GAP_MS ms"
cat "$CL_REPORT"
