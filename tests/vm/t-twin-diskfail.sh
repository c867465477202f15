#!/bin/bash
# The Primary's lower disk dies: it detaches (Diskless) and reads and
# writes go on through the peer, with the right data.
set -eu
. "$(dirname "$0")/lib/vm.sh"
. "$(dirname "$0")/twin-lib.sh"

vm_init twin-diskfail
vm_disk 1 data 64M
vm_disk 2 data 64M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2
vm_dm_wrap 1 /dev/vda lower >/dev/null || vm_die "cannot wrap guest 1's disk"
# twin_config reads the backing disk of guest 1 from here
export TWIN_DISK_1=/dev/mapper/lower

twin_pair C
vm_run 1 "head -c 8M /dev/urandom > /tmp/a && head -c 8M /dev/urandom > /tmp/b && dd if=/tmp/a of=/dev/twin0 bs=1M seek=4 oflag=direct 2>/dev/null" ||
	vm_die "write before the failure failed"

vm_dm_fail 1 lower
vm_run 1 "dd if=/tmp/b of=/dev/twin0 bs=1M seek=20 oflag=direct 2>/dev/null" ||
	vm_die "write failed after the lower disk died"
twin_wait 1 disk Diskless 20 || vm_die "failed disk not detached"
[ "$(twin_field 1 role)" = Primary ] || vm_die "Primary lost its role"
vm_run 1 "dd if=/dev/twin0 bs=1M skip=4 count=8 iflag=direct 2>/dev/null | cmp - /tmp/a" ||
	vm_die "old data unreadable through the peer"
vm_run 1 "dd if=/dev/twin0 bs=1M skip=20 count=8 iflag=direct 2>/dev/null | cmp - /tmp/b" ||
	vm_die "new data unreadable through the peer"
# and it is on the peer's disk
a=$(vm_run 1 "md5sum < /tmp/b | cut -d' ' -f1")
b=$(vm_run 2 "dd if=/dev/vda bs=1M skip=20 count=8 iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1")
[ "$a" = "$b" ] || vm_die "the peer's disk lacks the data written while Diskless"
vm_run 1 "mkfs.ext4 -q /dev/twin0 && mkdir -p /mnt/t && mount /dev/twin0 /mnt/t && cp /tmp/a /mnt/t/ && sync && umount /mnt/t && fsck.ext4 -n -f /dev/twin0" ||
	vm_die "ext4 on a diskless Primary failed"
vm_log "diskless Primary works through its peer"
for g in 1 2; do twin_adm "$g" down r0 || vm_die "guest $g: down failed"; done
vm_stop 1
vm_stop 2
vm_log "twin disk failure test passed"
