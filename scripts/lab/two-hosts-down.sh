#!/bin/bash
# two-hosts-down.sh — removes everything two-hosts-up.sh created; safe to run any number of times.
# Order matters: guests first through libvirt (so it releases their state), then the daemons by
# pid (checked to live in the lab's netns — never by name: the machine's own libvirtd and other
# tests' guests must not be touched), then any process still in the netns (a qemu whose daemon
# died), then the namespaces (taking the veth pair and the private mounts with them).
set -uo pipefail
. "$(dirname "$(readlink -f "$0")")/lab-env.sh"
[ "$(id -u)" = 0 ] || lab_die "must run as root"

for h in $LAB_HOSTS; do
  ns=$(lab_ns "$h"); d=$(lab_dir "$h")
  if [ -S "$d/run/libvirt-sock" ] && timeout 10 virsh -q -c "$(lab_uri "$h")" version >/dev/null 2>&1; then
    for dom in $(timeout 10 virsh -q -c "$(lab_uri "$h")" list --name --all 2>/dev/null); do
      timeout 10 virsh -q -c "$(lab_uri "$h")" domjobabort "$dom" >/dev/null 2>&1
      timeout 20 virsh -q -c "$(lab_uri "$h")" destroy "$dom" >/dev/null 2>&1
      timeout 10 virsh -q -c "$(lab_uri "$h")" undefine "$dom" --nvram >/dev/null 2>&1 ||
        timeout 10 virsh -q -c "$(lab_uri "$h")" undefine "$dom" >/dev/null 2>&1
    done
  fi
  for daemon in libvirtd virtlogd; do
    if pid=$(lab_pid "$d/$daemon.pid" "$daemon" "$ns"); then
      kill "$pid" 2>/dev/null
      lab_wait_gone "$pid" 20 || { kill -9 "$pid" 2>/dev/null; lab_wait_gone "$pid" 5; }
    fi
  done
  if lab_ns_exists "$ns"; then
    # Only lab processes can live in this netns: nothing else is ever started in it.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      kill "$pid" 2>/dev/null
      lab_wait_gone "$pid" 10 || kill -9 "$pid" 2>/dev/null
    done
    ip netns del "$ns" || lab_log "could not delete netns $ns"
  fi
done
# The pairs normally go with their namespaces; only if up.sh (or lab.ts labRootLink, whose
# root-side end is flvethR) died between `link add` and moving one end.
for v in $(lab_veth A) $(lab_veth B) flvethR; do
  ip link show "$v" >/dev/null 2>&1 && ip link del "$v" 2>/dev/null
done

# `ip netns add` bind-mounts /run/netns onto itself when it creates it. Undo that only if we
# created it and nobody else has put a namespace in it since.
if [ -f "$FERRY_LAB_DIR/.run-netns-created" ] && [ -d /run/netns ] && [ -z "$(ls -A /run/netns)" ]; then
  while mountpoint -q /run/netns; do umount /run/netns || break; done
  rmdir /run/netns 2>/dev/null
fi

rm -rf "$FERRY_LAB_DIR"
lab_log "down"
exit 0
