#!/bin/sh
# PID 1 of a test guest, run from the host's root file system (9p,
# read-only). Gives the guest its writable places, its name and address,
# then serves commands from the host on the second serial port (ttyS1).
#
# Kernel command line: twin.host=NAME twin.addr=ADDR/PREFIX
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

for arg in $(cat /proc/cmdline); do
	case "$arg" in
	twin.host=*) host=${arg#twin.host=} ;;
	twin.addr=*) addr=${arg#twin.addr=} ;;
	esac
done

# The shared root is read-only: everything a guest writes lives in tmpfs.
# The project tree may itself sit under one of those places (a CI clone in
# /tmp): keep it visible through a bind mount made before it is covered.
repo=$(cd "$(dirname "$0")/../../.." && pwd)
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/repo /run/lock
mount --bind "$repo" /run/repo
for d in /tmp /var/tmp /var/log /var/lib/twin /var/lib/drbd /root /mnt /srv; do
	mount -t tmpfs -o mode=0755 tmpfs "$d" 2>/dev/null
done
chmod 1777 /tmp /var/tmp
if [ ! -d "$repo/tests/vm" ]; then
	mkdir -p "$repo"
	mount --bind /run/repo "$repo"
fi
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
mount -t configfs configfs /sys/kernel/config 2>/dev/null

hostname "$host"
# Report hung tasks quickly so a test that wedges the kernel fails clearly.
sysctl -q kernel.hung_task_timeout_secs=20
sysctl -q kernel.printk="7 4 1 7"

modprobe virtio_blk
modprobe virtio_net
ip link set lo up
for i in $(seq 50); do
	[ -e /sys/class/net/eth0 ] && break
	sleep 0.1
done
ip link set eth0 up
ip addr add "$addr" dev eth0

ctl=/dev/ttyS1
stty -F $ctl raw -echo -ixon -ixoff
echo "twin-agent: $host ready" > /dev/console

# Request: "ID BASE64(command)\n". Reply: "@@BEGIN ID\n" output
# "\n@@END ID RC\n". Commands run with no stdin so they cannot eat the next
# request; a background job must redirect its own output.
exec 3<>$ctl
while IFS=' ' read -r id cmd <&3; do
	[ -n "$id" ] || continue
	printf '%s' "$cmd" | base64 -d > /run/agent.cmd 2>/dev/null
	printf '@@BEGIN %s\n' "$id" >&3
	sh /run/agent.cmd < /dev/null >&3 2>&1 3>&-
	printf '\n@@END %s %s\n' "$id" "$?" >&3
done
echo "twin-agent: channel closed" > /dev/console
poweroff -f
