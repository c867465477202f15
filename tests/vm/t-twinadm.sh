#!/bin/bash
# twinadm against the real module in two guests: status (text and JSON),
# events, role/cstate/dstate, refusals with clear messages and exit codes,
# adjust, disconnect/connect, down, and "module not loaded" after rmmod.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

vm_init twinadm
vm_disk 1 data 128M
vm_disk 2 data 128M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

# adm_rc G EXPECTED_RC ARGS...: run twinadm, check its exit code, and
# leave its output (stdout and stderr) in $out.
adm_rc() {
	local g=$1 want=$2 rc=0

	shift 2
	out=$(vm_run "$g" "$TWINADM -c $TWIN_CONF $* 2>&1") || rc=$?
	[ "$rc" -eq "$want" ] ||
		vm_die "guest $g: twinadm $* exited $rc, wanted $want: $out"
}

# expect_out TEXT WHAT: $out must contain TEXT.
expect_out() {
	grep -qF -- "$1" <<< "$out" || vm_die "$2: '$1' not in: $out"
	vm_log "ok: $2: $(head -n 1 <<< "$out")"
}

# adm_wait G CMD VALUE SECONDS: poll "twinadm CMD r0" until it prints VALUE.
adm_wait() {
	local g=$1 cmd=$2 want=$3 deadline=$((SECONDS + $4)) got

	while :; do
		got=$(vm_run "$g" "$TWINADM -c $TWIN_CONF $cmd r0" 2>/dev/null) || true
		[ "$got" = "$want" ] && return 0
		[ $SECONDS -lt $deadline ] ||
			vm_die "guest $g: twinadm $cmd r0 is '$got', wanted '$want'"
		sleep 0.5
	done
}

for g in 1 2; do
	twin_config "$g" C "adm test"
	twin_load "$g"
done

adm_rc 1 0 status
expect_out "No twin resources are up." "status with nothing up"
adm_rc 1 0 role r0
expect_out "Unconfigured" "role of a resource that is not up"
adm_rc 1 4 status r0
expect_out "r0: not up" "status of a resource that is not up"

for g in 1 2; do adm_rc "$g" 0 up r0; done
adm_rc 1 1 up r0
expect_out "r0: up: refused:" "up twice is refused"
adm_rc 1 0 wait-connect --timeout 60 r0
adm_rc 2 0 wait-connect --timeout 60 r0
adm_rc 1 0 cstate r0
expect_out "Connected" "wait-connect returns once connected"
adm_rc 1 7 wait-sync --timeout 2 r0
expect_out "r0: wait-sync: timed out after 2 s (connection:Connected disk:Inconsistent" \
	"wait-sync times out on a new pair"
adm_rc 1 0 dstate r0
expect_out "Inconsistent/Inconsistent" "dstate of a new pair"

adm_rc 1 1 primary r0
expect_out "r0: primary: refused:" "promotion without UpToDate data"
adm_rc 1 0 primary --force r0
adm_rc 1 0 role r0
expect_out "Primary/Secondary" "role after promotion"
adm_rc 2 0 wait-sync --timeout 300 r0
adm_rc 2 0 dstate r0
expect_out "UpToDate/UpToDate" "wait-sync returns once the initial sync is done"

adm_rc 2 1 primary r0
expect_out "r0: primary: refused:" "promotion while the peer is Primary"
expect_out "Primary" "the refusal says the peer is Primary"

adm_rc 1 0 status r0
vm_log "status on guest 1:"$'\n'"$out"
[ "$out" = "r0 role:Primary
  disk:UpToDate
  node2 role:Secondary
    peer-disk:UpToDate" ] || vm_die "status text: $out"
vm_log "ok: status text"

adm_rc 2 0 status --json
echo "$out" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
r = doc[0]
assert r["name"] == "r0", r
assert r["role"] == "Secondary" and r["disk-state"] == "UpToDate", r
p = r["peer"]
assert p["name"] == "node1" and p["connected"], p
assert p["role"] == "Primary" and p["disk-state"] == "UpToDate", p
assert p["address"].startswith("10.77.0.11:"), p
assert r["size-kib"] > 0, r
' || vm_die "status --json: $out"
vm_log "ok: status --json"

adm_rc 1 0 status --verbose r0
expect_out "protocol:C" "verbose status shows the protocol"

# events: a change on guest 1 shows up on guest 2's stream
vm_run 2 "$TWINADM -c $TWIN_CONF events --timeout 30 r0 > /tmp/ev.log 2>&1 &"
deadline=$((SECONDS + 20))
until vm_run 2 "grep -q ' exists r0 ' /tmp/ev.log" 2>/dev/null; do
	[ $SECONDS -lt $deadline ] || vm_die "events printed no 'exists' line"
	sleep 0.5
done
adm_rc 1 0 secondary r0
deadline=$((SECONDS + 20))
until vm_run 2 "grep -q ' change r0 role:Secondary disk:UpToDate peer:node1 connection:Connected peer-role:Secondary' /tmp/ev.log" 2>/dev/null; do
	[ $SECONDS -lt $deadline ] || vm_die "no change event: $(vm_run 2 'cat /tmp/ev.log')"
	sleep 0.5
done
vm_run 2 "grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9]{2}:[0-9]{2} change ' /tmp/ev.log" ||
	vm_die "events lines lack an ISO 8601 timestamp"
vm_log "ok: events"
adm_rc 1 0 events --now --json r0
expect_out '"event":"exists"' "events --now --json"

# refusals while the device is open
adm_rc 1 0 primary r0
vm_run 1 "sleep 60 < /dev/twin0 > /dev/null 2>&1 & echo \$! > /tmp/holder"
adm_rc 1 1 secondary r0
expect_out "r0: secondary: refused:" "demotion while the device is open"
adm_rc 1 1 down r0
expect_out "r0: down: refused:" "down while the device is open"
vm_run 1 'kill $(cat /tmp/holder)'
adm_rc 1 1 dump-md r0
expect_out "in use" "dump-md while the disk is attached"

# part-2 commands: either done, or a clear "not yet supported"
for cmd in verify invalidate new-current-uuid; do
	rc=0
	out=$(vm_run 2 "$TWINADM -c $TWIN_CONF $cmd r0 2>&1") || rc=$?
	if [ $rc -eq 6 ]; then
		expect_out "not yet supported by the kernel module" "$cmd (part 2)"
	else
		vm_log "$cmd exited $rc: $out"
	fi
done

# adjust: nothing to do, then a changed net option reconnects
adm_rc 1 0 --dry-run adjust r0
[ -z "$out" ] || vm_die "adjust of an unchanged resource would do: $out"
vm_log "ok: adjust with nothing to do"
vm_run 1 "sed -i 's/protocol C;/protocol C; net { ping-int 300ms; }/' $TWIN_CONF"
adm_rc 1 0 --dry-run adjust r0
expect_out "would send: DISCONNECT r0" "adjust disconnects on changed options"
expect_out "ping-int:300ms" "adjust reconnects with the new options"
adm_rc 1 0 adjust r0
adm_wait 1 cstate Connected 60
adm_rc 1 0 --dry-run adjust r0
[ -z "$out" ] || vm_die "adjust after adjust would still do: $out"
vm_log "ok: adjust"

adm_rc 2 0 disconnect r0
adm_rc 2 0 status r0
expect_out "node1 connection:StandAlone" "status of a disconnected node"
adm_rc 2 0 adjust r0
adm_wait 2 cstate Connected 60
vm_log "ok: adjust reconnects a StandAlone resource"

# Many resources: status dumps span several netlink messages, and a
# request that follows a dump on the same socket (adjust = status, then
# connect) must get its own answer, not the rest of the dump.
many=/tmp/twin/many.conf
vm_run 1 "for i in \$(seq 1 40); do
	echo \"resource m\$i { device minor \$i; disk none;
	on node1 { address $(vm_ip 1):\$((7800 + i)); }
	on node2 { address $(vm_ip 2):\$((7800 + i)); } }\"
done > $many"
out=$(vm_run 1 "$TWINADM -c $many up all 2>&1") || vm_die "up of 40 resources: $out"
n=$(vm_run 1 "$TWINADM status | grep -c '^m'") || true
[ "$n" = 40 ] || vm_die "status shows $n of 40 resources"
vm_log "ok: status of 40 resources"
out=$(vm_run 1 "$TWINADM -c $many disconnect m1 && $TWINADM -c $many adjust m1 && $TWINADM -c $many cstate m1 2>&1") ||
	vm_die "adjust after a dump: $out"
[ "$(tail -n 1 <<< "$out")" != StandAlone ] || vm_die "adjust did not reconnect m1"
out=$(vm_run 1 "$TWINADM -c $many role m40 2>&1")
[ "$out" = Secondary/Unknown ] || vm_die "role of the last resource: $out"
out=$(vm_run 1 "$TWINADM -c $many down all 2>&1") || vm_die "down of 40 resources: $out"
vm_log "ok: adjust and role among 40 resources"

for g in 1 2; do adm_rc "$g" 0 down all; done
adm_rc 1 0 down r0
adm_rc 1 0 status
expect_out "No twin resources are up." "status after down"
for g in 1 2; do vm_run "$g" "rmmod twin" || vm_die "guest $g: rmmod failed"; done
adm_rc 1 5 up r0
expect_out "twin kernel module not loaded (modprobe twin)" "up without the module"
vm_stop 1
vm_stop 2
vm_log "twinadm VM test passed"
