#!/bin/bash
# twinadm's offline commands, run as an operator would: dump, parse errors
# (file:line), host selection, create-md + dump-md on sparse files, --help,
# --dry-run (with the disk { } and after-sb options of part 2), and the
# clear error of 'up' when the twin module is not loaded (this machine
# never loads it; the VM tests cover the kernel path).
set -u
cd "$(dirname "$0")/../.." || exit 1
O=${O:-build}
TWINADM=$PWD/$O/bin/twinadm
[ -x "$TWINADM" ] || { echo "FAIL: $TWINADM not built"; exit 1; }

tmp=$(mktemp -d /tmp/twinadm-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }
# check WHAT TEST...: pass or fail on a test command
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# run EXPECTED_RC ARGS...: run twinadm, keep stdout/stderr in $out/$err
run() {
	local want=$1 rc
	shift
	"$TWINADM" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	if [ "$rc" -ne "$want" ]; then
		fail "twinadm $* exited $rc, expected $want; stderr: $err"
		return 1
	fi
	return 0
}

# expect TEXT HAYSTACK WHAT
expect() {
	if grep -qF -- "$1" <<< "$2"; then
		pass "$3"
	else
		fail "$3: '$1' not in: $2"
	fi
}

# ---------------------------------------------------------------- config
mkdir -p "$tmp/etc/res.d"
truncate -s 256M "$tmp/disk-a" "$tmp/disk-b"
cat > "$tmp/etc/twin.conf" <<CONF
# twin test configuration
common {
	protocol C;
	net { ping-int 500ms; ping-timeout 20; }
}
include "res.d/*.res";
CONF
cat > "$tmp/etc/res.d/r0.res" <<CONF
resource r0 {
	device /dev/twin0;
	disk $tmp/disk-a;
	meta-disk internal;
	shared-secret "not so secret";
	on alpha { address 127.0.0.1:7790; }
	on beta { address 127.0.0.2:7790; disk $tmp/disk-b; device minor 4; }
}
CONF
conf=$tmp/etc/twin.conf

run 0 -c "$conf" dump && {
	expect "resource r0 {" "$out" "dump prints the resource"
	expect "ping-timeout 20;" "$out" "dump merges the common section"
	expect "device /dev/twin4;" "$out" "dump shows the per-host device"
	expect "disk $tmp/disk-b;" "$out" "dump shows the per-host disk"
	expect "# resource r0 on $tmp/etc/res.d/r0.res:1" "$out" \
		"dump names where the resource is defined"
}
# the dump is itself a valid configuration that dumps the same
"$TWINADM" -c "$conf" dump | grep -v '^#' > "$tmp/dump1.conf"
if "$TWINADM" -c "$tmp/dump1.conf" dump | grep -v '^#' |
   cmp -s - "$tmp/dump1.conf"; then
	pass "dump round trip"
else
	fail "dump of a dump differs"
fi

run 0 -c "$conf" --host alpha sh-dev r0 && expect "/dev/twin0" "$out" "sh-dev alpha"
run 0 -c "$conf" --host beta sh-dev r0 && expect "/dev/twin4" "$out" "sh-dev beta"
run 0 -c "$conf" --host beta sh-ll-dev r0 && expect "$tmp/disk-b" "$out" "sh-ll-dev beta"
run 0 -c "$conf" --host alpha sh-ip r0 &&
	check "sh-ip alpha" [ "$out" = 127.0.0.1 ]
run 0 -c "$conf" --host beta.example.com sh-minor r0 &&
	expect "4" "$out" "a fully qualified host name selects the short name"
run 0 -c "$conf" --host alpha sh-resources && expect "r0" "$out" "sh-resources"
run 3 -c "$conf" --host gamma sh-dev r0 &&
	expect "resource r0 has no 'on gamma' section" "$err" "unknown host"
run 3 -c "$conf" --host alpha sh-dev r9 &&
	expect "r9: no such resource in the configuration" "$err" "unknown resource"

# ---------------------------------------------------------- parse errors
cat > "$tmp/bad.conf" <<'CONF'
resource r0 {
	device /dev/twin0;
	protcol C;
}
CONF
run 3 -c "$tmp/bad.conf" dump &&
	expect "$tmp/bad.conf:3: unknown keyword 'protcol' in resource r0" \
		"$err" "parse error names file, line and problem"
printf 'include "inc.res";\n' > "$tmp/outer.conf"
printf 'resource r1 {\n\ton alpha { address 10.0.0.1; }\n}\n' > "$tmp/inc.res"
run 3 -c "$tmp/outer.conf" dump &&
	expect "$tmp/inc.res:2: invalid address '10.0.0.1'" "$err" \
		"errors inside included files name that file"
run 3 -c "$tmp/missing.conf" dump &&
	expect "cannot read $tmp/missing.conf" "$err" "missing config file"
if [ ! -e /etc/twin ]; then
	run 3 dump && expect "no configuration" "$err" "no default configuration"
fi

# --------------------------------------------------- create-md / dump-md
run 1 -c "$conf" --host alpha dump-md r0 &&
	expect "no twin metadata" "$err" "dump-md before create-md"
run 0 -c "$conf" --host alpha --dry-run create-md r0 &&
	expect "would write twin metadata (internal)" "$out" "create-md --dry-run"
run 1 -c "$conf" --host alpha dump-md r0 &&
	expect "no twin metadata" "$err" "create-md --dry-run wrote nothing"
run 0 -c "$conf" --host alpha create-md r0 &&
	expect "new twin metadata created" "$out" "create-md"
run 0 -c "$conf" --host alpha dump-md r0 && {
	expect "current-uuid 0000000000000004 (just created)" "$out" \
		"dump-md shows the new generation"
	expect "superblock-sector 524280" "$out" \
		"internal metadata sits at the end of the disk"
	expect "out-of-sync 0 blocks" "$out" "dump-md counts the bitmap"
}
uuid1=$(grep device-uuid <<< "$out")
run 1 -c "$conf" --host alpha create-md r0 &&
	expect "refusing to overwrite it without --force" "$err" \
		"create-md refuses to overwrite metadata"
run 0 -c "$conf" --host alpha dump-md r0
check "the refused create-md changed nothing" \
	[ "$(grep device-uuid <<< "$out")" = "$uuid1" ]
# on a terminal, --force asks first; anything but "yes" writes nothing
if command -v script > /dev/null; then
	rc=0
	printf 'no\n' | script -qec "'$TWINADM' -c '$conf' --host alpha create-md --force r0" \
		/dev/null > "$tmp/tty" 2>&1 || rc=$?
	check "create-md --force on a terminal asks and accepts only 'yes'" \
		[ $rc -eq 1 ]
	expect "Type 'yes' to overwrite" "$(cat "$tmp/tty")" "the question is asked"
	expect "not confirmed, nothing written" "$(cat "$tmp/tty")" \
		"the answer 'no' writes nothing"
	run 0 -c "$conf" --host alpha dump-md r0
	check "the unconfirmed create-md changed nothing" \
		[ "$(grep device-uuid <<< "$out")" = "$uuid1" ]
fi
run 0 -c "$conf" --host alpha create-md --force --yes r0 &&
	expect "overwriting existing twin metadata" "$out" "create-md --force"
run 0 -c "$conf" --host alpha dump-md r0
check "create-md --force wrote new metadata" \
	[ "$(grep device-uuid <<< "$out")" != "$uuid1" ]
# the data area is untouched: the sparse file holds only the metadata
used=$(du -k "$tmp/disk-a" | cut -f1)
check "create-md wrote only the metadata area (${used} KiB)" \
	[ "$used" -le 1024 ]
run 0 -c "$conf" --host beta create-md r0 &&
	expect "$tmp/disk-b: new twin metadata created" "$out" \
		"create-md on the other host's disk"

# ------------------------------------------------------------------ help
run 0 --help && {
	for section in NAME SYNOPSIS COMMANDS OPTIONS CONFIGURATION \
		       "EXIT STATUS" EXAMPLES; do
		expect "$section" "$out" "--help has $section"
	done
	for cmd in create-md up down attach detach connect disconnect \
		   primary secondary status events verify invalidate \
		   new-current-uuid dump-md adjust dump role cstate dstate \
		   sh-dev wait-connect wait-sync; do
		grep -qE "^  $cmd " <<< "$out" || fail "--help lacks $cmd"
	done
}
run 0 help primary && expect "options: --force" "$out" "help primary"
run 2 help frobnicate && expect "unknown command 'frobnicate'" "$err" "help of an unknown command"
run 2 frobnicate && expect "unknown command" "$err" "unknown command"
run 2 && expect "usage: twinadm" "$err" "no command"
run 2 -c "$conf" status --force &&
	expect "option --force is not valid for 'status'" "$err" "option checks"
run 2 -c "$conf" up && expect "usage: twinadm up RES|all" "$err" "up without RES"

# ------------------------------------------------------------- dry run
run 0 -c "$conf" --host alpha --dry-run up r0 && {
	expect "would send: NEW_RESOURCE r0 minor:0" "$out" "dry-run up: create"
	expect "would send: ATTACH r0 disk:$tmp/disk-a meta-disk:internal" "$out" \
		"dry-run up: attach"
	expect "would send: CONNECT r0 local:127.0.0.1:7790 peer:127.0.0.2:7790 protocol:C shared-secret:(hidden) ping-int:500ms ping-timeout:2000ms" \
		"$out" "dry-run up: connect"
}
check "dry-run hides the shared secret" \
	[ "$(grep -c "not so secret" "$tmp/out")" = 0 ]
run 0 -c "$conf" --host alpha --dry-run primary --force all &&
	expect "would send: PRIMARY r0 force" "$out" "dry-run primary --force"
run 0 -c "$conf" --host beta --dry-run new-current-uuid --clear-bitmap r0 &&
	expect "would send: NEW_CURRENT_UUID r0 clear-bitmap" "$out" \
		"dry-run new-current-uuid"
run 0 -c "$conf" --host beta --dry-run connect --discard-my-data r0 &&
	expect "peer:127.0.0.1:7790 protocol:C" "$out" "beta connects to alpha"

# ------------------------------------- resync, AL and split-brain options
cat > "$tmp/drbd84.conf" <<CONF
common {
	disk { resync-rate 40M; c-min-rate 4M; al-extents 64;
	       c-plan-ahead 20; c-fill-target 100k; }
	net { after-sb-0pri discard-zero-changes; after-sb-1pri disconnect;
	      after-sb-2pri disconnect; }
}
resource r1 {
	device /dev/twin1; disk $tmp/disk-a; meta-disk internal;
	on alpha { address 127.0.0.1:7791; }
	on beta { address 127.0.0.2:7791; }
}
CONF
run 0 -c "$tmp/drbd84.conf" dump && {
	expect "c-max-rate 40M;" "$out" "dump shows resync-rate as c-max-rate"
	expect "after-sb-0pri discard-zero-changes;" "$out" "dump shows after-sb-0pri"
	expect "drbd84.conf:3: warning: 'c-plan-ahead' is ignored" "$err" \
		"ignored controller options warn with file and line"
}
run 0 -c "$tmp/drbd84.conf" --host alpha --dry-run up r1 && {
	expect "ATTACH r1 disk:$tmp/disk-a meta-disk:internal c-max-rate:40960K c-min-rate:4096K al-extents:64" \
		"$out" "dry-run attach sends the disk options"
	expect "after-sb-0pri:discard-zero-changes after-sb-1pri:disconnect" \
		"$out" "dry-run connect sends the split-brain policies"
}
sed -i 's/after-sb-1pri disconnect;/after-sb-1pri consensus;/' "$tmp/drbd84.conf"
run 3 -c "$tmp/drbd84.conf" dump &&
	expect "drbd84.conf:4: after-sb-1pri policy 'consensus' is not supported by twin" \
		"$err" "an unsupported policy names file and line"
run 0 -c "$conf" --host alpha dump-md r0 &&
	expect "activity-log empty (never written)" "$out" "dump-md shows the activity log"

# ----------------------------------------------------- module not loaded
if [ -d /sys/module/twin ]; then
	echo "the twin module is loaded here: skipping the not-loaded checks"
else
	for args in "up r0" "down r0" "primary r0" "adjust r0" \
		    "wait-sync --timeout 1 r0"; do
		# shellcheck disable=SC2086
		run 5 -c "$conf" --host alpha $args &&
			expect "twin kernel module not loaded (modprobe twin)" \
				"$err" "$args without the module"
	done
	run 5 status && expect "twin kernel module not loaded" "$err" \
		"status without the module"
	run 5 events --now && expect "twin kernel module not loaded" "$err" \
		"events without the module"
fi

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all twinadm-cli checks passed"
