#!/bin/bash
# Load, up, (forced) primary, write, down, rmmod 20 times: no kernel
# warning, and nothing left behind (device, major, module).
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

vm_init twin-loop
vm_disk 1 data 32M
vm_disk 1 data2 32M
vm_boot 1
twin_config 1 C
twin_load 1
vm_run 1 "rmmod twin"
for i in $(seq 20); do
	vm_run 1 "insmod $TWIN_KO" || vm_die "round $i: insmod failed"
	twin_adm 1 up r0 >/dev/null || vm_die "round $i: up failed"
	vm_run 1 "test -b /dev/twin0" || vm_die "round $i: no /dev/twin0"
	twin_adm 1 primary --force r0 >/dev/null || vm_die "round $i: primary failed"
	vm_run 1 "dd if=/dev/urandom of=/dev/twin0 bs=4k count=16 seek=$i oflag=direct 2>/dev/null" ||
		vm_die "round $i: write failed"
	twin_adm 1 down r0 >/dev/null || vm_die "round $i: down failed"
	vm_run 1 "test ! -e /dev/twin0 && test ! -e /sys/block/twin0" ||
		vm_die "round $i: device left after down"
	vm_run 1 "rmmod twin" || vm_die "round $i: rmmod failed"
	vm_run 1 "! grep -q '^twin ' /proc/modules && ! grep -qw twin /proc/devices" ||
		vm_die "round $i: module or major left after rmmod"
done
# Resources coexist, each with its own minor; a used minor is refused.
vm_run 1 "cat >> $TWIN_CONF << 'EOF_RES'
resource r1 {
	protocol C;
	device /dev/twin1;
	disk /dev/vdb;
	meta-disk internal;
	on node1 { address $(vm_ip 1):7791; }
	on node2 { address $(vm_ip 2):7791; }
}
EOF_RES
cat > /tmp/twin/r2.res << 'EOF_RES'
resource r2 {
	protocol C;
	device /dev/twin0;
	disk /dev/vdc;
	meta-disk internal;
	on node1 { address $(vm_ip 1):7792; }
	on node2 { address $(vm_ip 2):7792; }
}
EOF_RES"
twin_adm 1 --force create-md r1 >/dev/null || vm_die "create-md r1 failed"
vm_run 1 "insmod $TWIN_KO" || vm_die "insmod failed"
twin_adm 1 up r0 >/dev/null || vm_die "up r0 failed"
twin_adm 1 up r1 >/dev/null || vm_die "up r1 failed"
out=$(vm_run 1 "$TWINADM -c /tmp/twin/r2.res up r2 2>&1") && vm_die "minor used twice: $out"
vm_log "refused as expected: $out"
for r in r0 r1; do twin_adm 1 primary --force "$r" >/dev/null || vm_die "primary $r failed"; done
vm_run 1 "echo r0-data | dd of=/dev/twin0 conv=sync bs=4k oflag=direct 2>/dev/null && echo r1-data | dd of=/dev/twin1 conv=sync bs=4k oflag=direct 2>/dev/null" ||
	vm_die "writes to two resources failed"
[ "$(vm_run 1 "head -c 7 /dev/twin1")" = r1-data ] || vm_die "r1 has the wrong data"
[ "$(vm_run 1 "head -c 7 /dev/twin0")" = r0-data ] || vm_die "r0 has the wrong data"
twin_adm 1 down r1 >/dev/null || vm_die "down r1 failed"
vm_run 1 "test -b /dev/twin0 && test ! -e /dev/twin1" || vm_die "wrong devices after down r1"
# rmmod with a resource still up (Primary, closed) deletes it
vm_run 1 "rmmod twin && test ! -e /dev/twin0" || vm_die "rmmod with a resource up failed"
vm_stop 1
vm_log "twin load loop test passed"
