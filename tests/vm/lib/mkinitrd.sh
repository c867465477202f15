#!/bin/sh
# Build the guests' tiny initramfs: busybox plus the modules needed to mount
# the host's root file system read-only over 9p. Everything else (the
# project's binaries, twin.ko, e2fsprogs, the rest of /lib/modules) the guest
# reads from that shared root, so a rebuild of the project needs no new image.
#
#   mkinitrd.sh KVER OUTPUT
set -eu
kver=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bin" "$work/lib/modules" "$work/proc" "$work/sys" \
	 "$work/dev" "$work/newroot"
cp /bin/busybox "$work/bin/busybox"
cp "$here/initrd-init" "$work/init"
chmod 755 "$work/init"

# Modules in dependency order, as modprobe would load them.
for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' > "$work/lib/modules/order.full"
while read -r ko; do
	cp "$ko" "$work/lib/modules/"
	basename "$ko"
done < "$work/lib/modules/order.full" > "$work/lib/modules/order"
rm "$work/lib/modules/order.full"

(cd "$work" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
