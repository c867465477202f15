#!/bin/bash
# Several processes use one slot at once, as slotd and slotctl do: parallel
# "slotctl deliver" (to two users at a time) while readers list mailboxes.
# Every delivery must succeed with its own UID, UIDs must be exactly
# 1..N in each mailbox, and the slot must audit clean.
set -u
O=${O:-build}
SLOTCTL=$PWD/$O/bin/slotctl
[ -x "$SLOTCTL" ] || { echo "missing $SLOTCTL (make $O/bin/slotctl)"; exit 77; }
T=$(mktemp -d /tmp/slotctl-conc.XXXXXX)
trap 'rm -rf "$T"' EXIT
D=$T/slot
WORKERS=6 PER=12
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$SLOTCTL" create "$D" >/dev/null || exit 1
"$SLOTCTL" adduser "$D" bob <<<"pw" || exit 1
"$SLOTCTL" adduser "$D" amy <<<"pw" || exit 1

worker() {
	local w=$1 j
	for j in $(seq 1 $PER); do
		printf 'Message-ID: <%d.%d@conc>\r\n\r\nworker %d message %d\r\n' \
			$w $j $w $j > "$T/m.$w.$j"
		"$SLOTCTL" deliver "$D" bob amy < "$T/m.$w.$j" \
			> "$T/out.$w.$j" 2> "$T/err.$w.$j" ||
			echo "worker $w message $j: exit $?" >> "$T/failed"
	done
}
reader() {
	while [ ! -e "$T/done" ]; do
		"$SLOTCTL" list "$D" bob > /dev/null ||
			echo "reader: list failed" >> "$T/failed"
		"$SLOTCTL" mailboxes "$D" amy > /dev/null ||
			echo "reader: mailboxes failed" >> "$T/failed"
	done
}

reader & rpid=$!
pids=
for w in $(seq 1 $WORKERS); do
	worker $w & pids="$pids $!"
done
wait $pids
touch "$T/done"
wait $rpid
[ -e "$T/failed" ] && fail "$(cat "$T/failed" "$T"/err.* | head -20)"

total=$((WORKERS * PER))
for u in bob amy; do
	list=$("$SLOTCTL" list "$D" $u) || fail "list $u"
	uids=$(awk 'NR > 1 { print $1 }' <<<"$list" | sort -n | tr '\n' ' ')
	[ "$uids" = "$(seq 1 $total | tr '\n' ' ')" ] ||
		fail "$u: UIDs are not 1..$total: $uids"
	# each acknowledged delivery is there under the UID it reported
	for f in "$T"/out.*; do
		uid=$(awk -v u=$u '$1 == u { print $4 }' "$f")
		m=$T/m.${f#$T/out.}
		sum=$(sha256sum < "$m" | cut -d' ' -f1)
		grep -qE "^ +$uid .* $sum\$" <<<"$list" ||
			fail "$u: UID $uid of $m missing or different"
	done
done
out=$("$SLOTCTL" audit "$D") || fail "audit: $out"
echo "$out" | tail -1

[ $fails = 0 ] && echo "slotctl-concurrent: ok" ||
	echo "slotctl-concurrent: $fails failures"
[ $fails = 0 ]
