#!/bin/bash
# twinhb on loopback: two storage nodes and a witness as three processes,
# the group commands pointed at fake-cmd, which records them.
#  - start-up: each group starts on its preferred node, steps in order
#  - status shows both heartbeat paths of each member up
#  - kill -9 of node1: node2 takes g1 over within deadtime + delay + margin
#  - node1 returns: it rejoins as standby, g1 stays on node2
#  - failback is refused while node1 is not UpToDate; then switchover back
#    releases on node2 before node1 takes over
#  - standby NODE moves all its groups; online keeps them where they are
#  - events stream and notification hook see the transitions
#  - a configuration error names file, line and problem
set -u
. "$(dirname "$0")/twinhb/lib.sh"
hb_setup

# configuration errors are reported with file and line, and refused
printf 'interval 200ms;\nnode a { adress 1.2.3.4; }\n' > "$T/bad.conf"
out=$("$TWINHB" -c "$T/bad.conf" check 2>&1) && hb_fail "bad config accepted"
[ "$out" = "twinhb: $T/bad.conf:2: unknown keyword 'adress' in node a (expected 'address')" ] ||
	hb_fail "unexpected config error: $out"
"$TWINHB" -c "$T/node1.conf" check > /dev/null || hb_fail "good config refused"

hb_start node1
hb_start node2
hb_start w1
hb_ctl node2 events > "$T/events.out" 2>&1 &
echo $! > "$T/events.pid"

hb_wait 10 "g1 on node1" hb_runs_on node2 g1 node1
hb_wait 10 "g2 on node2" hb_runs_on node1 g2 node2

# steps in order: promote, fsck, mount, slots
grep '^node1 ' "$T/actions.log" | grep -v slotd > "$T/n1.start"
cat > "$T/n1.expect" <<EOF2
node1 twinadm primary r0
node1 fsck -t ext4 -p /dev/twin0
node1 mount -t ext4 /dev/twin0 $T/mnt/g1
EOF2
diff -u "$T/n1.expect" "$T/n1.start" || hb_fail "node1 takeover steps"
[ "$(grep -c '^node1 slotd ' "$T/actions.log")" = 2 ] ||
	hb_fail "node1 should run two slotd"
grep -q '^node1 .* g2\|^node1 twinadm primary r1' "$T/actions.log" &&
	hb_fail "node1 touched g2"

# status: every path of every member up, quorum 3 of 3
[ "$(hb_json node1 "sum(p['up'] for n in s['nodes'] for p in n['paths'])")" = 4 ] ||
	hb_fail "node1 does not see 4 paths up"
q=$(hb_json node1 "s['quorum'], s['votes']"); [ "$q" = "True 3" ] ||
	hb_fail "node1 quorum: $q"
hb_ctl node1 status | grep -q '^  g1  *node1  *node1  *RUNNING UpToDate  *STOPPED UpToDate' ||
	hb_fail "text status of g1: $(hb_ctl node1 status)"

# unplanned failover
: > "$T/actions.log"
t0=$(hb_ms)
hb_kill9 node1
hb_wait 8 "node2 takes g1 over" hb_runs_on node2 g1 node2
dt=$(( $(hb_ms) - t0 ))
echo "failover of g1 after kill -9: ${dt} ms (deadtime 3000 ms + takeover-delay 1000 ms)"
[ "$dt" -ge 3000 ] || hb_fail "took over before the deadtime (${dt} ms)"
grep -q '^node2 twinadm primary r0$' "$T/actions.log" || hb_fail "no promote on node2"
# fencing: node2 kept running g2 with quorum, so the writes twin.ko may
# hold for r1 are released; r0 it just promoted had nothing held
hb_wait 5 "node2 resumes r1 I/O" hb_did "node2 twinadm resume-io r1"
hb_did "node2 twinadm resume-io r0" && hb_fail "resume-io r0 after a takeover"
[ "$(grep -c '^node2 twinadm resume-io r1$' "$T/actions.log")" = 1 ] ||
	hb_fail "resume-io r1 not run exactly once"
[ "$(hb_json node2 "s['nodes'][0]['alive']")" = False ] || hb_fail "node1 still alive"

# node1 returns: standby, g1 stays on node2
hb_start node1
hb_wait 10 "node1 sees node2" eval '[ "$(hb_json node1 "s[\"nodes\"][1][\"alive\"]")" = True ]'
hb_wait 10 "node1 learns g1 runs on node2" hb_runs_on node1 g1 node2
hb_runs_on node2 g1 node2 || hb_fail "g1 moved back by itself"
grep -q '^node1 twinadm primary r0$' "$T/actions.log" && hb_fail "node1 promoted r0 after rejoining"

# failback is refused while node1 is still resyncing (not UpToDate)
echo Inconsistent > "$T/node1.r0.disk"
hb_wait 10 "node2 sees r0 not UpToDate on node1" \
	eval '[ "$(hb_json node2 "s[\"groups\"][0][\"on\"][\"node1\"][\"disk\"]")" = not-UpToDate ]'
hb_ctl node2 switchover g1 2> "$T/err" && hb_fail "switchover to a resyncing node accepted"
grep -q 'resource of group g1 is not UpToDate on node1 (resync first)' "$T/err" ||
	hb_fail "switchover error: $(cat "$T/err")"
rm "$T/node1.r0.disk"
hb_wait 10 "node2 sees r0 UpToDate on node1" \
	eval '[ "$(hb_json node2 "s[\"groups\"][0][\"on\"][\"node1\"][\"disk\"]")" = UpToDate ]'

# failback with switchover: node2 releases in reverse order, then node1
: > "$T/actions.log"
hb_ctl node1 switchover --wait --timeout 20 g1 > "$T/sw.out" ||
	hb_fail "switchover: $(cat "$T/sw.out")"
grep -q 'g1 runs on node1' "$T/sw.out" || hb_fail "switchover output"
grep -v slotd "$T/actions.log" > "$T/sw.actions"
cat > "$T/sw.expect" <<EOF2
node2 umount $T/mnt/g1
node2 twinadm secondary r0
node1 twinadm primary r0
node1 fsck -t ext4 -p /dev/twin0
node1 mount -t ext4 /dev/twin0 $T/mnt/g1
EOF2
diff -u "$T/sw.expect" "$T/sw.actions" || hb_fail "switchover order"
# both slots of node2 stopped (SIGTERM, exited) before the umount
umount_line=$(grep -n '^node2 umount' "$T/actions.log" | cut -d: -f1)
[ "$(head -n "$umount_line" "$T/actions.log" | grep -c '^node2 slotd-exit')" = 2 ] ||
	hb_fail "slotd not stopped before umount"
hb_ctl node2 switchover g1 node1 2> "$T/err" && hb_fail "switchover to the owner accepted"
grep -q 'already runs on node1' "$T/err" || hb_fail "error: $(cat "$T/err")"

# standby node2: g2 goes to node1 and stays after online
hb_ctl node1 standby --wait --timeout 20 node2 > /dev/null || hb_fail "standby node2"
hb_wait 5 "node2 sees g2 on node1" hb_runs_on node2 g2 node1
hb_ctl node2 online node2 > /dev/null || hb_fail "online node2"
hb_wait 10 "node1 sees node2 online" eval '[ "$(hb_json node1 "s[\"nodes\"][1][\"standby\"]")" = False ]'
hb_runs_on node1 g2 node1 || hb_fail "g2 left node1 after online"
hb_ctl node2 switchover --wait --timeout 20 g2 > /dev/null || hb_fail "switch g2 back"

# events and hook saw it all
grep -q ' group g1 node2 STOPPED -> STARTING (peer is dead and this node has quorum)' "$T/events.out" ||
	hb_fail "events stream: $(cat "$T/events.out")"
grep -q '^node  node1 up down$' "$T/hook.log" || hb_fail "hook: node1 down"
grep -q '^group g1 node2 STARTING RUNNING$' "$T/hook.log" || hb_fail "hook: g1 on node2"
grep -q '^standby  node2 online standby$' "$T/hook.log" || hb_fail "hook: standby"

# SIGTERM on node2: releases g2, node1 takes it over, node2 exits
kill -TERM "$(cat "$T/node2.pid")"
hb_wait 15 "node1 takes g2 after node2 stops" hb_runs_on node1 g2 node1
hb_wait 15 "node2 exits" eval '! kill -0 $(cat "$T/node2.pid")'
hb_pass
