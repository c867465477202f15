#!/bin/bash
# A failing takeover step on loopback: mount fails on node1, so node1 stops
# its takeover of g1, undoes the promotion, marks g1 FAILED (status says
# why) and node2 takes g1 instead; `twinhb cleanup g1` clears the failure
# without moving g1 back.
set -u
. "$(dirname "$0")/twinhb/lib.sh"
hb_setup
touch "$T/node1.fail-mount"

hb_start node1
hb_start node2
hb_start w1
hb_wait 10 "node2 takes g1 after node1 failed" hb_runs_on node1 g1 node2
grep '^node1 ' "$T/actions.log" > "$T/n1.actions"
cat > "$T/n1.expect" <<EOF2
node1 twinadm primary r0
node1 fsck -t ext4 -p /dev/twin0
node1 mount -t ext4 /dev/twin0 $T/mnt/g1
node1 twinadm secondary r0
EOF2
diff -u "$T/n1.expect" "$T/n1.actions" || hb_fail "node1 steps and rollback"
hb_ctl node1 status | grep -q 'FAILED here: mount failed: exit status 1: mount: simulated failure' ||
	hb_fail "status: $(hb_ctl node1 status)"
grep -q 'group g1: step mount failed: mount failed: exit status 1' "$T/node1.log" ||
	hb_fail "no clear log of the failed step"
[ "$(hb_json node1 "s['groups'][0]['on']['node1']['state']")" = FAILED ] ||
	hb_fail "g1 not FAILED on node1"

# cleanup clears the failure; g1 stays on node2 until a switchover
rm -f "$T/node1.fail-mount"
hb_ctl node1 cleanup g1 > /dev/null || hb_fail "cleanup"
[ "$(hb_json node1 "s['groups'][0]['on']['node1']['state']")" = STOPPED ] ||
	hb_fail "g1 not STOPPED on node1 after cleanup"
hb_ctl node1 cleanup g1 2> "$T/err" && hb_fail "second cleanup accepted"
grep -q 'group g1 is STOPPED here, not FAILED' "$T/err" || hb_fail "cleanup error: $(cat "$T/err")"
hb_runs_on node1 g1 node2 || hb_fail "g1 moved after cleanup"
hb_ctl node1 switchover --wait --timeout 20 g1 > /dev/null || hb_fail "failback to node1"
hb_wait 10 "node2 sees g1 on node1" hb_runs_on node2 g1 node1
hb_pass
