#!/bin/bash
# Crash test of the store: deliver a stream of messages with
# "slotctl deliver" and SIGKILL each process at a random moment (before,
# during or after its commit).  Afterwards "slotctl audit" must be clean
# (no half-visible message, no leftovers) and every delivery that was
# acknowledged (exit 0, UID printed) must be there, byte for byte.
set -u
O=${O:-build}
SLOTCTL=$PWD/$O/bin/slotctl
[ -x "$SLOTCTL" ] || { echo "missing $SLOTCTL (make $O/bin/slotctl)"; exit 77; }
T=$(mktemp -d /tmp/slotctl-crash.XXXXXX)
trap 'rm -rf "$T"' EXIT
D=$T/slot
ROUNDS=${CRASH_ROUNDS:-200}
DEADLINE=$((SECONDS + 100))
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$SLOTCTL" create "$D" >/dev/null || exit 1
"$SLOTCTL" adduser "$D" bob <<<"pw" || exit 1
mkdir "$T/m"

# message i: unique headers and a random body of up to ~48 KiB
make_msg() {
	printf 'Message-ID: <%d.crash@test>\r\nSubject: crash %d\r\n\r\n' $1 $1
	head -c $((RANDOM * 3 / 2)) /dev/urandom | base64
}

# how long one delivery takes here, recovery after a crash included, to
# spread the kills over its whole life
make_msg 0 > "$T/m/0"
"$SLOTCTL" deliver "$D" bob < "$T/m/0" > /dev/null &
kill -9 $!
wait $! 2>/dev/null
t0=$(date +%s%N)
"$SLOTCTL" deliver "$D" bob < "$T/m/0" > "$T/out.0" || exit 1
life_us=$((($(date +%s%N) - t0) / 1000))
echo "$(cut -d' ' -f4 "$T/out.0") $(sha256sum < "$T/m/0" | cut -d' ' -f1)" \
	> "$T/acked"

acked=1 killed=0 i=0
while [ $i -lt $ROUNDS ] && [ $SECONDS -lt $DEADLINE ]; do
	i=$((i + 1))
	make_msg $i > "$T/m/$i"
	"$SLOTCTL" deliver "$D" bob < "$T/m/$i" > "$T/out" 2>/dev/null &
	pid=$!
	# the random moment of the crash (this sleep IS the test input,
	# not a wait for a condition): 0 .. 2x a delivery's life
	us=$(((RANDOM * 32768 + RANDOM) % (life_us * 2 + 1)))
	sleep "$(printf '%d.%06d' $((us / 1000000)) $((us % 1000000)))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	rc=$?
	if [ $rc = 0 ]; then
		uid=$(cut -d' ' -f4 "$T/out")
		[ -n "$uid" ] || fail "delivery $i: exit 0 without a UID"
		echo "$uid $(sha256sum < "$T/m/$i" | cut -d' ' -f1)" \
			>> "$T/acked"
		acked=$((acked + 1))
	elif [ $rc = 137 ]; then
		killed=$((killed + 1))
	else
		fail "delivery $i exited $rc (neither done nor killed)"
	fi
done
echo "slotctl-crash: $i deliveries (${life_us} us each), $acked acknowledged," \
	"$killed killed"
[ $killed -ge 5 ] || fail "too few kills ($killed) to mean anything"
[ $acked -ge 5 ] || fail "too few acknowledged deliveries ($acked)"

# recovery runs when audit opens the slot; then everything must check out
out=$("$SLOTCTL" audit "$D" 2>&1) || fail "audit after crashes: $out"
echo "$out" | tail -1
list=$("$SLOTCTL" list "$D" bob) || fail "list failed"
while read -r uid sum; do
	grep -qE "^ +$uid .* $sum\$" <<<"$list" ||
		fail "acknowledged UID $uid ($sum) missing or different"
done < "$T/acked"
# UIDs stay unique and increasing after all the crashes
dups=$(awk 'NR > 1 { print $1 }' <<<"$list" | sort | uniq -d)
[ -z "$dups" ] || fail "duplicate UIDs: $dups"
# exactly the listed messages have files: no leftover of a killed delivery
id=$("$SLOTCTL" dump "$D" | sed -n 's/^  bob\\0INBOX: id \([0-9]*\) .*/\1/p')
files=$(ls "$D/mail/bob/$id" | sort -n | tr '\n' ' ')
uids=$(awk 'NR > 1 { print $1 }' <<<"$list" | sort -n | tr '\n' ' ')
[ "$files" = "$uids" ] || fail "files ($files) are not the UIDs ($uids)"
left=$(find "$D/tmp" -mindepth 1 | head -5)
[ -z "$left" ] || fail "temporary files left: $left"
# and the slot still takes mail
"$SLOTCTL" deliver "$D" bob < "$T/m/0" >/dev/null || fail "deliver after"

[ $fails = 0 ] && echo "slotctl-crash: ok" || echo "slotctl-crash: $fails failures"
[ $fails = 0 ]
