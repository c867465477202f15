#!/bin/bash
# mailload, the benchmark load generator, against a real slotd: two seconds
# of LMTP and of POP3 must report a nonzero rate and no errors, the
# deliveries must be in the slot, and a wrong password must show up as
# errors (so the checks above can fail).
set -u
O=${O:-build}
LOAD=$PWD/$O/tests/mailload
SLOTD=$PWD/$O/bin/slotd
SLOTCTL=$PWD/$O/bin/slotctl
for f in "$LOAD" "$SLOTD" "$SLOTCTL"; do
	[ -x "$f" ] || { echo "SKIP: missing $f"; exit 77; }
done
T=$(mktemp -d /tmp/mailload-smoke.XXXXXX)
PID=
cleanup() {
	[ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
	rm -rf "$T"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# field LINE KEY: the value of KEY= in a mailload report.
field() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }

"$SLOTCTL" create "$T/slot" >/dev/null || { echo "FAIL: create"; exit 1; }
for u in m0 m1 p0 p1; do
	echo "smoke-pw" | "$SLOTCTL" adduser "$T/slot" "$u" >/dev/null ||
		{ echo "FAIL: adduser $u"; exit 1; }
done
LMTP=$(free_port)
POP3=$(free_port)
printf 'lmtp = 127.0.0.1:%s\npop3 = 127.0.0.1:%s\n' "$LMTP" "$POP3" \
	>> "$T/slot/slot.conf"
"$SLOTD" -f "$T/slot" 2> "$T/slotd.log" &
PID=$!
up=0
for _ in $(seq 150); do
	if grep -q "(pid $PID)" "$T/slotd.log" 2>/dev/null &&
	   python3 -c 'import socket, sys
for p in sys.argv[1:]:
    socket.create_connection(("127.0.0.1", int(p)), 1).close()' \
		"$LMTP" "$POP3" 2>/dev/null; then
		up=1
		break
	fi
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
if [ "$up" != 1 ]; then
	echo "FAIL: slotd did not start"
	cat "$T/slotd.log"
	exit 1
fi

# check NAME LINE RC: a good run has rate > 0, errors = 0, exit 0.
check() {
	local rate errors
	rate=$(field "$2" rate)
	errors=$(field "$2" errors)
	if [ "$3" = 0 ] && [ "$errors" = 0 ] &&
	   awk -v r="$rate" 'BEGIN { exit !(r > 0) }'; then
		ok "$1: $2"
	else
		fail "$1: exit $3: $2"
	fi
}

out=$("$LOAD" -m lmtp -p "$LMTP" -c 4 -t 2 -g 30 -s 4096 -u m -U 2 2>&1)
check "LMTP, 4 connections, 2 s" "$out" $?
sent=$(field "$out" ops)

# Every acknowledged message is in the slot.
n=0
for u in m0 m1; do
	n=$((n + $("$SLOTCTL" list "$T/slot" "$u" INBOX | grep -c '^ *[0-9]')))
done
[ "$n" = "${sent:-x}" ] && ok "$n messages in the slot, as acknowledged" ||
	fail "mailload counted $sent deliveries, the slot holds $n"

"$LOAD" -m lmtp -p "$LMTP" -c 2 -n 4 -t 30 -u p -U 2 >/dev/null 2>&1 ||
	fail "seeding the POP3 users"
out=$("$LOAD" -m pop3 -p "$POP3" -c 2 -t 2 -g 30 -u p -U 2 -w smoke-pw 2>&1)
check "POP3 sessions, 2 connections, 2 s" "$out" $?

out=$("$LOAD" -m pop3 -p "$POP3" -c 1 -t 1 -g 30 -u p -U 1 -w wrong 2>&1)
rc=$?
errors=$(field "$out" errors)
[ "$rc" = 1 ] && [ "${errors:-0}" -gt 0 ] &&
	ok "a wrong password is counted as errors ($errors), exit 1" ||
	fail "wrong password: exit $rc: $out"

"$LOAD" -m bogus -p "$POP3" >/dev/null 2>&1
[ $? = 64 ] && ok "unknown mode: exit 64" || fail "unknown mode not refused"

[ "$fails" = 0 ] || exit 1
echo "PASS"
