# lab-env.sh — names, addresses and helpers shared by two-hosts-up.sh and two-hosts-down.sh.
#
# Everything the lab creates lives in three places, all named here so down.sh can find them:
#   - $FERRY_LAB_DIR (per-host config, sockets, state, logs; shared/ is "shared storage")
#   - two network namespaces ferry-labA/B joined by one veth pair (10.99.0.0/24, no route out)
#   - /run/netns, only if `ip netns add` had to create it (remembered in .run-netns-created)
# Names differ from the reference prototype's (mig-host*, migveth*) so both can coexist.

FERRY_LAB_DIR=${FERRY_LAB_DIR:-/var/tmp/ferry-lab}
LAB_HOSTS="A B"
LAB_NET=10.99.0

lab_ns()   { echo "ferry-lab$1"; }            # netns name, also the host's hostname
lab_veth() { echo "flveth$1"; }
lab_ip()   { case $1 in A) echo "$LAB_NET.1";; B) echo "$LAB_NET.2";; esac; }
# libvirt refuses to migrate between daemons with the same host UUID, and containers/VMs often
# share one SMBIOS UUID, so each lab host gets a fixed distinct one.
lab_uuid() { case $1 in A) echo "f3e7a1ab-0000-4000-8000-00000000000a";;
                        B) echo "f3e7a1ab-0000-4000-8000-00000000000b";; esac; }
lab_dir()  { echo "$FERRY_LAB_DIR/host$1"; }
# The socket sits in a bind-mounted directory, so the root namespace reaches it by its real path.
lab_uri()  { echo "qemu+unix:///system?socket=$(lab_dir "$1")/run/libvirt-sock"; }
# Peer-to-peer URIs are resolved by the *source* daemon, inside the lab's network.
lab_p2p()  { echo "qemu+tcp://$(lab_ip "$1")/system"; }

lab_log() { printf '[lab %s] %s\n' "$(date +%T)" "$*" >&2; }
lab_die() { lab_log "ERROR: $*"; exit 1; }

# lab_pid FILE COMM NS → the pid in FILE if it is a live COMM inside netns NS (never trust a
# stale pid file: the number may belong to someone else's process now).
lab_pid() {
  local f=$1 comm=$2 ns=$3 pid
  [ -s "$f" ] || return 1
  pid=$(tr -dc 0-9 < "$f")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 1
  [ -e "/run/netns/$ns" ] || return 1
  [ "$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null)" = "$(stat -L -c %i "/run/netns/$ns")" ] || return 1
  echo "$pid"
}

lab_wait_gone() {
  local pid=$1 tenths=$(( ${2:-20} * 10 ))
  while [ -d "/proc/$pid" ] && [ "$tenths" -gt 0 ]; do sleep 0.1; tenths=$((tenths - 1)); done
  [ ! -d "/proc/$pid" ]
}

lab_ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1"; }
