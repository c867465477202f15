#!/bin/bash
# Heartbeat authentication on loopback: genuine heartbeats of node1 to
# node2 are captured on lo and sent again (spoofing node1's address with a
# raw socket) while node1 is alive and after it is killed; tampered copies
# too. node2 must reject every one, and replays must not keep a dead node1
# alive: node2 still takes over within deadtime + takeover-delay + margin.
set -u
. "$(dirname "$0")/twinhb/lib.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for raw sockets"; exit 77; }
hb_setup
REPLAY=$(dirname "$0")/twinhb/replay.py

hb_start node1
hb_start node2
hb_start w1
hb_wait 10 "g1 on node1" hb_runs_on node2 g1 node1

rejected() {
	hb_json node2 "s['nodes'][0]['rejected']"
}

n=$(python3 "$REPLAY" capture "$P1" "$P2" 20 "$T/captured") ||
	hb_fail "captured only $n heartbeats"
[ "$(rejected)" = 0 ] || hb_fail "rejections before any replay"

# replay while node1 is alive: all rejected, and logged
sent=$(python3 "$REPLAY" send "$P1" "$P2" "$T/captured" 0)
[ "$sent" = 20 ] || hb_fail "sent $sent"
hb_wait 10 "node2 rejects the 20 replays" eval '[ "$(rejected)" -ge 20 ]'
[ "$(rejected)" = 20 ] || hb_fail "rejected $(rejected) of 20"
grep -q 'rejected heartbeat from node1 on path 0: sequence number \(already seen\|too old\)' \
	"$T/node2.log" || hb_fail "no replay rejection in the log"

# tampered packets fail the MAC
python3 "$REPLAY" send "$P1" "$P2" "$T/captured" 0 tamper > /dev/null
hb_wait 10 "node2 rejects 20 tampered packets" eval '[ "$(rejected)" -ge 40 ]'

# node1 dies while an attacker replays its heartbeats for 4 s
: > "$T/actions.log"
python3 "$REPLAY" send "$P1" "$P2" "$T/captured" 5 > "$T/sent" &
echo $! > "$T/replay.pid"
t0=$(hb_ms)
hb_kill9 node1
hb_wait 8 "node2 takes g1 over despite replays" hb_runs_on node2 g1 node2
dt=$(( $(hb_ms) - t0 ))
echo "failover under replay: ${dt} ms"
wait "$(cat "$T/replay.pid")"
rm -f "$T/replay.pid"
[ "$(rejected)" -ge $(( 40 + $(cat "$T/sent") )) ] ||
	hb_fail "only $(rejected) rejected, $(cat "$T/sent") replayed after the first 40"
[ "$(hb_json node2 "s['nodes'][0]['alive']")" = False ] || hb_fail "node1 kept alive"
hb_pass
