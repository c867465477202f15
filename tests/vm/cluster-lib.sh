# shellcheck shell=bash
# The drills' cluster: guests 1 and 2 are a storage pair (twin resource r0
# on /dev/vda, ext4 on /dev/twin0 mounted at /srv/g1, slot /srv/g1/slotA),
# guest 3 is the witness; twinhb runs on all three and owns group g1 with
# the virtual IP $CL_VIP. The host side is the mail client. Source after
# lib/vm.sh and twin-lib.sh.

CL_VIP=10.77.0.100
CL_SLOT=/srv/g1/slotA
CL_USER=alice
CL_PASS=drill-password-1
# twinhb timings (the defaults; make bench also tries faster ones)
CL_HB_TIMINGS=${CL_HB_TIMINGS:-"interval 200ms; deadtime 2s;"}
# r0 with DRBD's resource-only fencing: a Primary that loses its peer
# holds writes until twinhb says resume-io (peer fenced) or fail-io (lost)
TWIN_FENCING=${TWIN_FENCING-resource-only}
TWINHB=$VM_O/bin/twinhb
SLOTD=$VM_O/bin/slotd
SLOTCTL=$VM_O/bin/slotctl
MAILCLIENT=$VM_REPO/tests/vm/tools/mailclient.py

for b in "$TWINHB" "$SLOTD" "$SLOTCTL"; do
	[ -x "$b" ] || { vm_log "no $b: build it first"; exit 77; }
done

cl_ms() { date +%s%3N; }

# cl_boot: the three guests, the pair synced, the slot made on node1, the
# group released so that twinhb starts it.
cl_boot() {
	vm_disk 1 data 160M
	vm_disk 2 data 160M
	vm_start 1
	vm_start 2
	vm_start 3
	vm_wait 1
	vm_wait 2
	vm_wait 3
	twin_pair C
	vm_run 1 "set -e
		mkfs.ext4 -q /dev/twin0
		mkdir -p /srv/g1
		mount -t ext4 /dev/twin0 /srv/g1
		$SLOTCTL create $CL_SLOT >/dev/null
		for u in $CL_USER bob carol; do
			echo '$CL_PASS' | $SLOTCTL adduser $CL_SLOT \$u
		done
		cat > $CL_SLOT/slot.conf << 'EOC'
lmtp = 0.0.0.0:24
pop3 = 0.0.0.0:110
plaintext_auth = always
EOC
		umount /srv/g1" || vm_die "cannot make the slot on the replicated volume"
	twin_adm 1 secondary r0 || vm_die "cannot demote node1"
	for g in 1 2 3; do
		cl_hb_config "$g"
	done
}

cl_hb_config() {
	vm_run "$1" "mkdir -p /srv/g1 && cat > /tmp/twinhb.conf << 'EOC'
$CL_HB_TIMINGS
shared-secret \"drill-heartbeat-secret-0123456789\";
hook /bin/true;
fence-action reboot;
commands {
	twinadm $TWINADM -c $TWIN_CONF;
	slotd $SLOTD -f;
}
node node1 { address $(vm_ip 1); }
node node2 { address $(vm_ip 2); }
witness node3 { address $(vm_ip 3); }
group g1 {
	preferred node1;
	resource r0;
	filesystem /dev/twin0 /srv/g1 ext4;
	slot $CL_SLOT;
	vip $CL_VIP/24 dev eth0;
}
EOC"
}

# cl_hb_start G: run twinhb on guest G (the witness on guest 3) and wait
# until it answers on its control socket.
cl_hb_start() {
	local g=$1 w=""

	[ "$g" = 3 ] && w=--witness
	vm_run "$g" "$TWINHB -c /tmp/twinhb.conf $w -f -v >> /var/log/twinhb.log 2>&1 &"
	vm_run -t 60 "$g" "for i in \$(seq 200); do $TWINHB -c /tmp/twinhb.conf status >/dev/null 2>&1 && exit 0; sleep 0.2; done; exit 1" ||
		vm_die "twinhb on guest $g does not answer"
}

cl_hb() {
	local g=$1

	shift
	vm_run "$g" "$TWINHB -c /tmp/twinhb.conf $*"
}

# cl_wait_owner G NODE SECONDS: wait until guest G reports g1 RUNNING on NODE.
cl_wait_owner() {
	local g=$1 node=$2 deadline=$((SECONDS + $3))

	while ! cl_hb "$g" where 2>/dev/null | grep -q "^g1 $node RUNNING"; do
		if [ $SECONDS -ge $deadline ]; then
			vm_log "g1 not running on $node: $(cl_hb "$g" where 2>&1)"
			vm_run "$g" "tail -n 30 /var/log/twinhb.log" >&2
			return 1
		fi
		sleep 0.5
	done
}

# cl_wait_mail SECONDS: wait until the virtual IP answers LMTP.
cl_wait_mail() {
	vm_host python3 - "$CL_VIP" "$1" << 'EOP'
import smtplib, sys, time
end = time.time() + float(sys.argv[2])
while time.time() < end:
    try:
        with smtplib.LMTP(sys.argv[1], 24, timeout=3) as l:
            l.noop()
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(1)
EOP
}

# cl_deliver FIRST COUNT LOG: deliver messages FIRST.. in the background
# from the host side; sets CL_DELIVER_PID.
cl_deliver() {
	vm_host python3 "$MAILCLIENT" deliver "$CL_VIP" "$CL_USER" "$2" "$3" \
		--first "$1" --seconds 300 > "$3.out" 2>&1 &
	CL_DELIVER_PID=$!
}

cl_acks() {
	local n

	n=$(grep -c '^ack ' "$1" 2>/dev/null)
	echo "${n:-0}"
}

# cl_wait_acks LOG N SECONDS
cl_wait_acks() {
	local deadline=$((SECONDS + $3))

	while [ "$(cl_acks "$1")" -lt "$2" ]; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
}

# cl_first_ack_after LOG MS NODE: time of the first acknowledgement after
# MS given by NODE (a reply read late by a busy client is not mistaken for
# the new owner's).
cl_first_ack_after() {
	awk -v t="$2" -v n="$3" '$1 == "ack" && $3 > t && $4 == n { print $3; exit }' "$1"
}

# cl_check LOG: every acknowledged message is in the mailbox, intact.
cl_check() {
	vm_host python3 "$MAILCLIENT" check "$CL_VIP" "$CL_USER" "$CL_PASS" "$1"
}

# cl_audit G: slotctl audit of the slot where it is mounted now.
cl_audit() {
	vm_run "$1" "$SLOTCTL audit $CL_SLOT"
}

# On failure, keep what each live guest knows (called by vm_cleanup).
vm_collect() {
	vm_run -t 30 "$1" "echo '--- twinhb.log'; cat /var/log/twinhb.log; echo '--- where'; $TWINHB -c /tmp/twinhb.conf where; echo '--- twin'; cat $TWIN_STATUS; echo '--- dmesg'; dmesg | tail -n 60"
}

# --- the drills' steps, shared by the t-*.sh drills and make demo --------

CL_REPORT=${CL_REPORT:-}
cl_note() {
	vm_log "$*"
	[ -z "$CL_REPORT" ] || echo "$(date +%T.%3N) $*" >> "$CL_REPORT"
}

# cl_show WHAT: a test does nothing here; the demo prints the state.
declare -F cl_show >/dev/null || cl_show() { :; }

# cl_start: boot the cluster and wait until g1 serves mail on node1.
cl_start() {
	local g

	cl_boot
	for g in 1 2 3; do
		cl_hb_start "$g"
	done
	cl_wait_owner 1 node1 60 || vm_die "g1 did not start on node1"
	cl_wait_mail 30 || vm_die "no LMTP on the virtual IP"
	cl_note "g1 runs on node1, mail served on $CL_VIP"
	cl_show "cluster up"
}

# cl_verify LOG G: every acknowledged message is there, the slot audits
# clean on guest G.
cl_verify() {
	local out

	out=$(cl_check "$1") || vm_die "acknowledged mail lost: $out"
	cl_note "$out"
	out=$(cl_audit "$2") || vm_die "slotctl audit not clean: $out"
	cl_note "$out"
}

# cl_power_failover FIRST COUNT LOG: deliver COUNT messages while the
# owner, node1, loses power; node2 must take over. Sets CL_FAILOVER_MS.
cl_power_failover() {
	local t_off t_back

	cl_deliver "$1" "$2" "$3"
	cl_wait_acks "$3" 20 120 || vm_die "deliveries do not progress"
	vm_kill 1
	t_off=$(cl_ms)
	cl_note "node1 powered off after $(cl_acks "$3") acknowledged messages"
	wait "$CL_DELIVER_PID" || vm_die "delivery client gave up: $(tail -n 3 "$3.out")"
	t_back=$(cl_first_ack_after "$3" "$t_off" node2)
	[ -n "$t_back" ] || vm_die "no delivery after the power-off"
	CL_FAILOVER_MS=$((t_back - t_off))
	cl_note "first delivery on node2 $CL_FAILOVER_MS ms after the power-off"
	cl_wait_owner 2 node2 10 || vm_die "node2 does not report g1"
	cl_show "after the failover"
	cl_verify "$3" 2
}

# cl_rejoin: power node1 on again; it resyncs and rejoins as standby.
cl_rejoin() {
	local t0

	t0=$(cl_ms)
	vm_boot 1
	vm_run 1 "insmod $TWIN_KO" || vm_die "insmod after restart"
	cl_hb_config 1
	twin_config 1 C
	twin_adm 1 up r0 || vm_die "node1 cannot rejoin"
	twin_wait 1 role Secondary 30 || vm_die "node1 did not rejoin as Secondary"
	cl_show "node1 back, resyncing"
	twin_wait 1 disk UpToDate 600 || vm_die "node1 did not resync"
	cl_hb_start 1
	cl_note "node1 back as standby, UpToDate, $(($(cl_ms) - t0)) ms after power-on"
}

# cl_move FIRST COUNT LOG HOW NODE: deliver while moving g1 to NODE with
# `twinhb HOW` (a switchover or a standby). Sets CL_MOVE_MS and CL_GAP_MS
# (the longest wait between two deliveries the client saw).
cl_move() {
	local t0 t1

	cl_deliver "$1" "$2" "$3"
	cl_wait_acks "$3" 20 120 || vm_die "deliveries do not progress"
	t0=$(cl_ms)
	cl_hb 1 $4 || vm_die "twinhb $4 refused"
	t1=$(cl_ms)
	wait "$CL_DELIVER_PID" || vm_die "delivery client gave up: $(tail -n 3 "$3.out")"
	CL_MOVE_MS=$((t1 - t0))
	CL_GAP_MS=$(awk -v a="$t0" -v b="$t1" '$1 == "ack" { if (p && $3 > a && p < b && $3 - p > m) m = $3 - p; p = $3 } END { print m + 0 }' "$3")
	cl_note "twinhb $4: done in $CL_MOVE_MS ms, clients waited at most $CL_GAP_MS ms"
	cl_wait_owner 1 "$5" 10 || vm_die "g1 not on $5"
	cl_show "after twinhb $4"
}
