#!/bin/bash
# Issue #4, test 6: a resync does not starve the application.
#
# A pair with disk { c-max-rate; c-min-rate; }: disconnect, dirty most of
# the device on the Primary, reconnect. While the bitmap resync runs, a
# synchronous writer (tests/vm/tools/wlat.py: 4 KiB O_DIRECT|O_DSYNC, one
# at a time) measures the Primary's write latency, which is compared with
# the same writer on the idle, in-sync pair. Both are PRINTED with the
# configured limits and the resync speed when idle and under load; timing
# depends on the machine (TCG guests on a shared host), so the assertions
# are functional: the limits reach the module, progress is reported in
# twinadm status and events, latency samples were taken while the resync
# ran, the resync finishes (wait-sync), only about what was dirtied is
# resynced, and both lower disks are identical afterwards.
#
# Knobs: RATELIMIT_DIRTY_MB (default 160), RATELIMIT_WRITER_S (8),
# RATELIMIT_MAX ("10M"), RATELIMIT_MIN ("1M").
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

DIRTY_MB=${RATELIMIT_DIRTY_MB:-160}
WRITER_S=${RATELIMIT_WRITER_S:-8}
MAX_RATE=${RATELIMIT_MAX:-10M}
MIN_RATE=${RATELIMIT_MIN:-1M}

vm_init twin-ratelimit
WLAT=$VM_RESULTS/wlat.py
cp "$(dirname "$0")/tools/wlat.py" "$WLAT" || vm_die "no wlat.py"
vm_disk 1 data 256M
vm_disk 2 data 256M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

vm_collect() {
	vm_run "$1" "cat $TWIN_STATUS; $TWINADM -c $TWIN_CONF status --verbose r0; dmesg | grep twin | tail -40"
}

# KiB/s of a DRBD-style rate ("20M", "512K", "300").
kib_of() {
	local v=${1%[KkMmGg]}

	case $1 in
	*[Gg]) echo $((v * 1048576)) ;;
	*[Mm]) echo $((v * 1024)) ;;
	*) echo "$v" ;;
	esac
}

TWIN_DISK_OPTS="c-max-rate $MAX_RATE; c-min-rate $MIN_RATE;"
twin_pair C
size=$(( $(twin_field 1 size-sectors) * 512 ))
[ "$size" -gt $((DIRTY_MB << 20)) ] || vm_die "device smaller than $DIRTY_MB MiB"

# The limits went from the config file through netlink into the module.
rates=$(twin_field 1 resync-rate)
vm_log "configured: c-max-rate $MAX_RATE c-min-rate $MIN_RATE; module: resync-rate: $rates"
[[ "$rates" =~ ^max\ ([0-9]+)(\ KiB)?/s\ min\ ([0-9]+)(\ KiB)?/s$ ]] &&
	[ "${BASH_REMATCH[1]}" = "$(kib_of "$MAX_RATE")" ] &&
	[ "${BASH_REMATCH[3]}" = "$(kib_of "$MIN_RATE")" ] ||
	vm_die "module has resync-rate '$rates', configured $MAX_RATE and $MIN_RATE"
twin_adm 1 dump r0 | grep -q "c-max-rate $MAX_RATE;" ||
	vm_die "twinadm dump does not show c-max-rate"

# wlat G SEED: run the writer in the background in guest G.
wlat_start() {
	vm_run "$1" "rm -f /tmp/wlat.out; python3 $WLAT /dev/twin0 $WRITER_S $2 > /tmp/wlat.out 2>&1 &"
}

# wlat_result G: wait for the writer's summary line and print it.
wlat_result() {
	local g=$1 deadline=$((SECONDS + WRITER_S + 120)) line

	while :; do
		line=$(vm_run "$g" "grep '^samples' /tmp/wlat.out" 2>/dev/null) && break
		[ $SECONDS -lt $deadline ] || {
			vm_run "$g" "cat /tmp/wlat.out" >&2
			vm_die "writer in guest $g did not finish"
		}
		sleep 1
	done
	echo "$line"
}

# field LINE KEY: the number after KEY in "samples N p50_us X ...".
field() { sed -n "s/.*\<$2 \([0-9.]*\).*/\1/p" <<< "$1"; }

# --- 1. baseline: the same writer on the idle, connected pair -------------
wlat_start 1 1
base=$(wlat_result 1)
vm_log "baseline (no resync): $base"
[ "$(field "$base" samples)" -gt 0 ] || vm_die "no baseline samples"

# --- 2. disconnect, dirty DIRTY_MB, reconnect ------------------------------
twin_adm 2 disconnect r0 || vm_die "disconnect failed"
twin_wait 1 connection "Connecting|Unconnected|BrokenPipe|NetworkFailure|Timeout" 30 ||
	vm_die "Primary did not notice the disconnect"
vm_run -t 600 1 "dd if=/dev/urandom of=/dev/twin0 bs=1M count=$DIRTY_MB oflag=direct 2>&1 | tail -1" ||
	vm_die "dirtying $DIRTY_MB MiB failed"
oos=$(twin_field 1 out-of-sync)
vm_log "out of sync while disconnected: ${oos:-?} KiB"
[ "${oos:-0}" -ge $((DIRTY_MB * 1024)) ] ||
	vm_die "the bitmap marks ${oos:-0} KiB, $DIRTY_MB MiB were written"

# The progress is sampled inside the guest (a host round trip per sample
# is too slow under TCG): "TIME LEFT of TOTAL sectors left, RATE KiB/s"
# four times a second, bounded to 10 minutes.
vm_run 1 "(for i in \$(seq 2400); do echo \"\$(date +%s.%N) \$(sed -n 's/^sync: //p' $TWIN_STATUS)\"; sleep 0.25; done) > /tmp/sync.log 2>&1 &
echo \$! > /tmp/sampler.pid" || vm_die "cannot start the sampler"
twin_adm 2 connect r0 || vm_die "connect failed"
twin_wait 1 connection SyncSource 60 || vm_die "no resync after reconnect"

# --- 3. the resync alone: status and events show it -----------------------
st=$(twin_adm 1 status r0)
vm_log "twinadm status during the resync:"
echo "$st" >&2
grep -Eq "replication:SyncSource peer-disk:Inconsistent done:[0-9]+\.[0-9]{2}" <<< "$st" ||
	vm_die "status shows no resync progress"
grep -Eq "^    speed: [0-9.]+ [KMG]iB/s, eta " <<< "$st" ||
	vm_die "status shows no speed and eta"
ev=$(twin_adm 1 events --timeout 3 r0 || true)
echo "$ev" | grep sync-progress | head -3 >&2
grep -Eq "sync-progress r0 .*connection:SyncSource .*done:[0-9.]+ speed:" <<< "$ev" ||
	vm_die "events show no resync progress"
sleep 3		# a few more seconds of resync without the application

# --- 4. the writer during the resync --------------------------------------
wlat_start 1 2
busy=$(wlat_result 1)
vm_log "during the resync: $busy"
[ "$(field "$busy" samples)" -gt 0 ] || vm_die "no samples during the resync"

# --- 5. it finishes, copies what was dirtied, and the copies agree ---------
twin_adm 1 wait-sync --timeout 600 r0 || vm_die "wait-sync: the resync did not finish"
twin_wait 2 disk UpToDate 30 || vm_die "target not UpToDate after wait-sync"
vm_run 1 'kill $(cat /tmp/sampler.pid)' || true
vm_run 1 "cat /tmp/sync.log" > "$VM_RESULTS/sync.log" ||
	vm_die "cannot read the progress log"

# Resync speed before, during and after the writer, from the sectors left
# (what was done) and from the module's own "KiB/s" (what it reports).
speeds=$(python3 - "$VM_RESULTS/sync.log" "$(field "$busy" start)" \
	"$(field "$busy" end)" <<'EOP'
import re, sys
w0, w1 = float(sys.argv[2]), float(sys.argv[3])
pts = {"idle": [], "writer": [], "after": []}
for line in open(sys.argv[1]):
    m = re.match(r"(\d+\.\d+) (\d+) of \d+ sectors left, (\d+) KiB/s", line)
    if m:
        t = float(m.group(1))
        phase = "idle" if t < w0 else "writer" if t <= w1 else "after"
        pts[phase].append((t, int(m.group(2)), int(m.group(3))))
out = []
for phase in ("idle", "writer", "after"):
    p = pts[phase]
    done = p[0][1] - p[-1][1] if p else 0
    span = p[-1][0] - p[0][0] if len(p) > 1 else 0
    rate = "%d" % (done / 2 / span) if span > 0 else "-"
    rep = "%d" % (sum(x[2] for x in p) / len(p)) if p else "-"
    out.append("%s %d %d %s %s" % (phase, len(p), done, rate, rep))
print("\n".join(out))
EOP
) || vm_die "cannot read the progress log"
vm_log "resync progress (phase, samples, sectors done, KiB/s done, KiB/s reported):"$'\n'"$speeds"
read -r _ idle_n idle_done idle_rate idle_rep <<< "$(grep ^idle <<< "$speeds")"
read -r _ busy_n _ busy_rate busy_rep <<< "$(grep ^writer <<< "$speeds")"
[ "$idle_n" -gt 1 ] && [ "$idle_done" -gt 0 ] ||
	vm_die "no resync progress was reported before the writer started"
[ "$busy_n" -gt 0 ] ||
	vm_die "the resync was not running while the writer ran (raise RATELIMIT_DIRTY_MB)"

resynced=$(twin_field 1 resynced)
vm_log "resynced ${resynced:-?} bytes after dirtying $DIRTY_MB MiB (+ the writer's blocks)"
[ "${resynced:-0}" -ge $((DIRTY_MB << 20)) ] ||
	vm_die "resynced ${resynced:-0} bytes, less than the $DIRTY_MB MiB dirtied"
[ "$resynced" -lt $(((DIRTY_MB + 32) << 20)) ] ||
	vm_die "resynced $resynced bytes: more than what changed (a full sync?)"

for g in 1 2; do twin_adm "$g" down r0 || vm_die "guest $g: down failed"; done
s1=$(twin_sum 1 /dev/vda "$size")
s2=$(twin_sum 2 /dev/vda "$size")
[ "$s1" = "$s2" ] || vm_die "lower disks differ after the resync ($s1 vs $s2)"

# The metadata as dump-md reads it after a clean down: an empty bitmap, a
# clean activity log, and the same data generation on both nodes.
declare -a uuid
for g in 1 2; do
	md=$(twin_adm "$g" dump-md r0) || vm_die "guest $g: dump-md failed"
	vm_log "guest $g: dump-md:"$'\n'"$md"
	grep -qx "out-of-sync 0 blocks (0 KiB)" <<< "$md" ||
		vm_die "guest $g: dump-md shows out-of-sync blocks after the resync"
	grep -Eq "^activity-log (seq [0-9]+, .* clean|empty)" <<< "$md" ||
		vm_die "guest $g: the activity log is not clean after down"
	uuid[g]=$(sed -n 's/^current-uuid //p' <<< "$md")
done
[ -n "${uuid[1]}" ] && [ "${uuid[1]}" = "${uuid[2]}" ] ||
	vm_die "current UUIDs differ after the resync: ${uuid[1]} vs ${uuid[2]}"

# --- report ---------------------------------------------------------------
vm_log "RESULT limits: c-max-rate $MAX_RATE c-min-rate $MIN_RATE"
vm_log "RESULT write latency p50/p99 us: idle pair $(field "$base" p50_us)/$(field "$base" p99_us), during resync $(field "$busy" p50_us)/$(field "$busy" p99_us)"
vm_log "RESULT resync KiB/s done (reported): alone $idle_rate ($idle_rep), with the writer $busy_rate ($busy_rep)"
for g in 1 2; do vm_run "$g" "rmmod twin" || vm_die "guest $g: rmmod failed"; done
vm_stop 1
vm_stop 2
vm_log "twin ratelimit test passed"
