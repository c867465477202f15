#!/bin/bash
# slotctl audit finds silent corruption: a changed byte, a truncated file,
# a deleted file, an orphan file and an orphan directory are each reported
# on their own line and make audit exit 1; a clean slot exits 0.
set -u
O=${O:-build}
SLOTCTL=$PWD/$O/bin/slotctl
[ -x "$SLOTCTL" ] || { echo "missing $SLOTCTL (make $O/bin/slotctl)"; exit 77; }
T=$(mktemp -d /tmp/slotctl-audit.XXXXXX)
trap 'rm -rf "$T"' EXIT
D=$T/slot
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$SLOTCTL" create "$D" >/dev/null || exit 1
"$SLOTCTL" adduser "$D" bob <<<"pw" || exit 1
for i in 1 2 3 4 5; do
	printf 'Subject: message %d\r\n\r\n%s\r\n' $i "$(seq 1 $((i * 50)))" |
		"$SLOTCTL" deliver "$D" bob >/dev/null || exit 1
done
# INBOX directory: the mailbox id is in the dump
id=$("$SLOTCTL" dump "$D" | sed -n 's/^  bob\\0INBOX: id \([0-9]*\) .*/\1/p')
box=$D/mail/bob/$id
[ -f "$box/1" ] || { echo "FAIL: no $box/1"; exit 1; }

# audit DIR: run it, keep output in $out and the exit code in $rc
audit() { out=$("$SLOTCTL" audit "$D" 2>&1); rc=$?; }

audit
[ $rc = 0 ] || fail "clean slot: audit exited $rc: $out"
grep -q "5 messages" <<<"$out" || fail "clean audit: $out"

# one problem at a time, then repaired
printf 'X' | dd of="$box/2" bs=1 seek=3 conv=notrunc status=none
audit
[ $rc = 1 ] || fail "flipped byte: audit exited $rc"
grep -qE "^CHECKSUM +mail/bob/$id/2 \(user bob, mailbox INBOX, uid 2\)" \
	<<<"$out" || fail "flipped byte not reported: $out"
grep -q "1 problem$" <<<"$out" || fail "problem count: $out"

cp "$box/3" "$T/3.saved"
truncate -s -1 "$box/3"
audit
grep -qE "^SIZE +mail/bob/$id/3 " <<<"$out" || fail "truncation: $out"
grep -qE "^CHECKSUM +mail/bob/$id/3 " <<<"$out" || fail "truncation sum: $out"

rm "$box/4"
audit
grep -qE "^MISSING +mail/bob/$id/4 " <<<"$out" || fail "missing: $out"

# UIDs 6 and 7: UIDNEXT and the next, as a killed delivery leaves them
echo junk > "$box/6"
echo junk > "$box/7"
echo junk > "$box/notes.txt"
audit
grep -qE "^ORPHAN +mail/bob/$id/notes.txt " <<<"$out" || fail "orphan: $out"
# those are the leftovers of an interrupted delivery, which recovery
# removes when slotctl is the only one to open the slot
grep -qE "^ORPHAN +mail/bob/$id/[67] " <<<"$out" && fail "leftover: $out"
[ -e "$box/6" ] || [ -e "$box/7" ] && fail "leftovers not removed"
mkdir "$D/mail/eve"
audit
grep -qE "^ORPHAN +mail/eve: not a user" <<<"$out" || fail "orphan dir: $out"
[ $rc = 1 ] || fail "audit with problems exited $rc"
n=$(grep -cE '^(CHECKSUM|SIZE|MISSING|ORPHAN)' <<<"$out")
[ "$n" = 6 ] || fail "expected 6 problem lines, got $n: $out"

# repair: the saved copy back, the orphans away, the lost one expunged
cp "$T/3.saved" "$box/3"
rm -rf "$box/notes.txt" "$D/mail/eve"
"$SLOTCTL" expunge "$D" bob INBOX 2 4 >/dev/null
"$SLOTCTL" expire --now "$D" >/dev/null
audit
[ $rc = 0 ] || fail "repaired slot: audit exited $rc: $out"

[ $fails = 0 ] && echo "slotctl-audit: ok" || echo "slotctl-audit: $fails failures"
[ $fails = 0 ]
