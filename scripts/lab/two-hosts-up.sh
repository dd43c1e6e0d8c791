#!/bin/bash
# two-hosts-up.sh — two libvirt "hosts", A and B, on this machine, for migration tests.
#
# A host is a network namespace (ferry-labX, one end of a veth pair, 10.99.0.1 / .2, no route
# out), the private mount namespace `ip netns exec` gives it (per-host directories bind-mounted
# over /etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt and
# /etc/hosts), and its own UTS namespace (hostname ferry-labX), running its own virtlogd and
# libvirtd. The mounts exist only inside those namespaces and vanish with their last process;
# the machine's own libvirtd (qemu:///system) never sees any of it.
#
# Idempotent: a lab that is fully up is only checked; a half-built one is torn down and rebuilt.
# Prints shell-style KEY=value lines (URIs, dirs) on stdout; progress goes to stderr.
set -euo pipefail
HERE=$(dirname "$(readlink -f "$0")")
. "$HERE/lab-env.sh"

[ "$(id -u)" = 0 ] || lab_die "must run as root"
for c in ip unshare virsh libvirtd virtlogd mount; do
  command -v "$c" >/dev/null || lab_die "missing command: $c"
done

lab_is_up() {
  local h
  for h in $LAB_HOSTS; do
    lab_pid "$(lab_dir "$h")/libvirtd.pid" libvirtd "$(lab_ns "$h")" >/dev/null || return 1
    lab_pid "$(lab_dir "$h")/virtlogd.pid" virtlogd "$(lab_ns "$h")" >/dev/null || return 1
    timeout 10 virsh -q -c "$(lab_uri "$h")" version >/dev/null 2>&1 || return 1
  done
}

write_config() {
  local h=$1 d ip
  d=$(lab_dir "$h"); ip=$(lab_ip "$h")
  mkdir -p "$d"/{etc,run,lib/images,cache,log}
  chmod 755 "$d" "$d"/{etc,run,lib,lib/images,cache,log}
  cat > "$d/etc/libvirtd.conf" <<CONF
host_uuid = "$(lab_uuid "$h")"
listen_tls = 0
listen_tcp = 1
listen_addr = "$ip"
# No authentication: the TCP socket is reachable only from the other lab namespace.
auth_tcp = "none"
auth_unix_ro = "none"
auth_unix_rw = "none"
# Ferry polls job stats while a migrate call is running on the same connection; the default
# of 5 requests per client is hit quickly.
max_client_requests = 64
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
CONF
  cat > "$d/etc/qemu.conf" <<CONF
vnc_listen = "127.0.0.1"
# Without these the destination advertises its hostname for the migration stream, and the
# source daemon may resolve it to its own loopback.
migration_address = "$ip"
migration_host = "$ip"
migration_port_min = 49152
migration_port_max = 49215
user = "libvirt-qemu"
group = "libvirt-qemu"
dynamic_ownership = 1
# Both hosts share the machine's cgroup tree and would name guest cgroups alike
# (machine/qemu-<id>-<name>); the lab uses none.
cgroup_controllers = [ ]
stdio_handler = "logd"
CONF
  echo 'log_outputs = "3:file:/var/log/libvirt/virtlogd.log"' > "$d/etc/virtlogd.conf"
  printf '127.0.0.1 localhost\n%s %s\n%s %s\n' "$(lab_ip A)" "$(lab_ns A)" "$(lab_ip B)" "$(lab_ns B)" > "$d/hosts"
}

define_pool() { # host name path
  local v="virsh -q -c $(lab_uri "$1")"
  $v pool-info "$2" >/dev/null 2>&1 && return 0
  $v pool-define-as "$2" dir --target "$3" >/dev/null
  $v pool-start "$2" >/dev/null
  $v pool-autostart "$2" >/dev/null
}

WAS_UP=0
if lab_is_up; then
  WAS_UP=1
  lab_log "already up"
else
  if [ -e "$FERRY_LAB_DIR" ] || lab_ns_exists "$(lab_ns A)" || lab_ns_exists "$(lab_ns B)"; then
    lab_log "partly up: tearing down first"
    "$HERE/two-hosts-down.sh"
  fi
  mkdir -p "$FERRY_LAB_DIR/shared"
  chmod 755 "$FERRY_LAB_DIR" "$FERRY_LAB_DIR/shared"
  [ -d /run/netns ] || touch "$FERRY_LAB_DIR/.run-netns-created"
  for h in $LAB_HOSTS; do write_config "$h"; done

  for h in $LAB_HOSTS; do ip netns add "$(lab_ns "$h")"; done
  ip link add "$(lab_veth A)" type veth peer name "$(lab_veth B)"
  for h in $LAB_HOSTS; do
    ns=$(lab_ns "$h")
    ip link set "$(lab_veth "$h")" netns "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$(lab_ip "$h")/24" dev "$(lab_veth "$h")"
    ip -n "$ns" link set "$(lab_veth "$h")" up
  done

  for h in $LAB_HOSTS; do
    d=$(lab_dir "$h"); ns=$(lab_ns "$h")
    # Pid files stay outside the bind mounts: the defaults (/run/libvirtd.pid …) are the
    # machine daemons' own.
    ip netns exec "$ns" unshare --uts -- sh -ec "
      hostname $ns
      mount --bind $d/etc   /etc/libvirt
      mount --bind $d/run   /run/libvirt
      mount --bind $d/lib   /var/lib/libvirt
      mount --bind $d/cache /var/cache/libvirt
      mount --bind $d/log   /var/log/libvirt
      mount --bind $d/hosts /etc/hosts
      virtlogd -d -p $d/virtlogd.pid
      libvirtd -d -l -p $d/libvirtd.pid"
  done
  for h in $LAB_HOSTS; do
    for _ in $(seq 1 150); do
      timeout 5 virsh -q -c "$(lab_uri "$h")" version >/dev/null 2>&1 && continue 2
      sleep 0.2
    done
    lab_die "libvirtd of host $h did not answer (see $(lab_dir "$h")/log/libvirtd.log)"
  done
  # Peer-to-peer migration needs each daemon to reach the other over the lab network.
  ip netns exec "$(lab_ns A)" timeout 10 virsh -q -c "$(lab_p2p B)" version >/dev/null || lab_die "A cannot reach B over tcp"
  ip netns exec "$(lab_ns B)" timeout 10 virsh -q -c "$(lab_p2p A)" version >/dev/null || lab_die "B cannot reach A over tcp"
  lab_log "up"
fi

# Pools: 'images' is each host's own disk, 'shared' the same directory on both.
for h in $LAB_HOSTS; do
  define_pool "$h" images /var/lib/libvirt/images
  define_pool "$h" shared "$FERRY_LAB_DIR/shared"
done

for h in $LAB_HOSTS; do
  echo "FERRY_LAB_URI_$h=$(lab_uri "$h")"
  echo "FERRY_LAB_P2P_$h=$(lab_p2p "$h")"
  echo "FERRY_LAB_IMAGES_$h=$(lab_dir "$h")/lib/images"
done
echo "FERRY_LAB_SHARED=$FERRY_LAB_DIR/shared"
# Callers that found the lab down take it down again when they are done.
echo "FERRY_LAB_WAS_UP=$WAS_UP"
