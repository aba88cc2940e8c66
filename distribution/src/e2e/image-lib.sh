# ww4j's tiny test image, shared by the end-to-end rig (run.sh) and the demo (../demo/boot-vm.sh).
# Sourced; the caller defines log and die and sets CACHE (where the .debs are kept).
#
# fetch_debs          downloads Debian's linux-image-amd64 (the kernel package it depends on) and
#                     busybox-static with `apt-get download` into $CACHE (once); sets KERNEL_DEB and
#                     BUSYBOX_DEB
# build_rootfs DIR    writes a root file system into DIR: static busybox, the kernel and its e1000
#                     and virtio-net modules, and an init that brings up the addresses the ifupdown
#                     overlay wrote and prints "WW4J-E2E-BOOTED host=... addr=..." on the console;
#                     sets KVER (the kernel version)

fetch_debs() {
    mkdir -p "$CACHE"
    [ -O "$CACHE" ] && chmod 755 "$CACHE"
    local kpkg
    kpkg=$(apt-cache depends linux-image-amd64 2> /dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    if [ -z "$kpkg" ]; then
        apt-get -o DPkg::Lock::Timeout=900 update -qq
        kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    fi
    [ -n "$kpkg" ] || die "cannot resolve linux-image-amd64"
    for pkg in "$kpkg" busybox-static; do
        if ! ls "$CACHE/${pkg}_"*.deb > /dev/null 2>&1; then
            log "downloading $pkg"
            (cd "$CACHE" && apt-get -o APT::Sandbox::User=root download "$pkg" > /dev/null) \
                || die "apt-get download $pkg failed"
        fi
    done
    KERNEL_DEB=$(ls "$CACHE/${kpkg}_"*.deb | sort -V | tail -1)
    BUSYBOX_DEB=$(ls "$CACHE/busybox-static_"*.deb | sort -V | tail -1)
}

build_rootfs() {
    local r=$1 x="$1.unpack"
    mkdir -p "$x/k" "$x/b"
    dpkg-deb -x "$KERNEL_DEB" "$x/k"
    dpkg-deb -x "$BUSYBOX_DEB" "$x/b"
    KVER=$(ls "$x/k/lib/modules" | head -1)
    mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc/network/interfaces.d,proc,sys,dev,run,tmp,var/run,var/log,boot,root}
    cp "$x/b/bin/busybox" "$r/bin/busybox"
    for applet in $("$r/bin/busybox" --list-full); do
        [ -e "$r/$applet" ] || ln -s /bin/busybox "$r/$applet"
    done
    cp "$x/k/boot/vmlinuz-$KVER" "$r/boot/"
    # NIC drivers, in load order: e1000 (BIOS guests) and virtio-net (UEFI guests: OVMF has a
    # virtio-net driver of its own but none for the e1000 once the option ROM is disabled).
    local m
    for m in drivers/net/ethernet/intel/e1000/e1000.ko drivers/virtio/virtio_ring.ko drivers/virtio/virtio.ko \
        drivers/virtio/virtio_pci_modern_dev.ko drivers/virtio/virtio_pci_legacy_dev.ko \
        drivers/virtio/virtio_pci.ko net/core/failover.ko drivers/net/net_failover.ko drivers/net/virtio_net.ko; do
        mkdir -p "$(dirname "$r/lib/modules/$KVER/kernel/$m")"
        cp "$x/k/lib/modules/$KVER/kernel/$m" "$r/lib/modules/$KVER/kernel/$m"
        echo "kernel/$m" >> "$r/etc/e2e-modules"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "$r/etc/passwd"
    printf 'root:x:0:\n' > "$r/etc/group"
    # The image's own init: load the NIC driver, bring up the interfaces the ifupdown overlay
    # describes, report. wwinit has already set the host name; wwclient runs in the background.
    # busybox --list-full made sbin/init an ABSOLUTE symlink to /bin/busybox: writing through it
    # would overwrite the host's busybox. Replace the link, never write through it.
    rm -f "$r/sbin/init"
    cat > "$r/sbin/init" << 'EOF'
#!/bin/sh
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH
mkdir -p /var/run /var/log /tmp /run/network
while read -r m; do insmod "/lib/modules/$(uname -r)/$m" 2> /dev/null; done < /etc/e2e-modules
ip link set lo up
# busybox ifup wants "netmask", the overlay writes "address a.b.c.d/len": apply it by hand
for f in /etc/network/interfaces.d/*; do
    [ -f "$f" ] || continue
    awk '$1 == "iface" && $3 == "inet" {dev = $2} $1 == "address" && dev != "" {print dev, $2; dev = ""}' "$f" |
    while read -r dev a; do
        ip link set "$dev" up && ip addr add "$a" dev "$dev"
    done
    gw=$(awk '$1 == "gateway" {print $2; exit}' "$f")
    [ -n "$gw" ] && ip route add default via "$gw"
done
addr=$(ip -4 -o addr show scope global | awk '{print $4}' | head -1)
echo "WW4J-E2E-BOOTED host=$(hostname) etc-hostname=$(cat /etc/hostname 2>/dev/null) addr=$addr" > /dev/console
# the agent's log on the console too, so the test log shows what wwclient did
touch /var/log/wwclient.log
tail -f /var/log/wwclient.log > /dev/console 2>&1 &
while :; do sleep 3600; done
EOF
    chmod 755 "$r/sbin/init"
    rm -rf "$x"
}
