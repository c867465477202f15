#!/bin/bash
# slotctl backup and restore: the copy of a slot is a slot that audits
# clean and holds the same messages; a corrupt message is reported, not
# copied silently; a restored slot takes new mail after the old UIDs.
set -u
O=${O:-build}
SLOTCTL=$PWD/$O/bin/slotctl
[ -x "$SLOTCTL" ] || { echo "missing $SLOTCTL (make $O/bin/slotctl)"; exit 77; }
T=$(mktemp -d /tmp/slotctl-backup.XXXXXX)
trap 'rm -rf "$T"' EXIT
D=$T/slot
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$SLOTCTL" create "$D" >/dev/null || exit 1
"$SLOTCTL" adduser "$D" bob <<<"pw" || exit 1
"$SLOTCTL" adduser "$D" amy <<<"pw" || exit 1
for i in 1 2 3 4; do
	printf 'Subject: %d\r\n\r\n%s\r\n' $i "$(seq 1 $((i * 100)))" |
		"$SLOTCTL" deliver "$D" bob amy >/dev/null || exit 1
done
printf 'Subject: j\r\n\r\njunk\r\n' |
	"$SLOTCTL" deliver -m Junk "$D" amy >/dev/null || exit 1
"$SLOTCTL" expunge "$D" bob INBOX 2 >/dev/null || exit 1

out=$("$SLOTCTL" backup "$D" "$T/b1" 2>&1) || fail "backup: $out"
grep -q "2 users, 12 mailboxes, 9 messages" <<<"$out" || fail "counts: $out"
out=$("$SLOTCTL" audit "$T/b1") || fail "audit of the backup: $out"
for u in bob amy; do
	[ "$("$SLOTCTL" list "$D" $u)" = "$("$SLOTCTL" list "$T/b1" $u)" ] ||
		fail "$u differs in the backup"
done
[ "$("$SLOTCTL" list --expunged "$D" bob)" = \
  "$("$SLOTCTL" list --expunged "$T/b1" bob)" ] ||
	fail "expunged messages differ in the backup"
out=$("$SLOTCTL" backup "$D" "$T/b1" 2>&1) && fail "backup over a backup"

# a corrupt message is reported and makes backup fail
id=$("$SLOTCTL" dump "$D" | sed -n 's/^  bob\\0INBOX: id \([0-9]*\) .*/\1/p')
printf 'X' | dd of="$D/mail/bob/$id/3" bs=1 seek=2 conv=notrunc status=none
out=$("$SLOTCTL" backup "$D" "$T/b2" 2>&1)
[ $? = 1 ] || fail "backup of a corrupt slot exited 0: $out"
grep -qE "^CHECKSUM +mail/bob/$id/3 " <<<"$out" || fail "not reported: $out"

# restore the good backup; new mail continues after the old UIDs
out=$("$SLOTCTL" restore "$T/b1" "$T/r" 2>&1) || fail "restore: $out"
out=$("$SLOTCTL" audit "$T/r") || fail "audit of the restore: $out"
"$SLOTCTL" list "$T/r" bob | grep -qE '^ +3 ' || fail "UID 3 not restored"
out=$(printf 'Subject: new\r\n\r\nx\r\n' | "$SLOTCTL" deliver "$T/r" bob)
grep -qE '^bob INBOX [0-9]+ 5$' <<<"$out" || fail "UID after restore: $out"
out=$("$SLOTCTL" undelete "$T/r" bob) || fail "undelete in restore"
grep -q "undeleted 1 message" <<<"$out" || fail "undelete: $out"

[ $fails = 0 ] && echo "slotctl-backup: ok" || echo "slotctl-backup: $fails failures"
[ $fails = 0 ]
