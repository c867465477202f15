#!/bin/bash
# Virtual IP takeover inside network namespaces created here: twinhb runs
# in namespace A (its peer never starts, no witness: two-node mode), takes
# the group over after deadtime + takeover-delay, adds the virtual IP to
# a veth with libnl and announces it with gratuitous ARP, which a watcher
# in namespace B (the other end of the veth) must see with A's MAC; B can
# then ping the address. On SIGTERM twinhb removes the address and exits.
set -u
O=${O:-build}
TWINHB=$O/bin/twinhb
HERE=$(cd "$(dirname "$0")" && pwd)
[ -x "$TWINHB" ] || { echo "SKIP: $TWINHB not built"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }

NSA=thbA$$
NSB=thbB$$
VA=thva$$
VB=thvb$$
VIP=10.99.0.100
T=$(mktemp -d /tmp/twinhb-vip.XXXXXX)

cleanup() {
	[ -f "$T/pid" ] && kill -9 "$(cat "$T/pid")" 2>/dev/null
	[ -f "$T/watch.pid" ] && kill -9 "$(cat "$T/watch.pid")" 2>/dev/null
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	for f in "$T"/*.log "$T"/*.out; do
		[ -f "$f" ] && { echo "---- $f" >&2; tail -n 30 "$f" >&2; }
	done
	exit 1
}

wait_for() {
	local secs=$1 what=$2 end=$(( $(date +%s) + $1 ))
	shift 2
	while ! "$@" > /dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || fail "timed out waiting for: $what"
		sleep 0.1
	done
}

ip netns add "$NSA" || { echo "SKIP: cannot create a network namespace"; exit 77; }
ip netns add "$NSB" || fail "netns add $NSB"
ip link add "$VA" type veth peer name "$VB" || fail "veth"
ip link set "$VA" netns "$NSA" && ip link set "$VB" netns "$NSB" || fail "move veth"
ip -n "$NSA" link set lo up
ip -n "$NSA" link set "$VA" up
ip -n "$NSA" addr add 10.99.0.1/24 dev "$VA"
ip -n "$NSB" link set "$VB" up
ip -n "$NSB" addr add 10.99.0.2/24 dev "$VB"
MAC=$(ip -n "$NSA" -o link show "$VA" | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p')

cat > "$T/twinhb.conf" <<EOF2
interval 100ms;
deadtime 1s;
takeover-delay 200ms;
shared-secret "vip-test-secret-0123456789";
node node1 { address 127.0.0.1:7795; }
node node2 { address 127.0.0.1:7796; }
group web {
	preferred node1;
	vip $VIP/24 dev $VA;
}
EOF2

ip netns exec "$NSB" python3 "$HERE/twinhb/arp-watch.py" "$VB" "$VIP" 20 \
	> "$T/watch.out" 2>&1 &
echo $! > "$T/watch.pid"
wait_for 5 "ARP watcher ready" grep -q ready "$T/watch.out"

ip netns exec "$NSA" "$TWINHB" -f -c "$T/twinhb.conf" -S "$T/sock" \
	--node node1 > "$T/twinhb.log" 2>&1 &
echo $! > "$T/pid"

has_vip() {
	ip -n "$NSA" -o addr show dev "$VA" | grep -q "inet $VIP/24 "
}
wait_for 10 "virtual IP on $VA" has_vip
wait "$(cat "$T/watch.pid")" || fail "no gratuitous ARP request and reply seen"
rm -f "$T/watch.pid"
grep -qx "request $MAC" "$T/watch.out" || fail "ARP request without A's MAC $MAC"
grep -qx "reply $MAC" "$T/watch.out" || fail "ARP reply without A's MAC $MAC"
ip netns exec "$NSB" ping -c 1 -W 2 "$VIP" > "$T/ping.out" 2>&1 || fail "ping $VIP from B"
"$TWINHB" -S "$T/sock" where | grep -qx "web node1 RUNNING" || fail "where"

kill -TERM "$(cat "$T/pid")"
wait_for 10 "twinhb exits after SIGTERM" eval '! kill -0 "$(cat "$T/pid")"'
rm -f "$T/pid"
has_vip && fail "virtual IP still present after release"
grep -q 'group web: virtual IP removed' "$T/twinhb.log" || fail "no release logged"
grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$T/twinhb.log" &&
	fail "sanitizer report"
echo "PASS"
