#!/usr/bin/env bash
# The package tests: what an operator does with the .deb, the tarballs and the Ansible role.
#
#   bash packaging/tests/run.sh            uses target/ as built by `mvn package` (builds it when missing)
#
# - lintian reports no error on the .deb; `man -l` renders the page; the completions load in bash.
# - The .deb is installed for real, with `dpkg --root`, into a throwaway root: a minimal tree (dash,
#   coreutils' basics, their libraries, a dpkg database, /dev nodes, /proc, bind-mounted on itself)
#   with no Java in it. In a
#   chroot into that root: --help, the demo, a converge and a drift check on a sandbox machine root,
#   and the class-data archive is used. Then an upgrade to a newer .deb (this .deb repacked with a
#   higher version), removal and purge: afterwards the root holds exactly what it held before, and the
#   agent binary, its config and the update state are untouched throughout.
# - Both tarballs are unpacked and run with no Java on PATH: the self-contained one works, the
#   portable one says it needs Java 17 (exit 70) and works with JAVA_HOME or java on PATH.
# - A second build of the same commit in another directory gives byte-identical jar, .deb, tarballs.
# - The cmdop.agent.install role against sandbox hosts (ansible-module/tests, group 'role').
# Needs root (dpkg --root, chroot, mount); installs lintian, binutils and ansible from Debian when missing.
# Closes with "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
# check NAME CMD...: runs CMD, records a pass or a failure with its output
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$name"; else bad "$name"; echo "$out" | tail -30 | sed 's/^/     /'; fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

if [ "$(id -u)" -ne 0 ]; then
  echo "packaging/tests/run.sh needs root (dpkg --root, chroot, mount)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
need=()
command -v lintian >/dev/null 2>&1 || need+=(lintian)
command -v strip >/dev/null 2>&1 || need+=(binutils)
command -v man >/dev/null 2>&1 || need+=(man-db)
[ -x /usr/bin/ansible-playbook ] || need+=(ansible-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "package tests: installing ${need[*]} (Debian packages)"
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi

v=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
deb=target/cmdop-update_${v}_amd64.deb
self_tgz=target/cmdop-update-$v-linux-amd64.tar.gz
portable_tgz=target/cmdop-update-$v-portable.tar.gz
if [ ! -f "$deb" ] || [ ! -f "$self_tgz" ] || [ ! -f "$portable_tgz" ]; then
  echo "package tests: building (mvn -q -B -DskipTests package)"
  mvn -q -B -ntp -DskipTests package || { bad "mvn package"; finish; }
fi

tmp=$(mktemp -d /tmp/cmdop-pkgtest.XXXXXX)
R=$tmp/root
cleanup() {
  umount "$R/proc" 2>/dev/null || true
  umount "$R" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# PATH without any Java: every /usr/bin program but the JDK's, as on a host that never had Java
nojava=$tmp/nojava-bin
mkdir -p "$nojava"
for f in /usr/bin/* /usr/sbin/*; do
  case $(basename "$f") in
    java | javac | jar | jlink | jdeps | jshell | jpackage | keytool | mvn | mvnDebug) continue ;;
  esac
  [ -e "$nojava/$(basename "$f")" ] || ln -s "$f" "$nojava/$(basename "$f")"
done
NOJAVA_ENV=(env -u JAVA_HOME PATH="$nojava")

### lintian, man page, completions
lint=$(lintian --fail-on error --tag-display-limit 0 "$deb" 2>&1)
if [ $? -eq 0 ]; then ok "lintian: no errors ($(echo "$lint" | grep -c '^W:') warnings)"; else bad "lintian"; echo "$lint" | sed 's/^/     /'; fi
check "man -l renders the page with no warning" bash -c "
  out=\$(MANWIDTH=80 man --warnings -l target/package/docs/cmdop-update.1 2>&1 >/dev/null); [ -z \"\$out\" ] || { echo \"\$out\"; exit 1; }
  MANWIDTH=80 man -l target/package/docs/cmdop-update.1 | grep -q 'cmdop-update converge' "
check "bash completion loads and completes subcommands" bash -c "
  source target/package/docs/cmdop-update.bash && complete -p cmdop-update >/dev/null &&
  COMP_WORDS=(cmdop-update con) COMP_CWORD=1 COMP_LINE='cmdop-update con' COMP_POINT=16 &&
  _complete_cmdop-update cmdop-update con cmdop-update >/dev/null 2>&1; printf '%s\n' \"\${COMPREPLY[@]}\" | grep -qx converge"
check "zsh completion has its #compdef line" grep -qx '#compdef cmdop-update' target/package/docs/_cmdop-update

### the throwaway root
copy_with_libs() { # copies programs into $R with every library they load
  local f lib
  for f in "$@"; do
    mkdir -p "$R$(dirname "$f")"
    cp -L "$f" "$R$f"
    for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
      [ -e "$R$lib" ] || { mkdir -p "$R$(dirname "$lib")"; cp -L "$lib" "$R$lib"; }
    done
  done
}
mkdir -p "$R"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,tmp,proc,dev,var/lib/dpkg/info,var/lib/dpkg/updates,var/lib/dpkg/triggers}
for d in bin sbin lib lib64; do ln -s usr/$d "$R/$d"; done
chmod 1777 "$R/tmp"
# what a minimal Debian base has and the demo's stand-in agents use (mkdir, date, mv)
copy_with_libs /usr/bin/env /usr/bin/dash /usr/bin/readlink /usr/bin/dirname /usr/bin/sed /usr/bin/cat /usr/bin/rm \
  /usr/bin/mkdir /usr/bin/date /usr/bin/mv /usr/bin/cp /usr/bin/ls /usr/bin/chmod /usr/bin/touch /usr/bin/sleep \
  /usr/bin/grep /usr/bin/id /usr/bin/uname \
  /usr/sbin/ldconfig /usr/sbin/start-stop-daemon
ln -s dash "$R/usr/bin/sh"
# the libraries the bundled runtime loads (libc, libm, libdl, ...): what any Debian host has
for f in $(find target/package/self -type f \( -name '*.so' -o -perm -u+x \)); do
  head -c 4 "$f" | grep -q ELF || continue
  for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
    # the runtime's own libraries (found through $ORIGIN in this build tree) come with the package
    case "$lib" in "$PWD"/*) continue ;; esac
    [ -e "$R$lib" ] || { mkdir -p "$R$(dirname "$lib")"; cp -L "$lib" "$R$lib"; }
  done
done
for ldso in /lib64/ld-linux-x86-64.so.2 /usr/lib64/ld-linux-x86-64.so.2; do
  [ -e "$ldso" ] && { mkdir -p "$R$(dirname "$(readlink -f "$ldso")")"; cp -L "$ldso" "$R$(readlink -f "$ldso")"; }
done
mknod -m 666 "$R/dev/null" c 1 3
mknod -m 666 "$R/dev/zero" c 1 5
mknod -m 444 "$R/dev/random" c 1 8
mknod -m 444 "$R/dev/urandom" c 1 9
# the root is a mount point, as / is on a host (Java's free-space check looks the file system up in
# /proc/self/mounts), and has its /proc
mount --bind "$R" "$R"
mount -t proc proc "$R/proc"
echo "root:x:0:0:root:/root:/bin/sh" >"$R/etc/passwd"
echo "root:x:0:" >"$R/etc/group"
# the libraries the package depends on are what the tree has; tell its dpkg database so
for p in "libc6 $(dpkg-query -W -f '${Version}' libc6)" "zlib1g $(dpkg-query -W -f '${Version}' zlib1g)"; do
  set -- $p
  printf 'Package: %s\nStatus: install ok installed\nPriority: optional\nSection: libs\nMaintainer: test\nArchitecture: amd64\nVersion: %s\nDescription: present in the test root\n\n' "$1" "$2" >>"$R/var/lib/dpkg/status"
done
touch "$R/var/lib/dpkg/available"
# what an operator already has: an agent, its config, the update state and logs; none of it may change
mkdir -p "$R/usr/local/bin" "$R/etc/cmdop" "$R/var/lib/cmdop/update" "$R/var/log/cmdop"
printf '#!/bin/sh\necho cmdop v1.0.0\n' >"$R/usr/local/bin/cmdop"
chmod 755 "$R/usr/local/bin/cmdop"
printf '# the agent config\nagent:\n  token: keep-me\nupdate:\n  channel: stable\n' >"$R/etc/cmdop/config.yaml"
echo '{"keep": true}' >"$R/var/lib/cmdop/update/state.json"
echo '2026-11-29T00:00:00Z INFO update: before the package' >"$R/var/log/cmdop/agent.log"
owned() { (cd "$R" && sha256sum usr/local/bin/cmdop etc/cmdop/config.yaml var/lib/cmdop/update/state.json var/log/cmdop/agent.log); }
snapshot() { (cd "$R" && find . -path ./proc -prune -o -path ./var/lib/dpkg -prune -o -print | LC_ALL=C sort); }
owned_before=$(owned)
tree_before=$(snapshot)

DPKG=(dpkg --root="$R" --force-not-root)
in_root() { chroot "$R" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp "$@"; }

### install
check "dpkg --root -i installs the .deb (maintainer scripts run in the chroot)" "${DPKG[@]}" -i "$deb"
check "the root has no java but the package's own" bash -c "! find '$R' -name java -type f | grep -v '^$R/usr/lib/cmdop-update/runtime/bin/java\$'"
check "installed: cmdop-update --help" bash -c "in_root() { chroot '$R' /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp \"\$@\"; }; out=\$(in_root /usr/bin/cmdop-update --help) && echo \"\$out\" | grep -q 'Usage: cmdop-update'"
check "installed: cmdop-update -V prints $v" bash -c "chroot '$R' /usr/bin/cmdop-update -V | grep -qx 'cmdop-update $v'"
check "installed: the demo runs" in_root /usr/bin/cmdop-update demo --dir /tmp/demo
mkdir -p "$R/tmp/sandbox"
printf 'channel: beta\nauto: false\ninterval: 12h\npin: null\n' >"$R/tmp/desired.yaml"
check "installed: converge on a sandbox root changes it" bash -c "chroot '$R' /usr/bin/cmdop-update --root /tmp/sandbox converge --state /tmp/desired.yaml --json | grep -q '\"changed\" : true\|\"changed\": true'"
check "installed: the drift check then finds none (exit 0 with --detailed-exitcode)" \
  chroot "$R" /usr/bin/cmdop-update --root /tmp/sandbox converge --state /tmp/desired.yaml --check --detailed-exitcode --json
check "installed: status reads the sandbox" bash -c "chroot '$R' /usr/bin/cmdop-update --root /tmp/sandbox status | grep -q beta"
check "installed: the class-data archive is used (classes come from the shared archive)" bash -c "
  n=\$(chroot '$R' /usr/bin/env CMDOP_UPDATE_JAVA_OPTS=-Xlog:class+load=info /usr/bin/cmdop-update --root /tmp/sandbox status | grep -c 'source: shared objects file')
  echo \"\$n classes from the archive\"; [ \"\$n\" -gt 1000 ]"
check "installed: the man page renders from the installed file" bash -c "MANWIDTH=80 man -l '$R/usr/share/man/man1/cmdop-update.1.gz' | grep -q 'CMDOP-UPDATE(1)'"
check "the scheduler entry of --auto on calls the installed launcher" bash -c "
  mkdir -p '$R/tmp/sched/run/systemd/system' && chroot '$R' /usr/bin/cmdop-update --root /tmp/sched --auto on >/dev/null &&
  grep -q '^ExecStart=/usr/lib/cmdop-update/bin/cmdop-update ' '$R/tmp/sched/etc/systemd/system/cmdop-update.service'"
check "the agent, its config and the update state are untouched by the install" test "$(owned)" = "$owned_before"

### upgrade to a newer .deb
newer=$tmp/cmdop-update_${v}+pkgtest1_amd64.deb
dpkg-deb -R "$deb" "$tmp/repack" && sed -i "s/^Version: .*/Version: ${v}+pkgtest1/" "$tmp/repack/DEBIAN/control" &&
  echo "marker" >"$tmp/repack/usr/lib/cmdop-update/lib/upgrade-marker" &&
  dpkg-deb --root-owner-group -b "$tmp/repack" "$newer" >/dev/null
check "dpkg -i of a newer .deb upgrades it" "${DPKG[@]}" -i "$newer"
check "the upgraded version is recorded" bash -c "dpkg-query --admindir='$R/var/lib/dpkg' -W -f '\${Version}' cmdop-update | grep -qx '${v}+pkgtest1'"
check "the upgraded files are in place and the tool runs" bash -c "[ -f '$R/usr/lib/cmdop-update/lib/upgrade-marker' ] && chroot '$R' /usr/bin/cmdop-update --root /tmp/sandbox status >/dev/null"
check "the agent, its config and the update state are untouched by the upgrade" test "$(owned)" = "$owned_before"

### remove, purge
rm -rf "${R:?}"/tmp/* "${R:?}"/tmp/.[!.]* 
check "dpkg -r removes it" "${DPKG[@]}" -r cmdop-update
check "after -r only the conffile is left" bash -c "
  [ ! -e '$R/usr/bin/cmdop-update' ] && [ ! -e '$R/usr/lib/cmdop-update' ] && [ -f '$R/etc/logrotate.d/cmdop-update' ]"
check "dpkg -P purges it" "${DPKG[@]}" -P cmdop-update
check "after -P the root holds exactly what it held before the install" bash -c "diff <(echo '$tree_before') <(cd '$R' && find . -path ./proc -prune -o -path ./var/lib/dpkg -prune -o -print | LC_ALL=C sort)"
check "the agent, its config and the update state are untouched by remove and purge" test "$(owned)" = "$owned_before"
check "dpkg knows nothing of it any more" bash -c "! dpkg-query --admindir='$R/var/lib/dpkg' -W cmdop-update 2>/dev/null | grep -q ."
umount "$R/proc"
umount "$R"

### tarballs
mkdir -p "$tmp/t1" "$tmp/t2"
tar -C "$tmp/t1" -xzf "$self_tgz"
tar -C "$tmp/t2" -xzf "$portable_tgz"
s1=$tmp/t1/cmdop-update-$v/bin/cmdop-update
s2=$tmp/t2/cmdop-update-$v/bin/cmdop-update
check "linux-amd64 tarball: --help with no Java on PATH" bash -c "$(printf '%q ' "${NOJAVA_ENV[@]}") '$s1' --help | grep -q 'Usage: cmdop-update'"
check "linux-amd64 tarball: the demo with no Java on PATH" "${NOJAVA_ENV[@]}" "$s1" demo --dir "$tmp/demo1"
mkdir -p "$tmp/sb1" "$tmp/sb2"
check "linux-amd64 tarball: converge on a sandbox root" "${NOJAVA_ENV[@]}" "$s1" --root "$tmp/sb1" converge --state "$repo/packaging/training/desired.yaml" --json
check "linux-amd64 tarball: works through a symlink from another directory (e.g. /usr/local/bin)" bash -c "
  mkdir -p '$tmp/lb' && ln -s '$s1' '$tmp/lb/cmdop-update' && '$tmp/lb/cmdop-update' -V | grep -qx 'cmdop-update $v'"
check "portable tarball: no Java anywhere -> the message and exit 70" bash -c "
  out=\$($(printf '%q ' "${NOJAVA_ENV[@]}") '$s2' -V 2>&1); rc=\$?; echo \"rc=\$rc \$out\"
  [ \$rc -eq 70 ] && echo \"\$out\" | grep -q 'cmdop-update needs Java 17 or newer; none found (looked in '"
jdk17=/usr/lib/jvm/java-17-openjdk-amd64
check "portable tarball: runs with JAVA_HOME (Java 17)" env JAVA_HOME="$jdk17" PATH="$nojava" "$s2" demo --dir "$tmp/demo2"
check "portable tarball: runs with java 17 on PATH" env -u JAVA_HOME PATH="$jdk17/bin:$nojava" "$s2" --root "$tmp/sb2" status
check "SHA256SUMS lists the .deb and both tarballs, and they match" bash -c "cd target && [ \$(wc -l <SHA256SUMS) -eq 3 ] && sha256sum -c --quiet SHA256SUMS"
check "the checkout's bin/cmdop-update still runs target/cmdop-update.jar" bash -c "bin/cmdop-update -V | grep -qx 'cmdop-update $v'"

### reproducible: a second build of the same sources in another directory
if [ "${CMDOP_PKGTEST_SKIP_REBUILD:-}" = 1 ]; then
  echo "skip reproducibility (CMDOP_PKGTEST_SKIP_REBUILD=1)"
else
  b2=$tmp/build2
  mkdir -p "$b2"
  tar -C "$repo" --exclude=./target --exclude=./.git -cf - . | tar -C "$b2" -xf -
  echo "package tests: second build in $b2 (mvn -o -q -B -DskipTests package)"
  if (cd "$b2" && mvn -o -q -B -ntp -DskipTests package >"$tmp/build2.log" 2>&1); then
    for f in cmdop-update.jar "cmdop-update_${v}_amd64.deb" "cmdop-update-$v-linux-amd64.tar.gz" "cmdop-update-$v-portable.tar.gz" SHA256SUMS; do
      check "reproducible: two builds give the same $f" cmp "target/$f" "$b2/target/$f"
    done
  else
    bad "second build"; tail -20 "$tmp/build2.log"
  fi
fi

### the Ansible role
if [ "${CMDOP_PKGTEST_SKIP_ROLE:-}" = 1 ]; then
  echo "skip role (CMDOP_PKGTEST_SKIP_ROLE=1)"
else
  role_out=$(CMDOP_PKG_DEB="$repo/$deb" CMDOP_PKG_TARBALL="$repo/$self_tgz" bash ansible-module/tests/run-all.sh role 2>&1)
  rc=$?
  echo "$role_out" | sed 's/^/     /' | tail -40
  if [ $rc -eq 0 ]; then ok "the cmdop.agent.install role (ansible-module/tests, group role)"; else bad "the cmdop.agent.install role"; fi
fi

finish
