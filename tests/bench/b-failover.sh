#!/bin/bash
# Failover benchmark (issue 7): on the drills' three-guest cluster, the
# time from pulling node1's power plug to the first mail delivered on
# node2, and the longest wait a client sees during a planned switchover;
# median of BENCH_RUNS runs, with twinhb's default timings and with the
# fastest timings we consider safe, next to the dead times of keepalived's
# and heartbeat's defaults.
set -eu
. "$(dirname "$0")/../vm/lib/vm.sh"
. "$(dirname "$0")/../vm/twin-lib.sh"
. "$(dirname "$0")/../vm/cluster-lib.sh"

RUNS=${BENCH_RUNS:-3}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# run_timings NAME TIMINGS: prints "failover_median switchover_median".
run_timings() {
	local name=$1 i fo=() sw=()

	CL_HB_TIMINGS=$2
	VM_RESULTS=$VM_O/test-results/vm/bench-failover-$name
	# Only the figures go to stdout: the steps' chatter goes to the log.
	{
		vm_init "bench-failover-$name"
		cl_start
		for i in $(seq "$RUNS"); do
			cl_power_failover $((i * 1000)) 60 "$VM_RESULTS/fo$i.acks"
			fo+=("$CL_FAILOVER_MS")
			cl_rejoin
			cl_move $((i * 1000 + 500)) 40 "$VM_RESULTS/sw$i.acks" \
				"switchover --wait --timeout 60 g1 node1" node1
			sw+=("$CL_GAP_MS")
		done
	} >&2
	echo "$(printf '%s\n' "${fo[@]}" | median) $(printf '%s\n' "${sw[@]}" | median)"
	vm_cleanup_now
}

vm_cleanup_now() {
	local g

	for g in $VM_GUESTS; do vm_kill "$g"; done
	ip netns del "$VM_NS" 2>/dev/null || true
	rm -rf "$VM_RUN"
	trap - EXIT
}

def=$(run_timings default "interval 200ms; deadtime 2s;")
fast=$(run_timings fast "interval 100ms; deadtime 600ms; fence-timeout 1500ms;")

printf 'Failover benchmark (3 QEMU guests under TCG, median of %d runs)\n' "$RUNS"
printf '%-44s %14s %14s\n' "" "power-off->mail" "switchover gap"
printf '%-44s %11s ms %11s ms\n' \
	"twinhb defaults (200ms / dead 2s / fence 3s)" $def \
	"twinhb fast (100ms / dead 600ms / fence 1.5s)" $fast
printf '%-44s %11s ms\n' \
	"keepalived default dead time (3 x 1s adverts)" 3000 \
	"heartbeat (sample ha.cf) deadtime" 30000
