#!/bin/bash
# Drill 4 (issue 7): maintenance. `twinhb standby node1` moves every group
# off node1 under mail load with no acknowledged message lost; `online`
# ends the standby and a switchover brings g1 home again.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"
. "$(dirname "$0")/cluster-lib.sh"

vm_init maintenance
CL_REPORT=$VM_RESULTS/report.txt

cl_start
cl_move 1 150 "$VM_RESULTS/standby.acks" \
	"standby --wait --timeout 60 node1" node2
cl_verify "$VM_RESULTS/standby.acks" 2
twin_wait 1 role Secondary 10 || vm_die "node1 still Primary in standby"
cl_hb 1 online node1 >/dev/null || vm_die "online refused"
cl_move 1001 100 "$VM_RESULTS/back.acks" \
	"switchover --wait --timeout 60 g1 node1" node1
cl_verify "$VM_RESULTS/back.acks" 1
cl_note "report: standby moved g1 with $CL_GAP_MS ms of client downtime at most"
cat "$CL_REPORT"
