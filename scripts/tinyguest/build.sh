#!/usr/bin/env bash
# Build "tinyguest", Ferry's tiny test guest, from Debian packages only. See README.md.
#
# Every file the guest contains is written by this script, so the stamp (which hashes this
# script plus the exact .deb file names) decides on its own whether a rebuild is needed.
#
# Environment:
#   FERRY_CACHE_DIR       cache root (default <repo>/.cache); we use $FERRY_CACHE_DIR/tinyguest
#   TINYGUEST_OUT         output directory (default <cache root>/tinyguest/out)
#   TINYGUEST_REFRESH=1   ask apt for newer packages instead of reusing the cached .debs
#   TINYGUEST_FORCE=1     rebuild even when the stamp matches
# stdout: "name=path" lines for the artifacts (manifest= first). Everything else goes to stderr.
set -euo pipefail
umask 022                       # file modes end up in the cpio and the images: don't inherit them

SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
REPO=$(cd "$(dirname "$SELF")/../.." && pwd)
CACHE=${FERRY_CACHE_DIR:-$REPO/.cache}/tinyguest
OUT=${TINYGUEST_OUT:-$CACHE/out}
REFRESH=${TINYGUEST_REFRESH:-0}
FORCE=${TINYGUEST_FORCE:-0}

# Fixed on purpose (not taken from the environment): the outputs must depend on the .debs only.
export SOURCE_DATE_EPOCH=1700000000
DISK_MB=64                      # tests assert this virtual size
BOOT_MB=40                      # p1 FAT16: kernel (~14 MB), initrd, shim+grub (~5 MB), with room to spare
KFLAVOUR=cloud-amd64            # LZ4 kernel (fast to decompress under TCG), virtio only
# console=ttyS0 last: it becomes /dev/console, so init's own output goes to serial.
CMDLINE="console=tty0 console=ttyS0,115200n8 quiet"
# button + evdev are modules in Debian and must be loaded before acpid starts (it scans
# /dev/input/event* once). virtio_scsi + sd_mod/sr_mod: disks and CD-ROMs on a virtio-scsi bus.
MODULES="virtio_pci virtio_blk virtio_net virtio_scsi sd_mod sr_mod virtio_balloon virtio_rng virtio_console button evdev"
# Run from their unpacked .debs, never installed. The ISO is written by xorriso, not genisoimage:
# genisoimage stamps the build time into the ISO, xorriso honours SOURCE_DATE_EPOCH. Its libraries
# come along (libreadline8 too: Debian's bash does not pull it in, so a host may lack it).
ISO_PKGS="xorriso libisoburn1 libburn4 libisofs6 libjte2 libreadline8"
TOOL_PKGS="busybox-static syslinux syslinux-common isolinux mtools dosfstools shim-signed grub-efi-amd64-signed $ISO_PKGS"
ARTIFACTS="tinyguest.qcow2 tinyguest.raw vmlinuz initrd.gz cmdline.txt tinyguest.iso build-info.txt manifest.json"

log() { printf '[tinyguest-build] %s\n' "$*" >&2; }
die() { printf '[tinyguest-build] ERROR: %s\n' "$*" >&2; exit 1; }

print_paths() {
  printf '%s\n' "manifest=$OUT/manifest.json" "qcow2=$OUT/tinyguest.qcow2" "raw=$OUT/tinyguest.raw" \
    "vmlinuz=$OUT/vmlinuz" "initrd=$OUT/initrd.gz" "cmdline=$OUT/cmdline.txt" "iso=$OUT/tinyguest.iso" \
    "build-info=$OUT/build-info.txt"
}

# ---------------------------------------------------------------- host checks
if [ ! -r /etc/debian_version ] || ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
  die "not a Debian host: this builder needs apt-get and dpkg-deb (it builds from Debian packages only)"
fi
[ "$(dpkg --print-architecture)" = amd64 ] || die "amd64 Debian host required (apt-get download fetches host-arch .debs)"
for t in gzip sha256sum flock; do command -v $t >/dev/null || die "$t not found"; done
MKE2FS=$(PATH="$PATH:/sbin:/usr/sbin" command -v mke2fs) || die "mke2fs not found: apt-get install e2fsprogs"
command -v qemu-img >/dev/null || die "qemu-img not found: apt-get install qemu-utils"

mkdir -p "$CACHE/debs" "$CACHE/extract"
# One build at a time per cache. A caller that already holds this lock (tinyguest.ts) says so.
if [ "${TINYGUEST_LOCKED:-0}" != 1 ]; then
  exec 9>>"$CACHE/build.lock"
  flock 9
fi

# ---------------------------------------------------------------- packages
APT_OPTS=(-q)
# as root, apt wants to download as _apt, which may not be able to write into the cache
[ "$(id -u)" = 0 ] && APT_OPTS+=(-o APT::Sandbox::User=root)
APT_UPDATED=0
apt_update_once() {
  [ $APT_UPDATED = 1 ] && return 0
  APT_UPDATED=1
  if [ "$(id -u)" = 0 ]; then log "apt-get update"; apt-get update -qq >&2 || true
  else log "apt lists may be missing and we are not root: not running apt-get update"; fi
}
cached_deb() {   # newest cached .deb whose file name matches glob $1 (the "_" pins the exact name)
  local f
  # shellcheck disable=SC2231 # $1 is a glob on purpose
  for f in "$CACHE/debs/"$1_*.deb; do if [ -e "$f" ]; then printf '%s\n' "$f"; fi; done | sort -V | tail -n1
}
download() {     # a fresh machine may have no apt lists yet: update once, then retry
  ( cd "$CACHE/debs" && apt-get download "${APT_OPTS[@]}" "$@" >&2 ) && return 0
  apt_update_once
  ( cd "$CACHE/debs" && apt-get download "${APT_OPTS[@]}" "$@" >&2 )
}
resolve_kernel() {   # metapackage linux-image-cloud-amd64 -> linux-image-6.1.0-NN-cloud-amd64
  apt-cache depends "linux-image-$KFLAVOUR" 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'
}

# Without TINYGUEST_REFRESH the newest cached kernel wins, so a warm cache never talks to apt.
KDEB=""
[ "$REFRESH" = 1 ] || KDEB=$(cached_deb "linux-image-[0-9]*-$KFLAVOUR")
MISSING=()
if [ -z "$KDEB" ]; then
  KPKG=$(resolve_kernel)
  [ -n "$KPKG" ] || { apt_update_once; KPKG=$(resolve_kernel); }
  [ -n "$KPKG" ] || die "cannot resolve linux-image-$KFLAVOUR (no apt lists? run apt-get update as root)"
  MISSING+=("$KPKG")
fi
for p in $TOOL_PKGS; do
  if [ "$REFRESH" = 1 ] || [ -z "$(cached_deb "$p")" ]; then MISSING+=("$p"); fi
done
if [ ${#MISSING[@]} -gt 0 ]; then    # one apt-get call: each one costs about a second of overhead
  log "download ${MISSING[*]}"
  download "${MISSING[@]}" || die "apt-get download failed"
fi
[ -n "$KDEB" ] || KDEB=$(cached_deb "$KPKG")
[ -n "$KDEB" ] || die "no kernel .deb in $CACHE/debs"
declare -A DEB
for p in $TOOL_PKGS; do
  DEB[$p]=$(cached_deb "$p")
  [ -n "${DEB[$p]}" ] || die "package $p not available"
done

# ---------------------------------------------------------------- stamp / fast path
# Host tools that write bytes into the outputs count as inputs too.
STAMP=$(
  echo "script $(sha256sum < "$SELF" | cut -d' ' -f1)"
  echo "deb ${KDEB##*/}"
  for p in $TOOL_PKGS; do echo "deb ${DEB[$p]##*/}"; done
  echo "mke2fs $("$MKE2FS" -V 2>&1 | head -n1)"
  echo "qemu-img $(qemu-img --version | head -n1)"
)
fresh=1
for a in $ARTIFACTS .stamp; do [ -f "$OUT/$a" ] || fresh=0; done
if [ "$FORCE" != 1 ] && [ $fresh = 1 ] && [ "$(cat "$OUT/.stamp")" = "$STAMP" ]; then
  log "up to date: $OUT"
  print_paths
  exit 0
fi

T0=$(date +%s%N)
WORK=$(mktemp -d "$CACHE/work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

extract() {      # unpack a .deb once into the cache; print the directory
  local deb=$1 d
  d="$CACHE/extract/$(basename "$deb" .deb)"
  if [ ! -e "$d/.done" ]; then
    rm -rf "$d" "$d.tmp"; mkdir -p "$d.tmp"
    dpkg-deb -x "$deb" "$d.tmp"
    if [ -d "$d.tmp/lib/modules" ]; then    # a kernel: its .deb has no modules.dep (depmod runs at install)
      local kv; kv=$(ls "$d.tmp/lib/modules")
      log "depmod $kv (once per kernel)"
      "$BB" depmod -b "$d.tmp" "$kv"
    fi
    touch "$d.tmp/.done"; mv "$d.tmp" "$d"
  fi
  printf '%s' "$d"
}

declare -A X
for p in $TOOL_PKGS; do X[$p]=$(extract "${DEB[$p]}"); done
BB="${X[busybox-static]}/bin/busybox"     # also our build-time cpio and depmod
KDIR=$(extract "$KDEB")
KVER=$(ls "$KDIR/lib/modules")
VMLINUZ="$KDIR/boot/vmlinuz-$KVER"
[ -f "$VMLINUZ" ] || die "no vmlinuz in ${KDEB##*/}"
# syslinux's mtools-based installer calls mcopy/mattrib from PATH
export PATH="${X[mtools]}/usr/bin:${X[dosfstools]}/sbin:${X[syslinux]}/usr/bin:$PATH"
export MTOOLS_SKIP_CHECK=1
log "kernel $KVER, $("$BB" 2>&1 | head -n1 | cut -d' ' -f1-2)"

# ---------------------------------------------------------------- initramfs tree
R="$WORK/initramfs"
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc/init.d,etc/acpi/PWRF,etc/udhcpc,proc,sys,dev,run,tmp,root,data,var/log,lib/modules/"$KVER"}
chmod 1777 "$R/tmp"; chmod 700 "$R/root"
ln -s ../run "$R/var/run"
cp "$BB" "$R/bin/busybox"
for a in $("$BB" --list-full); do [ -e "$R/$a" ] || ln -s /bin/busybox "$R/$a"; done
ln -s /bin/busybox "$R/init"

# Kernel modules: the wanted ones plus everything modules.dep says they need. Built-in ones are
# fine; a module that is neither is a real error (a different kernel flavour slipped in).
MD="$KDIR/lib/modules/$KVER"
: > "$WORK/modpaths"; LOAD=""
for m in $MODULES; do
  line=$(awk -v m="$m" '{ k=$1; sub(/:$/,"",k); b=k; sub(/.*\//,"",b); sub(/\.ko.*$/,"",b); gsub(/-/,"_",b)
                         if (b == m) { print; exit } }' "$MD/modules.dep")
  if [ -n "$line" ]; then
    LOAD="$LOAD $m"
    for f in $line; do echo "${f%:}" >> "$WORK/modpaths"; done
  elif ! grep -Eq "/${m//_/[-_]}\.ko$" "$MD/modules.builtin"; then
    die "kernel $KVER has no module $m"
  fi
done
sort -u "$WORK/modpaths" | while read -r f; do
  mkdir -p "$R/lib/modules/$KVER/$(dirname "$f")"; cp "$MD/$f" "$R/lib/modules/$KVER/$f"
done
cp "$MD/modules.builtin" "$MD/modules.order" "$R/lib/modules/$KVER/"
"$BB" depmod -b "$R" "$KVER"
LOAD=${LOAD# }
echo "$LOAD" > "$R/etc/modules"

echo tinyguest > "$R/etc/hostname"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\n' > "$R/etc/group"
# empty hash: busybox login lets root in without asking for a password
printf 'root::19000:0:99999:7:::\n' > "$R/etc/shadow"; chmod 600 "$R/etc/shadow"
printf '127.0.0.1\tlocalhost\n' > "$R/etc/hosts"
printf '\ntinyguest (Debian kernel \\r, busybox) on \\l\nLog in as root (no password).\n\n' > "$R/etc/issue"
cat > "$R/etc/profile" <<'EOF'
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PS1='\u@\h:\w\$ '
EOF

cat > "$R/etc/inittab" <<'EOF'
::sysinit:/etc/init.d/rcS
::respawn:/sbin/tg-console tty1
::respawn:/sbin/tg-console ttyS0
::ctrlaltdel:/sbin/reboot
::shutdown:/etc/init.d/rcK
EOF

# /dev/console is only one of the consoles; markers must reach VGA and serial alike.
cat > "$R/sbin/tg-say" <<'EOF'
#!/bin/sh
for c in $(cat /sys/class/tty/console/active 2>/dev/null); do echo "$*" > /dev/$c; done 2>/dev/null
exit 0
EOF

cat > "$R/sbin/tg-console" <<'EOF'
#!/bin/sh
# tg-console TTY: login prompt on TTY, or a root shell with the kernel arg tg.autologin
tty=$1; autologin=0
for a in $(cat /proc/cmdline); do case $a in tg.autologin|tg.autologin=1) autologin=1 ;; esac; done
# A VM without a serial port still has /dev/ttyS0; getty would fail and init would respawn it
# every second, spamming the console. Idle instead.
stty -F /dev/$tty >/dev/null 2>&1 || exec sleep 2147483647
if [ $autologin = 1 ]; then
  exec 0<>/dev/$tty 1>&0 2>&0       # init made us session leader: opening the tty makes it ours
  exec /bin/login -f root
fi
case $tty in
  ttyS*) exec /sbin/getty -L 115200 $tty vt100 ;;
  *)     exec /sbin/getty 38400 $tty linux ;;
esac
EOF

cat > "$R/etc/init.d/rcS" <<'EOF'
#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs -o mode=0755 devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -p /run/tg

name=$(cat /etc/hostname); net=1
for a in $(cat /proc/cmdline); do
  case $a in
    tg.hostname=*) name=${a#tg.hostname=} ;;
    tg.nonet) net=0 ;;
  esac
done
hostname "$name"; echo "$name" > /etc/hostname
printf '127.0.1.1\t%s\n' "$name" >> /etc/hosts

# in-memory log (`logread`); also keeps "login[N]: root login" lines off the console
syslogd -C64
modprobe -a -q $(cat /etc/modules)
acpid -l /var/log/acpid.log

ip link set lo up
if [ $net = 1 ]; then
  # background: DHCP never delays the login prompt. -s: Debian's busybox looks in
  # /etc/udhcpc/default.script, but say it explicitly; with a wrong script a lease is never applied.
  for d in /sys/class/net/*; do
    i=${d##*/}; [ "$i" = lo ] && continue
    ip link set "$i" up
    udhcpc -f -i "$i" -s /etc/udhcpc/default.script -x "hostname:$name" -p /run/udhcpc.$i.pid >/dev/null 2>&1 &
  done
fi

# virtio-blk disks are probed synchronously by modprobe; SCSI buses scan asynchronously, so wait
# (up to 3 s) for the label only when a SCSI host exists.
dev=$(findfs LABEL=tg-data 2>/dev/null)
if [ -z "$dev" ] && [ -n "$(ls /sys/class/scsi_host 2>/dev/null)" ]; then
  i=0; while [ -z "$dev" ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); dev=$(findfs LABEL=tg-data 2>/dev/null); done
fi
n=0    # 0 = no tg-data disk (direct kernel boot, ISO); a counted boot is always >= 1
if [ -n "$dev" ] && mount -t ext4 -o noatime "$dev" /data; then
  n=$(cat /data/bootcount 2>/dev/null || echo 0); n=$((n+1)); echo $n > /data/bootcount; sync
fi

up=$(cut -d' ' -f1 /proc/uptime)
disks=$(ls /sys/block | grep -v -e '^loop' -e '^ram' | tr '\n' ' '); disks=${disks% }
tg-say "tinyguest: ready in ${up}s (kernel $(uname -r)) disks: ${disks:-none} bootcount: $n"
echo "$up" > /run/tg/ready
EOF

cat > "$R/etc/init.d/rcK" <<'EOF'
#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
tg-say "tinyguest: shutting down"
for f in /run/udhcpc.*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
if grep -q ' /data ' /proc/mounts; then umount /data 2>/dev/null || mount -o remount,ro /data; fi
sync
EOF

# busybox acpid runs /etc/acpi/<event>/<code>. `poweroff` through init costs ~2 s of fixed sleeps;
# rcK + poweroff -f is just as clean (nothing else holds state) and takes ~0.1 s.
cat > "$R/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
tg-say "tinyguest: ACPI power button pressed"
/etc/init.d/rcK
tg-say "tinyguest: power off"
exec poweroff -f
EOF

cat > "$R/etc/udhcpc/default.script" <<'EOF'
#!/bin/sh
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" ${broadcast:+broadcast $broadcast} dev "$interface"
    if [ -n "$router" ]; then set -- $router; ip route replace default via "$1" dev "$interface"; fi
    : > /etc/resolv.conf
    for s in $dns; do echo "nameserver $s" >> /etc/resolv.conf; done
    echo "$ip" > /run/tg/ip.$interface
    [ "$1" = bound ] && tg-say "tinyguest: $interface $ip/${mask:-24} gw ${router:-none}"
    ;;
esac
exit 0
EOF
chmod 755 "$R/sbin/tg-say" "$R/sbin/tg-console" "$R/etc/init.d/rcS" "$R/etc/init.d/rcK" \
          "$R/etc/acpi/PWRF/00000080" "$R/etc/udhcpc/default.script"

# ---------------------------------------------------------------- initrd.gz
# The kernel needs /dev/console before /init runs. It is written as a raw newc header so the
# build needs neither root nor mknod. Args: name, octal mode, rdev major, rdev minor.
cpio_entry() {
  local ns=$(( ${#1} + 1 ))
  printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
    0 $((8#$2)) 0 0 1 "$SOURCE_DATE_EPOCH" 0 0 0 "$3" "$4" "$ns" 0 "$1"
  head -c $(( (4 - (110 + ns) % 4) % 4 )) /dev/zero
}
find "$R" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
{
  ( cd "$R" && find . -mindepth 1 | LC_ALL=C sort | sed 's|^\./||' \
      | "$BB" cpio -o -H newc -R 0:0 --renumber-inodes --ignore-devno 2> >(grep -v 'blocks$' >&2) )
  # after busybox's own trailer: the kernel reads concatenated archives
  cpio_entry dev/console 020600 5 1
  cpio_entry 'TRAILER!!!' 0 0 0
} | gzip -9 -n > "$WORK/initrd.gz"

# ---------------------------------------------------------------- disk image (no loop, no mount)
IMG="$WORK/tinyguest.raw"
P1_START=2048; P1_SIZE=$(( BOOT_MB * 2048 )); P2_START=$(( P1_START + P1_SIZE ))
P2_SIZE=$(( DISK_MB * 2048 - P2_START ))
truncate -s "${DISK_MB}M" "$IMG"

le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1&255)) $((($1>>8)&255)) $((($1>>16)&255)) $((($1>>24)&255)); }
chs() {          # LBA -> CHS bytes for 255 heads x 63 sectors, clamped at cylinder 1023
  local c=$(( $1 / (255*63) )) h=$(( ($1 / 63) % 255 )) s=$(( $1 % 63 + 1 ))
  [ $c -gt 1023 ] && { c=1023; h=254; s=63; }
  printf '\\x%02x\\x%02x\\x%02x' $h $(( s | ((c >> 2) & 0xC0) )) $(( c & 255 ))
}
part() { printf '\\x%02x%s\\x%02x%s%s%s' "$1" "$(chs "$3")" "$2" "$(chs $(( $3 + $4 - 1 )))" "$(le32 "$3")" "$(le32 "$4")"; }
# MBR: syslinux boot code, fixed disk signature, p1 FAT16-LBA (active: syslinux's mbr.bin boots
# the active partition), p2 Linux
{ head -c 440 "${X[syslinux-common]}/usr/lib/syslinux/mbr/mbr.bin"
  printf '%b' "$(le32 $((0x7165e57e)))\\x00\\x00$(part 0x80 0x0e $P1_START $P1_SIZE)$(part 0x00 0x83 $P2_START $P2_SIZE)"
  head -c 32 /dev/zero
  printf '\x55\xaa'
} | dd of="$IMG" conv=notrunc status=none

# p1. mkfs.fat --offset wants the size in KiB and then warns about a "block count mismatch"
# against the whole file: harmless.
mkfs.fat -F 16 -n TGBOOT --invariant -h $P1_START --offset $P1_START "$IMG" $(( P1_SIZE / 2 )) 2>&1 \
  | { grep -v -e '^mkfs.fat' -e 'block count mismatch' || true; } >&2
FAT="$IMG@@$(( P1_START * 512 ))"
cat > "$WORK/syslinux.cfg" <<EOF
SERIAL 0 115200
DEFAULT tinyguest
PROMPT 0
TIMEOUT 0
LABEL tinyguest
  KERNEL /vmlinuz
  INITRD /initrd.gz
  APPEND $CMDLINE
EOF
# Debian's signed grub has /EFI/debian built in as its prefix: a grub.cfg there is found
# without grub searching for /.disk/info first.
cat > "$WORK/grub.cfg" <<EOF
set timeout=0
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
menuentry 'tinyguest' {
  linux /vmlinuz $CMDLINE
  initrd /initrd.gz
}
EOF
mmd -i "$FAT" ::/syslinux ::/EFI ::/EFI/BOOT ::/EFI/debian
mcopy -i "$FAT" "$VMLINUZ" ::/vmlinuz
mcopy -i "$FAT" "$WORK/initrd.gz" ::/initrd.gz
mcopy -i "$FAT" "$WORK/syslinux.cfg" ::/syslinux/syslinux.cfg
# UEFI removable-media path: shim (Microsoft-signed) -> grub (Debian-signed) -> kernel
# (Debian-signed), so it boots with Secure Boot on, which libvirt's default OVMF here has.
# Unsigned syslinux.efi would get "Access Denied". No fbx64.efi: it writes NVRAM entries and resets.
mcopy -i "$FAT" "${X[shim-signed]}/usr/lib/shim/shimx64.efi.signed" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$FAT" "${X[grub-efi-amd64-signed]}/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" ::/EFI/BOOT/grubx64.efi
mcopy -i "$FAT" "$WORK/grub.cfg" ::/EFI/debian/grub.cfg
syslinux --offset $(( P1_START * 512 )) --directory /syslinux --install "$IMG"

# p2: empty ext4 "tg-data" (the guest creates /data/bootcount). Reproducible only with a fixed
# UUID, hash seed and fake time, and without -d (it copies host ctimes). -E offset needs a size.
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH "$MKE2FS" -q -F -t ext4 -L tg-data \
  -U 7165e57e-0000-4000-8000-00000000da7a \
  -E offset=$(( P2_START * 512 )),root_owner=0:0,hash_seed=7165e57e-0000-4000-8000-00000000a5ed \
  -m 0 -N 256 "$IMG" $(( P2_SIZE / 2 ))k
[ "$(stat -c %s "$IMG")" = $(( DISK_MB * 1048576 )) ] || die "image size changed while writing partitions"
qemu-img convert -f raw -O qcow2 -c "$IMG" "$WORK/tinyguest.qcow2"

# ---------------------------------------------------------------- ISO (BIOS, El Torito)
I="$WORK/iso"; mkdir -p "$I/isolinux"
cp "$VMLINUZ" "$I/vmlinuz"; cp "$WORK/initrd.gz" "$I/initrd.gz"
cp "${X[isolinux]}/usr/lib/ISOLINUX/isolinux.bin" "${X[syslinux-common]}/usr/lib/syslinux/modules/bios/ldlinux.c32" "$I/isolinux/"
cp "$WORK/syslinux.cfg" "$I/isolinux/isolinux.cfg"
find "$I" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
ISO_LIBS=""
for p in $ISO_PKGS; do
  for d in "${X[$p]}"/lib/x86_64-linux-gnu "${X[$p]}"/usr/lib/x86_64-linux-gnu; do
    [ -d "$d" ] && ISO_LIBS="$ISO_LIBS${ISO_LIBS:+:}$d"
  done
done
# -r, not -R: -R records the builder's uid/gid, so a non-root build would differ
if ! LD_LIBRARY_PATH="$ISO_LIBS" "${X[xorriso]}/usr/bin/xorriso" -as mkisofs -quiet \
       -o "$WORK/tinyguest.iso" -V TINYGUEST -r -J \
       -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
       "$I" 2> "$WORK/xorriso.log"; then
  cat "$WORK/xorriso.log" >&2; die "xorriso failed"
fi

# ---------------------------------------------------------------- publish
cp "$VMLINUZ" "$WORK/vmlinuz"
echo "$CMDLINE" > "$WORK/cmdline.txt"
{
  echo "kernel:  $KVER (${KDEB##*/})"
  echo "modules: $LOAD"
  echo "cmdline: $CMDLINE"
  echo "disk:    ${DISK_MB} MiB MBR; p1 ${BOOT_MB} MiB FAT16 TGBOOT (syslinux; UEFI shim+grub); p2 ext4 tg-data"
  echo "packages:"
  for f in "$KDEB" $(for p in $TOOL_PKGS; do echo "${DEB[$p]}"; done); do
    printf '  %-40s %s\n' "$(dpkg-deb -f "$f" Package)" "$(dpkg-deb -f "$f" Version)"
  done
  echo "sha256:"
  ( cd "$WORK" && sha256sum tinyguest.qcow2 tinyguest.raw vmlinuz initrd.gz tinyguest.iso | sed 's/^/  /' )
} > "$WORK/build-info.txt"

json_file() {    # "key": {"path": ..., "size": ..., "sha256": ...}
  printf '    "%s": { "path": "%s", "size": %s, "sha256": "%s" }' "$1" "$OUT/$2" \
    "$(stat -c %s "$WORK/$2")" "$(sha256sum < "$WORK/$2" | cut -d' ' -f1)"
}
# The path fields sit at the top level so the manifest is directly a TinyGuestImage (tinyguest.ts).
cat > "$WORK/manifest.json" <<EOF
{
  "kernel": "$KVER",
  "cmdline": "$CMDLINE",
  "qcow2": "$OUT/tinyguest.qcow2",
  "raw": "$OUT/tinyguest.raw",
  "vmlinuz": "$OUT/vmlinuz",
  "initrd": "$OUT/initrd.gz",
  "iso": "$OUT/tinyguest.iso",
  "diskMiB": $DISK_MB,
  "files": {
$(json_file qcow2 tinyguest.qcow2),
$(json_file raw tinyguest.raw),
$(json_file vmlinuz vmlinuz),
$(json_file initrd initrd.gz),
$(json_file iso tinyguest.iso),
$(json_file cmdline cmdline.txt)
  }
}
EOF

# rename, not copy: a test still reading the previous image keeps its inode. The stamp goes last
# and away first, so an interrupted publish is never taken for a finished one.
mkdir -p "$OUT"
rm -f "$OUT/.stamp"
for a in $ARTIFACTS; do
  if [ "$(stat -c %d "$WORK")" = "$(stat -c %d "$OUT")" ]; then mv -f "$WORK/$a" "$OUT/$a"
  else cp "$WORK/$a" "$OUT/$a.tmp" && mv -f "$OUT/$a.tmp" "$OUT/$a"; fi
done
printf '%s\n' "$STAMP" > "$OUT/.stamp"
log "built in $(( ($(date +%s%N) - T0) / 1000000 )) ms: $OUT"
print_paths
