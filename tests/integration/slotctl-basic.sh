#!/bin/bash
# slotctl end to end: create a slot, manage users and quotas, deliver,
# list, expunge, undelete, expire, dump, audit; every error path answers
# with a clear message and the documented exit code.
set -u
O=${O:-build}
SLOTCTL=$PWD/$O/bin/slotctl
[ -x "$SLOTCTL" ] || { echo "missing $SLOTCTL (make $O/bin/slotctl)"; exit 77; }
T=$(mktemp -d /tmp/slotctl-basic.XXXXXX)
trap 'rm -rf "$T"' EXIT
D=$T/slot
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# expect CODE CMD...: run, compare the exit code, keep stdout+stderr in $out
expect() {
	local want=$1; shift
	out=$("$@" 2>&1); local rc=$?
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want: $out"
}
has() { grep -qF -- "$1" <<<"$out" || fail "output lacks '$1': $out"; }

expect 0 "$SLOTCTL" create "$D"
has "layout version 2"
[ -f "$D/slot.conf" ] && grep -q '^#lmtp' "$D/slot.conf" || fail "no slot.conf"
expect 1 "$SLOTCTL" create "$D"
has "not an empty directory"
expect 1 "$SLOTCTL" users "$T/nothere"
expect 64 "$SLOTCTL" adduser "$D"
expect 64 "$SLOTCTL" frobnicate "$D"
expect 0 "$SLOTCTL" help adduser
has "Usage: slotctl adduser"
expect 0 "$SLOTCTL" --help
has "audit"

# users
expect 0 "$SLOTCTL" adduser --quota 1K "$D" bob <<<"s3cret"
expect 1 "$SLOTCTL" adduser "$D" bob <<<"other"
has "slotctl: adduser: user 'bob' already exists"
expect 1 "$SLOTCTL" adduser "$D" ../evil <<<"x"
has "invalid user name"
expect 1 "$SLOTCTL" adduser "$D" amy </dev/null
has "empty password"
expect 0 "$SLOTCTL" adduser "$D" amy <<<"pw"
expect 0 "$SLOTCTL" users "$D"
has "bob"
grep -qE '^bob +1024 +0 ' <<<"$out" || fail "bob's quota line: $out"
grep -qE '^amy +none +0 ' <<<"$out" || fail "amy's quota line: $out"
expect 1 "$SLOTCTL" passwd "$D" nobody <<<"x"
has "no such user 'nobody'"
expect 0 "$SLOTCTL" passwd "$D" amy <<<"new"
# the scrypt cost of test and benchmark users, recorded per hash
expect 64 "$SLOTCTL" adduser --scrypt-cost 9 "$D" cheap <<<"pw"
has "bad scrypt cost '9' (log2 of N, 10 to 20; default 15)"
expect 64 "$SLOTCTL" passwd --scrypt-cost x "$D" amy <<<"pw"
expect 0 "$SLOTCTL" adduser --scrypt-cost 10 "$D" cheap <<<"pw"
expect 0 "$SLOTCTL" dump "$D"
grep -q 'cheap: .*scrypt(N=2^10 r=8 p=1)' <<<"$out" || fail "cost: $out"
grep -q 'amy: .*scrypt(N=2^15 r=8 p=1)' <<<"$out" || fail "default: $out"
expect 0 "$SLOTCTL" passwd --scrypt-cost 11 "$D" cheap <<<"pw2"
expect 0 "$SLOTCTL" dump "$D"
grep -q 'cheap: .*scrypt(N=2^11 r=8 p=1)' <<<"$out" || fail "passwd: $out"
expect 0 "$SLOTCTL" deluser "$D" cheap
expect 64 "$SLOTCTL" setquota "$D" amy lots
expect 0 "$SLOTCTL" setquota "$D" amy 2M
expect 0 "$SLOTCTL" users "$D"
grep -qE '^amy +2097152 ' <<<"$out" || fail "setquota: $out"
expect 0 "$SLOTCTL" mailboxes "$D" bob
has "\\Sent"
has "\\Trash"

# deliveries
msg=$(printf 'From: a@example.org\r\nSubject: t\r\n\r\nbody\r\n')
expect 0 "$SLOTCTL" deliver "$D" bob <<<"$msg"
grep -qE '^bob INBOX [0-9]+ 1$' <<<"$out" || fail "deliver output: $out"
expect 0 "$SLOTCTL" deliver -m Junk "$D" bob amy <<<"$msg"
grep -qE '^bob Junk [0-9]+ 1$' <<<"$out" || fail "deliver -m: $out"
grep -qE '^amy Junk [0-9]+ 1$' <<<"$out" || fail "deliver 2 rcpts: $out"
expect 0 "$SLOTCTL" deliver -m NoSuchBox "$D" bob <<<"$msg"
grep -qE '^bob INBOX [0-9]+ 2$' <<<"$out" || fail "fallback: $out"
expect 67 "$SLOTCTL" deliver "$D" nobody <<<"$msg"
has "no such user"
big=$(head -c 2000 /dev/zero | tr '\0' x)
expect 69 "$SLOTCTL" deliver "$D" bob <<<"$big"
has "larger than the quota"
mid=$(head -c 950 /dev/zero | tr '\0' y)
expect 75 "$SLOTCTL" deliver "$D" bob <<<"$mid"
has "is full"
expect 0 "$SLOTCTL" list "$D" bob
want=$(printf '%s\n' "$msg" | sha256sum | cut -d' ' -f1)
grep -qE "^ +1 .* $want\$" <<<"$out" || fail "list sha256: $out"

# expunge, undelete (new UID), expire
expect 0 "$SLOTCTL" expunge "$D" bob INBOX 1
has "expunged 1 message"
expect 0 "$SLOTCTL" list --expunged "$D" bob INBOX
grep -qE '^ +1 ' <<<"$out" || fail "expunged list: $out"
expect 0 "$SLOTCTL" undelete --since 1h "$D" bob
has "undeleted 1 message"
expect 0 "$SLOTCTL" list "$D" bob
grep -qE '^ +3 ' <<<"$out" || fail "undeleted message not UID 3: $out"
grep -qE '^ +1 ' <<<"$out" && fail "UID 1 came back: $out"
expect 0 "$SLOTCTL" expunge "$D" bob INBOX 3
expect 0 "$SLOTCTL" expire "$D"
has "expired 0 messages"
expect 0 "$SLOTCTL" expire --now "$D"
has "expired 1 message"
expect 0 "$SLOTCTL" undelete "$D" bob
has "undeleted 0 messages"
expect 0 "$SLOTCTL" deliver "$D" bob <<<"$msg"
grep -qE '^bob INBOX [0-9]+ 4$' <<<"$out" || fail "UID reused: $out"

# dump and audit
expect 0 "$SLOTCTL" dump "$D"
has "layout version 2"
has "db/index.db:"
grep -q s3cret <<<"$out" && fail "password in dump"
expect 0 "$SLOTCTL" audit "$D"
has "clean, 0 problems"
expect 0 "$SLOTCTL" deluser "$D" amy
expect 1 "$SLOTCTL" deluser "$D" amy
has "no such user 'amy'"
expect 0 "$SLOTCTL" audit "$D"

[ $fails = 0 ] && echo "slotctl-basic: ok" || echo "slotctl-basic: $fails failures"
[ $fails = 0 ]
