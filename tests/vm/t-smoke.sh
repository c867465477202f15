#!/bin/bash
# Smoke test of the VM harness: two guests boot, load a module built by our
# Kbuild, reach each other and the host side, keep their disks across a
# power failure, lose and regain their network link, see a failing disk,
# and shut down cleanly with no kernel warning.
set -eu
. "$(dirname "$0")/lib/vm.sh"

vm_init smoke
vm_disk 1 data 64M
vm_disk 2 data 64M
vm_start 1
vm_start 2
vm_wait 1
vm_wait 2

ko=$VM_REPO/tests/vm/smoke/twin_smoke.ko
for g in 1 2; do
	vm_run "$g" "insmod $ko && grep -q '^twin_smoke ' /proc/modules && rmmod twin_smoke && ! grep -q '^twin_smoke ' /proc/modules" ||
		vm_die "guest $g: cannot load and unload $ko"
	vm_run "$g" "dmesg | grep -q 'twin_smoke: loaded on $(vm_hostname "$g")'" ||
		vm_die "guest $g: module did not run its init"
done

vm_run 1 "ping -c 2 -W 5 $(vm_ip 2)" >/dev/null || vm_die "guest 1 cannot reach guest 2"
vm_host ping -c 2 -W 5 "$(vm_ip 1)" >/dev/null || vm_die "host side cannot reach guest 1"

# A cut link really cuts, and comes back.
vm_link_down 2
if vm_run 1 "ping -c 1 -W 1 $(vm_ip 2)" >/dev/null; then
	vm_die "guest 2 still answers with its link down"
fi
vm_link_up 2
vm_run 1 "for i in \$(seq 20); do ping -c 1 -W 1 $(vm_ip 2) && exit 0; done; exit 1" >/dev/null ||
	vm_die "guest 2 unreachable after its link came back"

# What reached the disk survives a power failure.
vm_run 1 "echo twin-marker-\$(hostname) | dd of=/dev/vda oflag=direct,sync conv=sync bs=4096 count=1 2>/dev/null"
vm_kill 1
vm_boot 1
got=$(vm_run 1 "dd if=/dev/vda bs=4096 count=1 iflag=direct 2>/dev/null | head -c 17")
[ "$got" = "twin-marker-node1" ] || vm_die "disk lost its data across power-off: '$got'"

# A failed lower disk returns I/O errors.
vm_dm_wrap 2 /dev/vda lower >/dev/null || vm_die "cannot wrap guest 2's disk"
vm_run 2 "dd if=/dev/mapper/lower of=/dev/null bs=4096 count=1 iflag=direct" >/dev/null 2>&1 ||
	vm_die "wrapped disk unreadable before the failure"
vm_dm_fail 2 lower
if vm_run 2 "dd if=/dev/mapper/lower of=/dev/null bs=4096 count=1 iflag=direct" >/dev/null 2>&1; then
	vm_die "failed disk still readable"
fi

# A command's exit code and output come back intact.
out=$(vm_run 2 "printf 'a\nb'; exit 3") && vm_die "exit code lost"
[ "$out" = "$(printf 'a\nb')" ] || vm_die "output mangled: '$out'"

vm_stop 1
vm_stop 2
vm_log "smoke test passed"
