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
twinadm=$VM_O/bin/twinadm
twinko=$VM_REPO/kmod/twin.ko

vm_init bench-replication
for g in 1 2; do
	vm_disk "$g" data "$((SIZE_MB + 64))M"
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
	on node1 { address $(vm_ip 1):7789; }
	on node2 { address $(vm_ip 2):7789; }
}
EOC
}

drbd_resync_time=-
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
		drbd_resync_time=$(vm_run -t 900 2 "s=\$(date +%s.%N); drbdadm -c /tmp/drbd.conf connect r0;
			for i in \$(seq 6000); do grep -q 'oos:0\$' /proc/drbd && grep -q cs:Connected /proc/drbd && break; sleep 0.1; done
			echo \"\$(date +%s.%N) - \$s\" | bc")
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

twin_resync_time=-
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
			twin_resync_time=$(vm_run -t 900 2 "s=\$(date +%s.%N); $twinadm -c /tmp/twin.conf connect r0;
				for i in \$(seq 6000); do $twinadm -c /tmp/twin.conf status r0 | grep -q 'peer-disk:UpToDate' && break; sleep 0.1; done
				echo \"\$(date +%s.%N) - \$s\" | bc")
		fi
		for g in 1 2; do
			vm_run "$g" "$twinadm -c /tmp/twin.conf down r0" >/dev/null
		done
	done
else
	vm_log "twin not built: twin rows stay empty"
fi

# --- report ---------------------------------------------------------------
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
EOP
vm_stop 1
vm_stop 2
