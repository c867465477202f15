#!/bin/bash
# Network partition, in network namespaces created here: node1, node2 and
# the witness w1 each in a namespace, joined by a bridge. g1 runs on node1.
# First only the node1-node2 link fails (blackhole routes): both still hear
# the witness, which hears both, so nothing moves. Then node1's link goes down, so it sees neither node2 nor the witness. node1
# loses quorum and must stop g1 and demote *before* node2 (which still sees
# the witness) promotes; node2 then takes g1 over. When the link comes back
# node1 rejoins as standby and g1 stays on node2. The commands are fake-cmd
# doubles writing to one shared log, so its order is the order of events.
set -u
. "$(dirname "$0")/twinhb/lib.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
hb_setup

BR=thbr$$
NS=(thn1$$ thn2$$ thw$$)
NAMES=(node1 node2 w1)
ADDR=(10.98.0.1 10.98.0.2 10.98.0.3)

net_cleanup() {
	local n
	for n in "${NS[@]}" "$BR"; do
		ip netns del "$n" 2>/dev/null
	done
	hb_cleanup
}
trap net_cleanup EXIT

ip netns add "$BR" || { echo "SKIP: cannot create a network namespace"; exit 77; }
ip -n "$BR" link add br0 type bridge && ip -n "$BR" link set br0 up || hb_fail "bridge"
for i in 0 1 2; do
	ip netns add "${NS[$i]}" || hb_fail "netns ${NS[$i]}"
	ip -n "${NS[$i]}" link set lo up
	ip -n "$BR" link add "p$i" type veth peer name eth0 netns "${NS[$i]}" ||
		hb_fail "veth $i"
	ip -n "$BR" link set "p$i" master br0 up
	ip -n "${NS[$i]}" addr add "${ADDR[$i]}/24" dev eth0
	ip -n "${NS[$i]}" link set eth0 up
	# one heartbeat path, on the bridged network
	sed -i "s|address 127.0.0.1:[0-9]*, 127.0.0.2:[0-9]*;|ADDR;|" "$T/${NAMES[$i]}.conf"
done
for n in node1 node2 w1; do
	sed -i "/^node node1/s|ADDR|address ${ADDR[0]}|; /^node node2/s|ADDR|address ${ADDR[1]}|; /^witness w1/s|ADDR|address ${ADDR[2]}|" "$T/$n.conf"
done
grep -q "address ${ADDR[2]};" "$T/node1.conf" || hb_fail "config rewrite: $(cat "$T/node1.conf")"

start_in() {
	local i=$1 w=
	[ "${NAMES[$i]}" = w1 ] && w=--witness
	ip netns exec "${NS[$i]}" "$TWINHB" -f $w -c "$T/${NAMES[$i]}.conf" \
		-S "$T/${NAMES[$i]}.sock" --node "${NAMES[$i]}" \
		>> "$T/${NAMES[$i]}.log" 2>&1 &
	echo $! > "$T/${NAMES[$i]}.pid"
	hb_wait 10 "${NAMES[$i]} control socket" test -S "$T/${NAMES[$i]}.sock"
}
start_in 0
start_in 1
start_in 2
hb_wait 15 "g1 on node1" hb_runs_on node2 g1 node1
hb_wait 15 "g2 on node2" hb_runs_on node1 g2 node2

# only the link between the storage nodes fails; both still hear the
# witness, which still hears both: nobody takes anything over
: > "$T/actions.log"
ip -n "${NS[0]}" route add blackhole "${ADDR[1]}/32"
ip -n "${NS[1]}" route add blackhole "${ADDR[0]}/32"
hb_wait 10 "node1 loses node2" eval '[ "$(hb_json node1 "s[\"nodes\"][1][\"alive\"]")" = False ]'
hb_never 5 "a takeover while only the node-to-node link is down" \
	grep -q 'primary\|secondary' "$T/actions.log"
[ "$(hb_json node2 "s['quorum']")" = True ] || hb_fail "node2 lost quorum"
grep -q 'g1 node2' "$T/actions.log" && hb_fail "node2 touched g1"
ip -n "${NS[0]}" route del blackhole "${ADDR[1]}/32"
ip -n "${NS[1]}" route del blackhole "${ADDR[0]}/32"
hb_wait 10 "node1 hears node2 again" eval '[ "$(hb_json node1 "s[\"nodes\"][1][\"alive\"]")" = True ]'
hb_runs_on node1 g1 node1 || hb_fail "g1 moved"

# partition: node1 is cut off from node2 and from the witness
ip -n "$BR" link set p0 down
hb_wait 10 "node2 takes g1 over" hb_runs_on node2 g1 node2
hb_wait 10 "node1 demoted r0" hb_did "node1 twinadm secondary r0"
demote=$(grep -n '^node1 twinadm secondary r0$' "$T/actions.log" | cut -d: -f1)
promote=$(grep -n '^node2 twinadm primary r0$' "$T/actions.log" | cut -d: -f1)
[ -n "$promote" ] && [ "$demote" -lt "$promote" ] ||
	hb_fail "node2 promoted r0 (line $promote) before node1 demoted it (line $demote)"
# fencing: node1 fails its held writes first, so umount cannot hang
failio=$(grep -n '^node1 twinadm fail-io r0$' "$T/actions.log" | cut -d: -f1)
umount=$(grep -n "^node1 umount " "$T/actions.log" | head -n 1 | cut -d: -f1)
[ -n "$failio" ] && [ -n "$umount" ] && [ "$failio" -lt "$umount" ] ||
	hb_fail "node1 did not run fail-io r0 (line $failio) before umount (line $umount)"
grep -q '^node2 twinadm resume-io r0$' "$T/actions.log" &&
	hb_fail "node2 ran resume-io after promoting (nothing was held there)"
[ "$(hb_json node1 "s['quorum']")" = False ] || hb_fail "node1 kept quorum"
hb_ctl node1 where | grep -q '^g1 - ' || hb_fail "node1 still runs g1"
hb_runs_on node2 g2 node2 || hb_fail "g2 moved"

# heal: node1 rejoins as standby, g1 stays on node2, nothing runs twice
ip -n "$BR" link set p0 up
hb_wait 10 "node1 sees node2 again" eval '[ "$(hb_json node1 "s[\"nodes\"][1][\"alive\"]")" = True ]'
hb_wait 10 "node1 learns g1 runs on node2" hb_runs_on node1 g1 node2
hb_never 2 "node1 promotes r0 after the partition" hb_did "node1 twinadm primary r0"
hb_pass
