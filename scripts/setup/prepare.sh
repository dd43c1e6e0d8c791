#!/usr/bin/env bash
# Ferry setup: make this host ready to build, test and serve Ferry.
#
# Run by `npm start` and `npm test` from the repository root (it also works from anywhere: it
# changes to the repository root itself). Idempotent; on a machine where everything is already in
# place it only checks and prints one line. See scripts/setup/README.md.
#
# Environment:
#   FERRY_WITH_BROWSER=1          also install Debian's chromium (for end-to-end tests)
#   FERRY_SETUP_DRY_RUN=1         check everything, change nothing: print what would be run
#   FERRY_SETUP_EXTRA_PACKAGES    extra Debian package names to require (space-separated)
#   FERRY_APT_UPDATED=1           the caller already ran `apt-get update` (.ci/run does)
#   FERRY_SETUP_SKIP_DAEMONS=1    do not check or start virtlogd/libvirtd
#   FERRY_LIBVIRT_WAIT_S          how long to wait for libvirtd to answer after starting it (20)
#   FERRY_SETUP_RUN_DIR, FERRY_SETUP_LOG_DIR   daemons' pid-file and log folders (/run,
#                                 /var/log/libvirt); only for testing this script
#   CI=true                       node modules are always installed with --frozen-lockfile
set -euo pipefail

readonly PNPM_VERSION=12.4.2
readonly LIBVIRT_WAIT_S=${FERRY_LIBVIRT_WAIT_S:-20}
# Where the daemons' pid files and logs are (overridable for testing this script).
readonly RUN_DIR=${FERRY_SETUP_RUN_DIR:-/run}
readonly LIBVIRT_LOG_DIR=${FERRY_SETUP_LOG_DIR:-/var/log/libvirt}
# openssh-client: VNC consoles of qemu+ssh:// hosts are tunnelled with `ssh -W`; openssh-server:
# the console lab test runs its own sshd inside the lab's host B.
DEBIAN_PACKAGES=(libvirt-daemon-system libvirt-dev qemu-system-x86 qemu-utils ovmf dnsmasq-base iptables openssl iproute2 openssh-client openssh-server)
[[ ${FERRY_WITH_BROWSER:-} == 1 ]] && DEBIAN_PACKAGES+=(chromium)
if [[ -n ${FERRY_SETUP_EXTRA_PACKAGES:-} ]]; then
  read -r -a _extra <<<"$FERRY_SETUP_EXTRA_PACKAGES"
  DEBIAN_PACKAGES+=("${_extra[@]}")
fi

# `prepare.sh --print-packages`: print the Debian packages it requires, one a line (.ci/run uses
# this so the list lives in one place), and exit.
if [[ ${1:-} == --print-packages ]]; then
  printf '%s\n' "${DEBIAN_PACKAGES[@]}"
  exit 0
elif (($#)); then
  echo "usage: bash scripts/setup/prepare.sh [--print-packages]" >&2
  exit 2
fi

ROOT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT_DIR"

DRY_RUN=0
[[ ${FERRY_SETUP_DRY_RUN:-} == 1 ]] && DRY_RUN=1
IS_ROOT=0
[[ $EUID -eq 0 ]] && IS_ROOT=1
START_TIME=$EPOCHREALTIME
OK_PARTS=()      # short "all good" notes, printed as one line at the end
NEEDS_ROOT=()    # commands a non-root user has to run (printed at the end, then exit 1)

log() { printf '[ferry setup] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# die_with_log FILE MESSAGE: fail, showing the tail of a daemon's log.
die_with_log() {
  log "ERROR: $2"
  if [[ -r $1 ]]; then
    log "last lines of $1:"
    tail -n 30 "$1" | sed 's/^/[ferry setup]   /' >&2
  else
    log "(no log at $1)"
  fi
  exit 1
}

# run CMD...: run a mutating command, or only print it in dry-run mode.
run() {
  if ((DRY_RUN)); then
    log "dry run: would run: $*"
    return 0
  fi
  log "running: $*"
  "$@"
}

# done_word WORD: "WORD", or "would be WORD" in dry-run mode (for the summary line).
done_word() { if ((DRY_RUN)); then printf 'would be %s' "$1"; else printf '%s' "$1"; fi; }

elapsed() {
  local now=$EPOCHREALTIME
  # EPOCHREALTIME is "seconds.micros"; compute tenths of a second without bc/awk.
  local s=$(( ${now%.*} - ${START_TIME%.*} )) us=$(( 10#${now#*.} - 10#${START_TIME#*.} ))
  local total_ms=$(( s * 1000 + us / 1000 ))
  printf '%d.%02ds' $((total_ms / 1000)) $(((total_ms % 1000) / 10))
}

# ---------------------------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------------------------
APT_UPDATED=0
[[ ${FERRY_APT_UPDATED:-} == 1 ]] && APT_UPDATED=1

missing_packages() {
  local status line p
  # One dpkg-query call for all packages; unknown names produce no line (and exit 1).
  status=$(dpkg-query -W -f='${Package} ${Status}\n' "${DEBIAN_PACKAGES[@]}" 2>/dev/null || true)
  for p in "${DEBIAN_PACKAGES[@]}"; do
    local found=0
    while IFS= read -r line; do
      [[ $line == "$p install ok installed" ]] && { found=1; break; }
    done <<<"$status"
    ((found)) || printf '%s\n' "$p"
  done
}

ensure_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    log "WARNING: dpkg-query not found (not Debian/Ubuntu?): make sure the equivalents of ${DEBIAN_PACKAGES[*]} are installed"
    return 0
  fi
  local missing
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    OK_PARTS+=("debian packages")
    return 0
  fi
  log "missing Debian packages: ${missing[*]}"
  if ((!IS_ROOT)); then
    # Reported (with the other root-only steps) at the end, then exit 1.
    NEEDS_ROOT+=("sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}")
    return 0
  fi
  if ((!APT_UPDATED)); then
    run apt-get -o DPkg::Lock::Timeout=300 update -q || die "apt-get update failed"
    APT_UPDATED=1
  fi
  run env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q \
    --no-install-recommends "${missing[@]}" || die "apt-get install failed: ${missing[*]}"
  if ((!DRY_RUN)); then
    mapfile -t missing < <(missing_packages)
    ((${#missing[@]} == 0)) || die "still missing after apt-get install: ${missing[*]}"
  fi
  OK_PARTS+=("debian packages ($(done_word installed))")
}

# ---------------------------------------------------------------------------------------------
# 2. pnpm
# ---------------------------------------------------------------------------------------------
# Where the npx-backed shim lives when pnpm cannot be installed globally. scripts/run-tests.mjs
# looks there too.
SHIM_DIR=${FERRY_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/ferry}/bin
PNPM=pnpm

pnpm_version_of() { "$@" --version 2>/dev/null | tail -n 1 || true; }

ensure_pnpm() {
  if [[ $(pnpm_version_of pnpm) == "$PNPM_VERSION" ]]; then
    OK_PARTS+=("pnpm $PNPM_VERSION")
    return 0
  fi
  if [[ -x $SHIM_DIR/pnpm && $(pnpm_version_of "$SHIM_DIR/pnpm") == "$PNPM_VERSION" ]]; then
    PNPM=$SHIM_DIR/pnpm
    export PATH="$SHIM_DIR:$PATH"
    OK_PARTS+=("pnpm $PNPM_VERSION (shim $SHIM_DIR/pnpm)")
    return 0
  fi
  local have
  have=$(pnpm_version_of pnpm)
  log "pnpm ${have:-not found}; need $PNPM_VERSION"
  if ((DRY_RUN)); then
    log "dry run: would run: npm install -g pnpm@$PNPM_VERSION (falling back to an npx shim in $SHIM_DIR)"
    OK_PARTS+=("pnpm $PNPM_VERSION ($(done_word installed))")
    return 0
  fi
  local npm_log
  npm_log=$(mktemp)
  log "running: npm install -g pnpm@$PNPM_VERSION"
  if npm install -g --no-fund --no-audit --loglevel=error "pnpm@$PNPM_VERSION" >"$npm_log" 2>&1; then
    rm -f "$npm_log"
    hash -r
    if [[ $(pnpm_version_of pnpm) == "$PNPM_VERSION" ]]; then
      OK_PARTS+=("pnpm $PNPM_VERSION (installed)")
      return 0
    fi
    log "npm installed pnpm@$PNPM_VERSION but 'pnpm' on PATH is still $(pnpm_version_of pnpm) ($(command -v pnpm || echo none))"
  else
    log "global install of pnpm failed ($(grep -m1 -E 'npm error (code|[A-Z])' "$npm_log" || tail -n 1 "$npm_log")); falling back to npx"
    rm -f "$npm_log"
  fi
  mkdir -p "$SHIM_DIR"
  cat >"$SHIM_DIR/pnpm" <<EOF
#!/bin/sh
# Written by Ferry's scripts/setup/prepare.sh: pnpm $PNPM_VERSION through npx.
exec npx -y pnpm@$PNPM_VERSION "\$@"
EOF
  chmod 755 "$SHIM_DIR/pnpm"
  [[ $(pnpm_version_of "$SHIM_DIR/pnpm") == "$PNPM_VERSION" ]] ||
    die "could not run pnpm $PNPM_VERSION, neither installed globally nor through npx"
  PNPM=$SHIM_DIR/pnpm
  export PATH="$SHIM_DIR:$PATH"
  log "using $SHIM_DIR/pnpm (npx pnpm@$PNPM_VERSION); for 'npm start' put it on your PATH: export PATH=\"$SHIM_DIR:\$PATH\""
  OK_PARTS+=("pnpm $PNPM_VERSION (npx shim)")
}

# ---------------------------------------------------------------------------------------------
# 3. node modules
# ---------------------------------------------------------------------------------------------
readonly STAMP=node_modules/.ferry-setup-stamp

node_modules_stale() {
  [[ -d node_modules && -f node_modules/.modules.yaml && -f $STAMP ]] || return 0
  # Lockfile or any workspace manifest newer than the last successful install?
  [[ pnpm-lock.yaml -nt $STAMP || package.json -nt $STAMP || pnpm-workspace.yaml -nt $STAMP ]] && return 0
  local m
  for m in apps/*/package.json packages/*/package.json; do
    [[ -f $m ]] || continue
    [[ $m -nt $STAMP ]] && return 0
    # A workspace package added or re-created since the install has no node_modules yet.
    [[ -d ${m%/package.json}/node_modules ]] || return 0
  done
  return 1
}

ensure_node_modules() {
  [[ -f pnpm-lock.yaml ]] || die "pnpm-lock.yaml is missing: refusing to install without a lockfile"
  if ! node_modules_stale; then
    OK_PARTS+=("node_modules")
    return 0
  fi
  # Always frozen: the lockfile is the truth, locally and on CI (CI=true).
  if ((DRY_RUN)); then
    log "dry run: would run: $PNPM install --frozen-lockfile"
    OK_PARTS+=("node_modules ($(done_word installed))")
    return 0
  fi
  local t0=$SECONDS
  # Native addons (better-sqlite3) build with node-gyp, which otherwise downloads Node's
  # headers — impossible offline. npm on this machine kind knows where they are (its
  # `nodedir`); pnpm's node-gyp does not read that setting, so pass it on explicitly.
  if [[ -z ${npm_config_nodedir:-} ]]; then
    local nodedir
    nodedir=$(npm config get nodedir 2>/dev/null || true)
    [[ -z $nodedir || $nodedir == undefined ]] && [[ -f /usr/include/node/node.h ]] && nodedir=/usr
    [[ -n $nodedir && $nodedir != undefined ]] && export npm_config_nodedir=$nodedir
  fi
  run "$PNPM" install --frozen-lockfile >&2 ||
    die "pnpm install --frozen-lockfile failed (if you changed a package.json, run '$PNPM install' and commit pnpm-lock.yaml)"
  touch "$STAMP"
  OK_PARTS+=("node_modules (installed in $((SECONDS - t0))s)")
}

# ---------------------------------------------------------------------------------------------
# 3b. libvirt Worker bundles
# ---------------------------------------------------------------------------------------------
# Plain-JS bundles of @ferry/libvirt's Worker entries, so they need no tsx at run time (~30 MB
# less memory per Worker); without them (or when a source changed since) the Workers load the
# TypeScript. See scripts/setup/build-libvirt-workers.mjs.
ensure_worker_bundles() {
  if ((DRY_RUN)); then
    log "dry run: would run: node scripts/setup/build-libvirt-workers.mjs"
    return 0
  fi
  local out
  out=$(node scripts/setup/build-libvirt-workers.mjs 2>&1) || die "building the libvirt Worker bundles failed: $out"
  if [[ $out == *built* ]]; then OK_PARTS+=("libvirt Worker bundles (built)"); else OK_PARTS+=("libvirt Worker bundles"); fi
}

# ---------------------------------------------------------------------------------------------
# 3c. the server bundle
# ---------------------------------------------------------------------------------------------
# apps/server/dist (gitignored): the server as one plain-JS file, which `npm start` runs with
# plain node (apps/server/launch.mjs): no tsx resident in the server. Without it (or when a
# source changed since) launch.mjs runs the TypeScript through tsx. See
# scripts/setup/build-server.mjs.
ensure_server_bundle() {
  if ((DRY_RUN)); then
    log "dry run: would run: node scripts/setup/build-server.mjs"
    return 0
  fi
  local out
  out=$(node scripts/setup/build-server.mjs 2>&1) || die "building the server bundle failed: $out"
  if [[ $out == *built* ]]; then OK_PARTS+=("server bundle (built)"); else OK_PARTS+=("server bundle"); fi
}

# ---------------------------------------------------------------------------------------------
# 3d. the web dashboard
# ---------------------------------------------------------------------------------------------
# apps/web/dist (gitignored), served by the server at `/`; rebuilt only when an input changed.
# See scripts/setup/build-web.mjs.
ensure_web_bundle() {
  if ((DRY_RUN)); then
    log "dry run: would run: node scripts/setup/build-web.mjs"
    return 0
  fi
  local out
  out=$(node scripts/setup/build-web.mjs 2>&1) || die "building the web dashboard failed: $out"
  if [[ $out == *built* ]]; then OK_PARTS+=("web dashboard (built)"); else OK_PARTS+=("web dashboard"); fi
}

# ---------------------------------------------------------------------------------------------
# 4. virtlogd and libvirtd
# ---------------------------------------------------------------------------------------------
# Running = its pid file names a live process whose comm is the daemon's name.
daemon_running() {
  local name=$1 pidfile=$RUN_DIR/$1.pid pid comm stat
  [[ -r $pidfile ]] || return 1
  pid=$(<"$pidfile") || return 1
  pid=${pid//[^0-9]/}
  [[ -n $pid && -r /proc/$pid/comm ]] || return 1
  comm=$(<"/proc/$pid/comm") 2>/dev/null || return 1
  [[ $comm == "$name" ]] || return 1
  # A dead process whose parent has not reaped it yet is a zombie: not running.
  stat=$(<"/proc/$pid/stat") 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != [ZX] ]]
}

systemd_booted() { [[ -d /run/systemd/system ]] && [[ $(</proc/1/comm) == systemd ]] 2>/dev/null; }
systemd_has_unit() { systemctl cat "$1.service" >/dev/null 2>&1; }

wait_for_libvirt() {
  local logfile=$1 i
  for ((i = 0; i < LIBVIRT_WAIT_S * 5; i++)); do
    if virsh -c qemu:///system version >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  virsh -c qemu:///system version 2>&1 | sed 's/^/[ferry setup]   virsh: /' >&2 || true
  local msg="libvirtd did not answer 'virsh -c qemu:///system version' within ${LIBVIRT_WAIT_S}s"
  if [[ -z $logfile ]]; then
    die "$msg (see: journalctl -u libvirtd -n 50)"
  fi
  die_with_log "$logfile" "$msg"
}

ensure_daemons() {
  if [[ ${FERRY_SETUP_SKIP_DAEMONS:-} == 1 ]]; then return 0; fi
  local d need=()
  for d in virtlogd libvirtd; do daemon_running "$d" || need+=("$d"); done

  if systemd_booted && systemd_has_unit libvirtd; then
    # Units may be socket-activated, so the pid file says little: ask systemd.
    need=()
    for d in virtlogd libvirtd; do
      systemctl is-active --quiet "$d" 2>/dev/null || need+=("$d")
    done
    if ((${#need[@]} == 0)); then OK_PARTS+=("virtlogd+libvirtd (systemd)"); return 0; fi
    if ((!IS_ROOT)); then
      NEEDS_ROOT+=("sudo systemctl start ${need[*]}")
      return 0
    fi
    run systemctl start "${need[@]}" || die "systemctl start ${need[*]} failed (see: journalctl -u libvirtd -n 50)"
    ((DRY_RUN)) || wait_for_libvirt ""
    OK_PARTS+=("virtlogd+libvirtd ($(done_word started) by systemd)")
    return 0
  fi

  if ((${#need[@]} == 0)); then OK_PARTS+=("virtlogd+libvirtd running"); return 0; fi
  if ((!IS_ROOT)); then
    for d in "${need[@]}"; do NEEDS_ROOT+=("sudo $d -d"); done
    return 0
  fi
  command -v virtlogd >/dev/null 2>&1 || die "virtlogd not found (is libvirt-daemon-system installed?)"
  command -v libvirtd >/dev/null 2>&1 || die "libvirtd not found (is libvirt-daemon-system installed?)"
  # Without systemd or syslog the daemons' default log output goes nowhere: log to files, unless
  # the caller chose LIBVIRT_LOG_OUTPUTS itself.
  local logdir=$LIBVIRT_LOG_DIR
  if ((!DRY_RUN)); then
    mkdir -p "$logdir"
    # Two setups at once (npm start beside npm test) must not both start the daemons.
    exec 9>"$RUN_DIR/ferry-setup.lock"
    flock -w 60 9 || die "timed out waiting for another Ferry setup ($RUN_DIR/ferry-setup.lock)"
    need=()
    for d in virtlogd libvirtd; do daemon_running "$d" || need+=("$d"); done
    if ((${#need[@]} == 0)); then
      exec 9>&-
      OK_PARTS+=("virtlogd+libvirtd running (started by another setup)")
      return 0
    fi
  fi
  local started=()
  if [[ " ${need[*]} " == *" virtlogd "* ]]; then
    run env LIBVIRT_LOG_OUTPUTS="${LIBVIRT_LOG_OUTPUTS:-3:file:$logdir/virtlogd.log}" \
      virtlogd -d -p "$RUN_DIR/virtlogd.pid" || die_with_log "$logdir/virtlogd.log" "virtlogd failed to start"
    started+=(virtlogd)
  fi
  if [[ " ${need[*]} " == *" libvirtd "* ]]; then
    run env LIBVIRT_LOG_OUTPUTS="${LIBVIRT_LOG_OUTPUTS:-3:file:$logdir/libvirtd.log}" \
      libvirtd -d -p "$RUN_DIR/libvirtd.pid" || die_with_log "$logdir/libvirtd.log" "libvirtd failed to start"
    started+=(libvirtd)
  fi
  if ((!DRY_RUN)); then
    # virtlogd -d returns once daemonised; make sure it is really up.
    if [[ " ${started[*]} " == *" virtlogd "* ]]; then
      local i
      for ((i = 0; i < 50; i++)); do daemon_running virtlogd && break; sleep 0.1; done
      daemon_running virtlogd || die_with_log "$logdir/virtlogd.log" "virtlogd is not running after start"
    fi
    wait_for_libvirt "$logdir/libvirtd.log"
    exec 9>&-
  fi
  OK_PARTS+=("${started[*]} ($(done_word started))")
}

# ---------------------------------------------------------------------------------------------
# 5. /dev/kvm
# ---------------------------------------------------------------------------------------------
ensure_kvm() {
  if [[ ! -e /dev/kvm ]]; then
    OK_PARTS+=("no /dev/kvm (VMs will use TCG)")
    return 0
  fi
  local group mode
  read -r group mode < <(stat -c '%G %a' /dev/kvm)
  if [[ $group == kvm && $mode == 660 ]]; then
    OK_PARTS+=("/dev/kvm")
    return 0
  fi
  if ! getent group kvm >/dev/null 2>&1; then
    log "WARNING: /dev/kvm is $group $mode but there is no 'kvm' group; leaving it as it is"
    return 0
  fi
  if ((!IS_ROOT)); then
    NEEDS_ROOT+=("sudo chgrp kvm /dev/kvm && sudo chmod 660 /dev/kvm")
    return 0
  fi
  # Not fatal: in some containers the device node cannot be changed; QEMU then falls back to TCG.
  if run chgrp kvm /dev/kvm && run chmod 660 /dev/kvm; then
    OK_PARTS+=("/dev/kvm ($(done_word fixed): was $group $mode)")
  else
    log "WARNING: could not change /dev/kvm ($group $mode); VMs may fall back to TCG"
  fi
}

# ---------------------------------------------------------------------------------------------
((DRY_RUN)) && log "dry run: nothing will be changed"
ensure_packages
ensure_pnpm
ensure_node_modules
ensure_worker_bundles
ensure_server_bundle
ensure_web_bundle
ensure_daemons
ensure_kvm

if ((${#NEEDS_ROOT[@]})); then
  log "not root: these need root; run:"
  for c in "${NEEDS_ROOT[@]}"; do log "  $c"; done
  ((DRY_RUN)) || exit 1
fi
summary=$(printf '%s, ' "${OK_PARTS[@]}")
if ((DRY_RUN)); then
  log "dry run done in $(elapsed): ${summary%, }"
else
  log "ready in $(elapsed): ${summary%, }"
fi
