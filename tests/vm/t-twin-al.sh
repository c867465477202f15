#!/bin/bash
# Activity log (issue #4, test 2): power off the Primary while a random
# writer runs over the whole device, promote the Secondary and write a
# known number of distinct blocks there, restart the old Primary. On
# attach it marks exactly its active activity log extents out of sync; it
# rejoins as Secondary, becomes SyncTarget by itself, and only the log's
# extents plus the blocks written since are resynced. Data identical.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

AL_EXTENTS=8
NEW_BLOCKS=512			# 4 KiB blocks written on the new Primary
NEW_FIRST=20000			# at this block number

vm_init twin-al
vm_disk 1 data 256M
vm_disk 2 data 256M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

TWIN_DISK_OPTS="al-extents $AL_EXTENTS;"
twin_pair C
cp "$VM_O/tests/blkcheck" "$VM_RESULTS/blkcheck" || vm_die "no blkcheck"
bc=$VM_RESULTS/blkcheck

al=$(twin_field 1 al)
vm_log "guest 1: al: $al"
[[ "$al" =~ ^[0-9]+/$AL_EXTENTS\ extents\ of\ ([0-9]+)\ KiB ]] ||
	vm_die "no or wrong 'al:' status line: '$al'"
ext_kib=${BASH_REMATCH[1]}
size_sectors=$(twin_field 1 size-sectors)
blocks=$((size_sectors / 8))
dev_kib=$((size_sectors / 2))
[ $((AL_EXTENTS * ext_kib * 4)) -le "$dev_kib" ] ||
	vm_die "the device ($dev_kib KiB) is too small for this test"

# Random 4 KiB O_DIRECT|O_DSYNC writes over the whole device: the log
# keeps turning over while the power fails. The guest serves one command
# at a time, so the same command also reports the log's status line.
acks=$VM_RESULTS/acks.log
: > "$acks"
vm_run -t 120 1 "$bc write /dev/twin0 11 $blocks 90 & w=\$!
while kill -0 \$w 2>/dev/null; do grep '^al: ' $TWIN_STATUS; sleep 1; done" > "$acks" 2>/dev/null &
runner=$!
deadline=$((SECONDS + 90))
while [ "$(grep -c '^ack' "$acks" || true)" -lt 300 ]; do
	[ $SECONDS -lt $deadline ] || vm_die "writer made no progress"
	sleep 0.2
done
sleep 1.5			# one more status line
vm_kill 1
wait $runner || true
al1=$(sed -n 's/^al: //p' "$acks" | tail -1)
vm_log "$(grep -c '^ack' "$acks") writes acknowledged before the power failure (al: $al1)"
tx=$(sed -n 's/.*, \([0-9]*\) transactions$/\1/p' <<< "$al1")
[ "${tx:-0}" -gt "$AL_EXTENTS" ] ||
	vm_die "the log did not turn over before the crash: '$al1'"

# The survivor takes over and has every acknowledged write.
twin_wait 2 connection "Timeout|Connecting|BrokenPipe|NetworkFailure" 10 ||
	vm_die "Secondary did not notice the dead Primary"
twin_adm 2 primary r0 || vm_die "cannot promote the surviving Secondary"
vm_run 2 "cat > /tmp/acks.log << 'EOF_ACKS'
$(cat "$acks")
EOF_ACKS
$bc verify /dev/twin0 11 < /tmp/acks.log" || vm_die "acknowledged writes missing on the survivor"
vm_run 2 "dd if=/dev/urandom of=/dev/twin0 bs=4k seek=$NEW_FIRST count=$NEW_BLOCKS oflag=direct status=none" ||
	vm_die "writing on the new Primary failed"
new_kib=$((NEW_BLOCKS * 4))

# The old Primary comes back: the unclean log is applied on attach.
vm_start 1
vm_wait 1
twin_config 1 C			# the guest's /tmp is gone
vm_run 1 "insmod $TWIN_KO" || vm_die "guest 1: insmod failed"
vm_link_down 1			# look at the disk before the peer does
twin_adm 1 up r0 || vm_die "guest 1: up failed"
twin_wait 1 disk "Consistent|Outdated|UpToDate" 20 || vm_die "guest 1: attach failed"
vm_run 1 "dmesg | grep -i 'activity log\|unclean'" || true
al_after=$(twin_field 1 al)
oos_after=$(twin_field 1 out-of-sync)
vm_log "guest 1 after attach: al: $al_after, out-of-sync: ${oos_after:-?} KiB"
[[ "$al_after" =~ ^([0-9]+)/$AL_EXTENTS\ extents ]] ||
	vm_die "no 'al:' line after attach"
active=${BASH_REMATCH[1]}
[ "$active" -ge 1 ] || vm_die "no active extents survived the crash"
al_kib=$((active * ext_kib))
# the last extent may reach past the end of the device
[ -n "$oos_after" ] && [ "$oos_after" -le "$al_kib" ] &&
	[ "$oos_after" -gt $((al_kib - ext_kib)) ] ||
	vm_die "out-of-sync after attach is '${oos_after:-}' KiB, the log's $active extents are $al_kib KiB"

# Connect: Secondary, SyncTarget, then UpToDate, resyncing only the log's
# region and what the new Primary wrote.
vm_link_up 1
twin_wait 1 connection "Connected|SyncTarget" 30 || vm_die "guest 1 did not connect"
twin_wait 1 role Secondary 5 || vm_die "guest 1 did not rejoin as Secondary"
twin_wait 1 disk UpToDate 180 || vm_die "resync did not finish"
twin_wait 2 peer-disk UpToDate 30 || vm_die "guest 2 does not see an UpToDate peer"
resynced=$(twin_field 2 resynced)
[ -n "$resynced" ] || resynced=$(twin_field 1 resynced)
vm_run 1 "dmesg | grep -i 'sync' | tail -5" || true
slack_kib=1024
limit=$(((al_kib + new_kib + slack_kib) * 1024))
vm_log "resynced $resynced bytes; limit $limit (log $al_kib KiB + new $new_kib KiB + $slack_kib KiB), device $((dev_kib * 1024))"
[ -n "$resynced" ] && [ "$resynced" -gt 0 ] || vm_die "no resynced bytes reported"
[ "$resynced" -le "$limit" ] || vm_die "resynced more than the log region and the new writes"
[ "$resynced" -lt $((dev_kib * 1024 / 4)) ] || vm_die "resynced a large part of the device"
[ "$resynced" -ge $((new_kib * 1024)) ] || vm_die "resynced less than was written since the crash"

# Same data on both lower disks.
bytes=$((size_sectors * 512))
vm_run 1 "echo 3 > /proc/sys/vm/drop_caches"
vm_run 2 "echo 3 > /proc/sys/vm/drop_caches"
s1=$(twin_sum 1 /dev/vda "$bytes")
s2=$(twin_sum 2 /dev/vda "$bytes")
[ -n "$s1" ] && [ "$s1" = "$s2" ] || vm_die "data differs after the resync: $s1 / $s2"

# A clean down marks the log clean: the next attach sets no bits.
twin_adm 1 down r0 || vm_die "guest 1: down failed"
vm_link_down 1
twin_adm 1 up r0 || vm_die "guest 1: up after down failed"
twin_wait 1 disk "Consistent|Outdated|UpToDate" 20 || vm_die "guest 1: attach failed"
oos_clean=$(twin_field 1 out-of-sync)
vm_log "guest 1 after clean down and attach: out-of-sync ${oos_clean:-?} KiB"
[ "${oos_clean:-x}" = 0 ] || vm_die "a clean detach left '${oos_clean:-}' KiB out of sync"
twin_adm 1 down r0 || vm_die "guest 1: down failed"

# More extents than one transaction block holds: refused, and why (by
# twinadm's parser; the kernel refuses it too, for other clients).
TWIN_DISK_OPTS="al-extents 5000;"
twin_config 1 C
out=$(twin_adm 1 up r0 2>&1) && vm_die "al-extents 5000 was accepted"
grep -Eq "al-extents.*(from 4 to 1008|must be from)" <<< "$out" ||
	vm_die "no clear error for al-extents 5000: $out"
vm_run 1 "test ! -e /sys/kernel/debug/twin/r0" || vm_die "a refused up left r0 behind"
twin_adm 2 down r0 || vm_die "guest 2: down failed"
vm_stop 1
vm_stop 2
vm_log "twin activity log test passed"
