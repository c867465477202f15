# shellcheck shell=bash
# The VM test harness: boot Debian-kernel guests under QEMU, drive them, and
# break them (power, network, disk). Source it from a bash test script; see
# tests/vm/README.md for the whole API and an example.
#
# Guests see the host's root file system read-only over 9p, so the freshly
# built twin.ko and build/bin/* are at the same paths inside them. Each guest
# is on a bridge inside a network namespace made for the test; the host side
# of that network is 10.77.0.1, guest N is 10.77.0.(10+N).

VM_REPO=${VM_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
VM_O=${O:-build}
case "$VM_O" in /*) ;; *) VM_O=$VM_REPO/$VM_O ;; esac
VM_KVER=${KVER:-$("$VM_REPO/scripts/kver.sh")}
VM_KERNEL=${VM_KERNEL:-/boot/vmlinuz-$VM_KVER}
VM_MEM=${VM_MEM:-512}
# TCG: on these machines /dev/kvm exists but a KVM guest hangs at boot.
# VM_ACCEL=kvm uses it where it works.
VM_ACCEL=${VM_ACCEL:-tcg}
VM_NET=10.77.0
VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-180}
VM_EXEC=$VM_O/tests/vmexec

# What in a console log fails the test that caused it.
VM_KERNEL_BAD='WARNING:|BUG:|Oops|general protection fault|Kernel panic|blocked for more than|UBSAN:|KASAN:|kernel BUG'

vm_log() { printf '[%s] vm: %s\n' "$(date +%T.%3N)" "$*" >&2; }
vm_die() { vm_log "FATAL: $*"; exit 1; }

# vm_init NAME: start a test; results (console logs, reports) go to
# $VM_RESULTS, kept after the test; the network namespace lives until exit.
vm_init() {
	local name=$1

	[ "$(id -u)" -eq 0 ] || { vm_log "needs root"; exit 77; }
	[ -r "$VM_KERNEL" ] || { vm_log "no guest kernel $VM_KERNEL"; exit 77; }
	[ -x "$VM_EXEC" ] || vm_die "$VM_EXEC missing: run make first"
	VM_RESULTS=${VM_RESULTS:-$VM_O/test-results/vm/$name}
	rm -rf "$VM_RESULTS"
	mkdir -p "$VM_RESULTS"
	# Sockets need a short path; disks and runtime state live here too.
	VM_RUN=$(mktemp -d /tmp/twinvm.XXXXXX)
	VM_NS=twinvm-$$
	VM_GUESTS=""
	trap vm_cleanup EXIT
	trap 'exit 130' INT TERM

	vm_initrd
	ip netns add "$VM_NS" || vm_die "cannot create netns $VM_NS"
	ip -n "$VM_NS" link set lo up
	ip -n "$VM_NS" link add br0 type bridge forward_delay 0 stp_state 0
	ip -n "$VM_NS" addr add "$VM_NET.1/24" dev br0
	ip -n "$VM_NS" link set br0 up
	vm_log "test $name: netns $VM_NS, results in $VM_RESULTS"
}

# Build the initramfs once per kernel and whenever its recipe changes.
vm_initrd() {
	local lib=$VM_REPO/tests/vm/lib

	VM_INITRD=$VM_O/vm/initrd-$VM_KVER.img
	if [ ! -s "$VM_INITRD" ] || [ "$lib/mkinitrd.sh" -nt "$VM_INITRD" ] ||
	   [ "$lib/initrd-init" -nt "$VM_INITRD" ]; then
		mkdir -p "$(dirname "$VM_INITRD")"
		"$lib/mkinitrd.sh" "$VM_KVER" "$VM_INITRD" ||
			vm_die "cannot build the initramfs"
	fi
}

vm_ip() { echo "$VM_NET.$((10 + $1))"; }
vm_hostname() { echo "node$1"; }

# vm_disk GUEST NAME SIZE: a sparse raw disk, attached in the order the
# disks were declared: the first is /dev/vda, the next /dev/vdb...
# It survives vm_kill and vm_start, so a restarted guest finds its data.
vm_disk() {
	local g=$1 name=$2 size=$3 img=$VM_RUN/g$1-$2.img

	[ -e "$img" ] || truncate -s "$size" "$img" ||
		vm_die "cannot create $img"
	echo "$img" >> "$VM_RUN/g$g.disks"
}

vm_disk_path() { echo "$VM_RUN/g$1-$2.img"; }

# vm_start GUEST: power the guest on (returns at once; see vm_wait).
vm_start() {
	local g=$1 tap=tap$1 mac img disks=()

	mac=$(printf '52:54:00:77:00:%02x' "$g")
	if [ -s "$VM_RUN/g$g.disks" ]; then
		while read -r img; do
			disks+=(-drive "file=$img,format=raw,if=virtio,cache=none")
		done < "$VM_RUN/g$g.disks"
	fi
	if ! ip -n "$VM_NS" link show "$tap" >/dev/null 2>&1; then
		ip -n "$VM_NS" tuntap add "$tap" mode tap
		ip -n "$VM_NS" link set "$tap" master br0
		ip -n "$VM_NS" link set "$tap" up
	fi
	rm -f "$VM_RUN/g$g.ctl"
	echo "=== boot $(date +%T.%3N) ===" >> "$VM_RESULTS/g$g.console.log"
	ip netns exec "$VM_NS" qemu-system-x86_64 \
		$(vm_accel_args) -smp 1 -m "$VM_MEM" \
		-nodefaults -no-user-config -display none -vga none -no-reboot \
		-kernel "$VM_KERNEL" -initrd "$VM_INITRD" \
		-append "console=ttyS0 loglevel=5 panic=-1 twin.host=$(vm_hostname "$g") twin.addr=$(vm_ip "$g")/24 twin.init=$VM_REPO/tests/vm/lib/guest-init.sh" \
		-chardev "file,id=con,path=$VM_RESULTS/g$g.console.log,append=on" \
		-serial chardev:con \
		-chardev "socket,id=ctl,path=$VM_RUN/g$g.ctl,server=on,wait=off" \
		-serial chardev:ctl \
		-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
		-netdev "tap,id=net0,ifname=$tap,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=net0,mac=$mac" \
		"${disks[@]}" \
		> "$VM_RESULTS/g$g.qemu.log" 2>&1 &
	echo $! > "$VM_RUN/g$g.pid"
	case " $VM_GUESTS " in *" $g "*) ;; *) VM_GUESTS="$VM_GUESTS $g" ;; esac
}

vm_accel_args() {
	case $VM_ACCEL in
	kvm) echo "-accel kvm -cpu host" ;;
	*) echo "-accel tcg,thread=multi -cpu max" ;;
	esac
}

vm_pid() { cat "$VM_RUN/g$1.pid" 2>/dev/null; }
vm_alive() { local p; p=$(vm_pid "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# vm_wait GUEST: wait until the guest's agent serves commands.
vm_wait() {
	local g=$1 log=$VM_RESULTS/g$1.console.log
	local deadline=$((SECONDS + VM_BOOT_TIMEOUT)) boots

	boots=$(grep -c '^=== boot' "$log")
	while :; do
		# Count ready lines after the latest boot marker only.
		if awk -v n="$boots" '/^=== boot/ { b++ } b == n && /twin-agent: .* ready/ { f = 1 } END { exit !f }' "$log"; then
			break
		fi
		vm_alive "$g" || vm_die "guest $g died while booting (see $log)"
		[ $SECONDS -lt $deadline ] ||
			vm_die "guest $g did not boot in ${VM_BOOT_TIMEOUT}s"
		sleep 0.2
	done
	vm_log "guest $g ($(vm_hostname "$g"), $(vm_ip "$g")) is up"
}

vm_boot() { vm_start "$1"; vm_wait "$1"; }

# vm_run [-t SECONDS] GUEST COMMAND...: run a shell command in the guest;
# prints its output and returns its exit code.
vm_run() {
	local t=300 g

	if [ "$1" = -t ]; then t=$2; shift 2; fi
	g=$1
	shift
	"$VM_EXEC" -t "$t" "$VM_RUN/g$g.ctl" "$*"
}

# vm_host COMMAND...: run a command on the host side of the guest network
# (10.77.0.1), e.g. a mail client talking to a virtual IP.
vm_host() { ip netns exec "$VM_NS" "$@"; }

# vm_kill GUEST: pull the plug. Nothing is flushed; disks keep what reached
# them.
vm_kill() {
	local p

	p=$(vm_pid "$1")
	[ -n "$p" ] || return 0
	kill -KILL "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	rm -f "$VM_RUN/g$1.pid"
	vm_log "guest $1 powered off (killed)"
}

# vm_stop GUEST: clean shutdown (sync, power off), killing it if it hangs.
vm_stop() {
	local g=$1 p deadline=$((SECONDS + 60))

	p=$(vm_pid "$g")
	[ -n "$p" ] || return 0
	vm_run -t 60 "$g" 'sync; (sleep 0.2; poweroff -f) >/dev/null 2>&1 &' \
		>/dev/null 2>&1
	while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
		sleep 0.2
	done
	if kill -0 "$p" 2>/dev/null; then
		vm_log "guest $g did not power off: killing it"
	fi
	vm_kill "$g" 2>/dev/null
}

# vm_link_down / vm_link_up GUEST: cut or restore the guest's network cable.
vm_link_down() { ip -n "$VM_NS" link set "tap$1" down; vm_log "guest $1 link down"; }
vm_link_up() { ip -n "$VM_NS" link set "tap$1" up; vm_log "guest $1 link up"; }

# vm_dm_wrap GUEST DEV NAME: put a device-mapper linear target named NAME
# over DEV in the guest, so vm_dm_fail can later break it; prints the path.
vm_dm_wrap() {
	vm_run "$1" "modprobe dm_mod && echo \"0 \$(blockdev --getsz $2) linear $2 0\" | dmsetup create --noudevsync $3 && dmsetup mknodes $3 && echo /dev/mapper/$3"
}

# vm_dm_fail GUEST NAME: from now on every I/O to the wrapped disk fails.
vm_dm_fail() {
	vm_run "$1" "dmsetup suspend --nolockfs --noflush $2 && echo \"0 \$(blockdev --getsz /dev/mapper/$2) error\" | dmsetup load $2 && dmsetup resume --noudevsync $2" &&
		vm_log "guest $1: disk $2 now fails every I/O"
}

# vm_check_logs: fail if any guest console shows a kernel warning or worse.
vm_check_logs() {
	local g log bad=0

	for g in $VM_GUESTS; do
		log=$VM_RESULTS/g$g.console.log
		if grep -Eq "$VM_KERNEL_BAD" "$log"; then
			vm_log "guest $g kernel log shows a problem:"
			grep -E -m 5 -A 3 "$VM_KERNEL_BAD" "$log" >&2
			bad=1
		fi
	done
	return $bad
}

vm_cleanup() {
	local rc=$? g

	trap - EXIT
	# A test may define vm_collect G to save a live guest's logs.
	if [ $rc -ne 0 ] && declare -F vm_collect >/dev/null; then
		for g in $VM_GUESTS; do
			vm_alive "$g" && vm_collect "$g" > "$VM_RESULTS/g$g.collected.log" 2>&1
		done
	fi
	for g in $VM_GUESTS; do
		vm_alive "$g" && vm_kill "$g" 2>/dev/null
	done
	[ -n "${VM_NS:-}" ] && ip netns del "$VM_NS" 2>/dev/null
	[ -n "${VM_RUN:-}" ] && rm -rf "$VM_RUN"
	if ! vm_check_logs; then
		[ $rc -eq 0 ] && rc=1
	fi
	vm_log "results kept in $VM_RESULTS"
	exit $rc
}
