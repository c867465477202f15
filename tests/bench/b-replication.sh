#!/bin/bash
# Replication benchmark: the same two guests and disks, fio in the
# primary guest, on the raw lower disk, on twin (protocols C and A) and on
# the kernel's own DRBD 8.4 (drbd.ko with drbd-utils), plus the time to
# resync N MiB of dirty data after a disconnect. Prints a table and the
# ratios twin/raw and twin/DRBD. Under TCG the CPU is the bottleneck, so
# only ratios measured in one run mean anything.
set -eu
. "$(dirname "$0")/../vm/lib/vm.sh"

SIZE_MB=${BENCH_SIZE_MB:-256}
DIRTY_MB=${BENCH_DIRTY_MB:-64}
SECONDS_PER_RUN=${BENCH_RUNTIME:-10}
AL_MB=${BENCH_AL_MB:-2048}	# second disk, for the activity log rows
twinadm=$VM_O/bin/twinadm
twinko=$VM_REPO/kmod/twin.ko

vm_init bench-replication
for g in 1 2; do
	vm_disk "$g" data "$((SIZE_MB + 64))M"
	vm_disk "$g" al "${AL_MB}M"
	vm_start "$g"
done
vm_wait 1
vm_wait 2

# fio_run DEV JOB: prints "MiB/s iops lat_us" for one fio job in guest 1.
fio_run() {
	local dev=$1 job=$2 args

	case $job in
	seq) args="--rw=write --bs=1M --size=$((SIZE_MB / 2))M --iodepth=4" ;;
	dsync) args="--rw=randwrite --bs=4k --size=$((SIZE_MB / 2))M --sync=1 --iodepth=1 --runtime=$SECONDS_PER_RUN --time_based" ;;
	# activity log rows: random 4 KiB writes over the whole device, so
	# extents keep entering the log, and over a small hot region
	randall) args="--rw=randwrite --bs=4k --iodepth=16 --norandommap --randrepeat=0 --runtime=$SECONDS_PER_RUN --time_based" ;;
	randhot) args="--rw=randwrite --bs=4k --size=16M --iodepth=16 --runtime=$SECONDS_PER_RUN --time_based" ;;
	esac
	vm_run -t 600 1 "fio --name=$job --filename=$dev --direct=1 --ioengine=libaio $args --output-format=json" |
		python3 -c '
import json, sys
w = json.load(sys.stdin)["jobs"][0]["write"]
print("%.1f %.0f %.0f" % (w["bw"] / 1024, w["iops"], w["clat_ns"]["mean"] / 1000))'
}

declare -A result

measure() {
	local name=$1 dev=$2 job

	for job in seq dsync; do
		result[$name.$job]=$(fio_run "$dev" "$job" || echo "- - -")
		vm_log "$name $job: ${result[$name.$job]}"
	done
}

# wait_guest G CMD SECONDS: poll CMD in guest G until it succeeds.
wait_guest() {
	vm_run -t "$(($3 + 30))" "$1" "for i in \$(seq $(($3 * 5))); do $2 && exit 0; sleep 0.2; done; exit 1"
}

# --- raw lower disk -----------------------------------------------------
measure raw /dev/vda

# --- DRBD 8.4 -------------------------------------------------------------
drbd_conf() {
	cat <<EOC
global { usage-count no; }
resource r0 {
	protocol $1;
	device /dev/drbd0;
	disk /dev/vda;
	meta-disk internal;
	net { verify-alg crc32c; }
	on node1 { address $(vm_ip 1):7789; }
	on node2 { address $(vm_ip 2):7789; }
}
EOC
}

# verify_script DEV START DONE: guest shell code printing "SECONDS MIB":
# the time from START until DONE holds (polled every 0.1 s, 1500 s at
# most) and the size of DEV.
verify_script() {
	echo "mib=\$((\$(blockdev --getsize64 $1) >> 20)); s=\$(date +%s.%N)
	$2 >/dev/null || exit 1
	i=0; until $3; do i=\$((i + 1)); [ \$i -lt 15000 ] || exit 1; sleep 0.1; done
	echo \"\$(echo \"\$(date +%s.%N) - \$s\" | bc) \$mib\""
}

drbd_resync_time=- drbd_resynced=- drbd_verify=-
for proto in C A; do
	for g in 1 2; do
		vm_run "$g" "modprobe drbd && cat > /tmp/drbd.conf <<'EOC'
$(drbd_conf $proto)
EOC
drbdadm -c /tmp/drbd.conf create-md --force r0 >/dev/null 2>&1 && drbdadm -c /tmp/drbd.conf up r0" ||
			vm_die "drbd setup failed on guest $g"
	done
	wait_guest 1 "grep -q cs:Connected /proc/drbd" 60 >/dev/null ||
		vm_die "drbd did not connect"
	vm_run 1 "drbdadm -c /tmp/drbd.conf -- --clear-bitmap new-current-uuid r0 && drbdadm -c /tmp/drbd.conf primary r0" >/dev/null ||
		vm_die "drbd promotion failed"
	measure "drbd-$proto" /dev/drbd0
	if [ $proto = C ]; then
		# Resync: disconnect, dirty DIRTY_MB, reconnect, time to oos:0.
		vm_run 2 "drbdadm -c /tmp/drbd.conf disconnect r0"
		vm_run 1 "dd if=/dev/urandom of=/dev/drbd0 bs=1M count=$DIRTY_MB oflag=direct 2>/dev/null"
		# nr: (KiB received) only grows by the resync while idle
		drbd_nr() { vm_run 2 "sed -n 's/.* nr:\([0-9]*\) .*/\1/p' /proc/drbd | head -1"; }
		nr0=$(drbd_nr)
		drbd_resync_time=$(vm_run -t 900 2 "s=\$(date +%s.%N); drbdadm -c /tmp/drbd.conf connect r0;
			for i in \$(seq 6000); do grep -q 'ds:UpToDate/UpToDate' /proc/drbd && grep -q 'oos:0\$' /proc/drbd && grep -q cs:Connected /proc/drbd && break; sleep 0.1; done
			echo \"\$(date +%s.%N) - \$s\" | bc")
		nr1=$(drbd_nr)
		[ "${nr1:-0}" -ge "${nr0:-0}" ] || nr0=0	# counters reset
		drbd_resynced=$(echo "scale=1; (${nr1:-0} - ${nr0:-0}) / 1024" | bc) ||
			drbd_resynced=-
	fi
	if [ $proto = C ]; then
		# Online verify of the whole device, until VerifyS is over.
		# DRBD paces it with its resync controller (defaults, as for
		# the resync row); twin's runs at line rate, 2 MiB in flight.
		drbd_verify=$(vm_run -t 1800 1 "$(verify_script /dev/drbd0 \
			"drbdadm -c /tmp/drbd.conf verify r0" \
			"grep -q cs:Connected /proc/drbd")") || drbd_verify=-
		vm_log "drbd verify: ${drbd_verify:--} (s MiB)"
	fi
	for g in 1 2; do
		vm_run "$g" "drbdadm -c /tmp/drbd.conf down r0" >/dev/null
	done
done

# --- twin -----------------------------------------------------------------
twin_conf() {
	cat <<EOC
resource r0 {
	protocol $1;
	device /dev/twin0;
	disk /dev/vda;
	meta-disk internal;
	shared-secret "bench-secret";
	on node1 { address $(vm_ip 1):7790; }
	on node2 { address $(vm_ip 2):7790; }
}
EOC
}

twin_resync_time=- twin_resynced=- twin_verify=-
if [ -x "$twinadm" ] && [ -f "$twinko" ]; then
	for proto in C A; do
		for g in 1 2; do
			vm_run "$g" "lsmod | grep -q '^twin ' || insmod $twinko; cat > /tmp/twin.conf <<'EOC'
$(twin_conf $proto)
EOC
$twinadm -c /tmp/twin.conf create-md --force --yes r0 >/dev/null && $twinadm -c /tmp/twin.conf up r0" ||
				vm_die "twin setup failed on guest $g"
		done
		vm_run 1 "$twinadm -c /tmp/twin.conf primary --force r0" ||
			vm_die "twin promotion failed"
		wait_guest 1 "$twinadm -c /tmp/twin.conf status r0 | grep -q 'peer-disk:UpToDate'" 600 >/dev/null ||
			vm_die "twin initial sync did not finish"
		measure "twin-$proto" /dev/twin0
		if [ $proto = C ]; then
			vm_run 2 "$twinadm -c /tmp/twin.conf disconnect r0"
			vm_run 1 "dd if=/dev/urandom of=/dev/twin0 bs=1M count=$DIRTY_MB oflag=direct 2>/dev/null"
			# wait-sync: both UpToDate, no resync, no dirty bit left
			twin_resync_time=$(vm_run -t 900 2 "s=\$(date +%s.%N); $twinadm -c /tmp/twin.conf connect r0 &&
				$twinadm -c /tmp/twin.conf wait-sync --timeout 600 r0 >/dev/null 2>&1 &&
				echo \"\$(date +%s.%N) - \$s\" | bc") || twin_resync_time=-
			twin_resynced=$(vm_run 1 "$twinadm -c /tmp/twin.conf status --json r0" |
				python3 -c 'import json, sys; print("%.1f" % (json.load(sys.stdin)[0]["peer"]["resync"]["resynced-bytes"] / 1048576))') ||
				twin_resynced=-
		fi
		if [ $proto = C ]; then
			twin_verify=$(vm_run -t 1800 1 "$(verify_script /dev/twin0 \
				"$twinadm -c /tmp/twin.conf verify r0" \
				"grep -q '^connection: Connected' /sys/kernel/debug/twin/r0/status")") ||
				twin_verify=-
			vm_log "twin verify: ${twin_verify:--} (s MiB)"
		fi
		for g in 1 2; do
			vm_run "$g" "$twinadm -c /tmp/twin.conf down r0" >/dev/null
		done
	done
else
	vm_log "twin not built: twin rows stay empty"
fi

# --- activity log: random 4 KiB writes, whole device and hot region ------
# Each system with its default activity log on a second disk (/dev/vdb,
# AL_MB): DRBD 8.4 keeps 1237 extents of 4 MiB (4.8 GiB, more than this
# disk), twin 128 (512 MiB), so writes spread over the disk make twin write
# activity log transactions and DRBD not; the hot region fits both logs.
al_conf() {	# DEVICE: resource r1 on /dev/vdb
	cat <<EOC
resource r1 {
	protocol C;
	device $1;
	disk /dev/vdb;
	meta-disk internal;
	on node1 { address $(vm_ip 1):7791; }
	on node2 { address $(vm_ip 2):7791; }
}
EOC
}

al_rows() {	# NAME DEV
	local job

	for job in randall randhot; do
		result[$1.$job]=$(fio_run "$2" "$job" || echo "- - -")
		vm_log "$1 $job: ${result[$1.$job]}"
	done
}

for g in 1 2; do
	vm_run "$g" "cat > /tmp/drbd-al.conf <<'EOC'
global { usage-count no; }
$(al_conf /dev/drbd1)
EOC
drbdadm -c /tmp/drbd-al.conf create-md --force r1 >/dev/null 2>&1 && drbdadm -c /tmp/drbd-al.conf up r1" ||
		vm_die "drbd setup of r1 failed on guest $g"
done
wait_guest 1 "grep -q cs:Connected /proc/drbd" 60 >/dev/null || vm_die "drbd r1 did not connect"
vm_run 1 "drbdadm -c /tmp/drbd-al.conf -- --clear-bitmap new-current-uuid r1 && drbdadm -c /tmp/drbd-al.conf primary r1" >/dev/null ||
	vm_die "drbd r1 promotion failed"
al_rows drbd-C /dev/drbd1
for g in 1 2; do
	vm_run "$g" "drbdadm -c /tmp/drbd-al.conf down r1" >/dev/null
done

if [ -x "$twinadm" ] && [ -f "$twinko" ]; then
	for g in 1 2; do
		vm_run "$g" "lsmod | grep -q '^twin ' || insmod $twinko; cat > /tmp/twin-al.conf <<'EOC'
$(al_conf /dev/twin1)
EOC
$twinadm -c /tmp/twin-al.conf create-md --force --yes r1 >/dev/null && $twinadm -c /tmp/twin-al.conf up r1" ||
			vm_die "twin setup of r1 failed on guest $g"
	done
	wait_guest 1 "$twinadm -c /tmp/twin-al.conf cstate r1 | grep -q '^Connected'" 60 >/dev/null ||
		vm_die "twin r1 did not connect"
	# no initial sync of the empty disks if new-current-uuid can skip it
	vm_run 1 "$twinadm -c /tmp/twin-al.conf new-current-uuid --clear-bitmap r1 && $twinadm -c /tmp/twin-al.conf primary r1" ||
		vm_run 1 "$twinadm -c /tmp/twin-al.conf primary --force r1" || vm_die "twin r1 promotion failed"
	wait_guest 1 "$twinadm -c /tmp/twin-al.conf status r1 | grep -q 'peer-disk:UpToDate'" 900 >/dev/null ||
		vm_die "twin r1 initial sync did not finish"
	al_rows twin-C /dev/twin1
	vm_run 1 "sed -n 's/^al: /twin r1 activity log: /p' /sys/kernel/debug/twin/r1/status"
	for g in 1 2; do
		vm_run "$g" "$twinadm -c /tmp/twin-al.conf down r1" >/dev/null
	done
fi

# --- report ---------------------------------------------------------------
RS_MB_DRBD=$drbd_resynced RS_MB_TWIN=$twin_resynced \
VERIFY_DRBD=$drbd_verify VERIFY_TWIN=$twin_verify \
python3 - "$SIZE_MB" "$DIRTY_MB" "$drbd_resync_time" "$twin_resync_time" \
	"${result[raw.seq]}" "${result[raw.dsync]}" \
	"${result[drbd-C.seq]}" "${result[drbd-C.dsync]}" \
	"${result[drbd-A.seq]}" "${result[drbd-A.dsync]}" \
	"${result[twin-C.seq]:-- - -}" "${result[twin-C.dsync]:-- - -}" \
	"${result[twin-A.seq]:-- - -}" "${result[twin-A.dsync]:-- - -}" <<'EOP'
import sys
size, dirty, drbd_rs, twin_rs = sys.argv[1:5]
cols = ["raw", "drbd-C", "drbd-A", "twin-C", "twin-A"]
vals = {}
for i, c in enumerate(cols):
    vals[c] = {"seq": sys.argv[5 + 2 * i].split(), "dsync": sys.argv[6 + 2 * i].split()}

def num(x):
    try:
        return float(x)
    except ValueError:
        return None

def ratio(a, b):
    a, b = num(a), num(b)
    return "%.2f" % (a / b) if a and b else "n/a"

print("Replication benchmark (fio in guest 1, %s MiB disks, TCG)" % size)
print("%-28s %9s %9s %9s %9s %9s %10s %10s" % ("row", *cols, "twinC/raw", "twinC/drbdC"))
rows = [("seq 1MiB direct MiB/s", "seq", 0), ("4KiB O_DSYNC IOPS", "dsync", 1),
        ("4KiB O_DSYNC latency us", "dsync", 2)]
for label, job, k in rows:
    v = [vals[c][job][k] if len(vals[c][job]) > k else "-" for c in cols]
    if k == 2:  # lower is better: ratio of speeds, not of latencies
        r1, r2 = ratio(v[0], v[3]), ratio(v[1], v[3])
    else:
        r1, r2 = ratio(v[3], v[0]), ratio(v[3], v[1])
    print("%-28s %9s %9s %9s %9s %9s %10s %10s" % (label, *v, r1, r2))
def rate(t):
    t = num(t)
    return "%.1f" % (int(dirty) / t) if t else "-"
print("%-28s %9s %9s %9s %9s %9s %10s %10s" % ("resync %s MiB, MiB/s" % dirty, "", rate(drbd_rs), "", rate(twin_rs), "",
      "", ratio(rate(twin_rs), rate(drbd_rs))))
import os
rs_mb = [os.environ.get("RS_MB_" + k, "-") for k in ("DRBD", "TWIN")]
print("%-28s %9s %9s %9s %9s %9s %10s %10s" % ("  MiB resynced (dirtied %s)" % dirty, "", rs_mb[0], "", rs_mb[1], "",
      "", ratio(rs_mb[1], rs_mb[0])))
def verify_cell(k):
    v = os.environ.get("VERIFY_" + k, "-").split()
    t, mib = (num(v[0]), num(v[1])) if len(v) == 2 else (None, None)
    return ("%.1f (%.1f)" % (t, mib / t), "%.2f" % (mib / t)) if t and mib else ("-", None)
vd, vt = verify_cell("DRBD"), verify_cell("TWIN")
print("%-28s %9s %9s %9s %9s %9s %10s %10s" % ("verify of the whole device, s (MiB/s)", "", vd[0], "", vt[0], "",
      "", ratio(vt[1] or "-", vd[1] or "-")))
EOP
# activity log rows: IOPS of fio iodepth 16, twin/DRBD
for job in randall randhot; do
	case $job in
	randall) label="rand 4KiB ${AL_MB}MiB IOPS" ;;
	randhot) label="rand 4KiB hot 16MiB IOPS" ;;
	esac
	d=$(cut -d' ' -f2 <<< "${result[drbd-C.$job]:-- - -}")
	t=$(cut -d' ' -f2 <<< "${result[twin-C.$job]:-- - -}")
	r=$(awk -v a="$t" -v b="$d" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }')
	printf '%-28s %9s %9s %9s %9s %9s %10s %10s\n' "$label" "" "$d" "" "$t" "" "" "$r"
done
vm_stop 1
vm_stop 2
