#!/usr/bin/env bash
# Builds what `mvn package` ships besides the jar (Maven runs this after the shade step; see pom.xml):
#
#   packaging/build.sh tree   the self-contained tree: a jlink-trimmed runtime, its class-data archive
#                             made from a training run of the real commands, the launcher, the man page
#                             and completions (generated from the picocli model), docs; then the
#                             tarballs and the data archive that jdeb turns into the .deb
#   packaging/build.sh sums   SHA256SUMS over the .deb and the tarballs (after jdeb ran)
#
# Environment (Maven sets it): CMDOP_VERSION, CMDOP_OUTPUT_TIMESTAMP (project.build.outputTimestamp),
# CMDOP_TARGET (target/), CMDOP_BUILD_JAVA (the JDK that runs Maven), CMDOP_CODEGEN_JAR (picocli-codegen).
# CMDOP_JLINK_JDK picks the JDK whose runtime is bundled; by default Temurin 25 from /usr/lib/jvm when
# present, else the JDK that runs Maven (17).
#
# Everything is reproducible: fixed mtimes (project.build.outputTimestamp), sorted tar entries, owner root, gzip -n,
# and a class-data archive dumped from a normalized class list (see archive() below).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
: "${CMDOP_VERSION:?}" "${CMDOP_OUTPUT_TIMESTAMP:?}" "${CMDOP_TARGET:=$repo/target}" "${CMDOP_BUILD_JAVA:=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
v=$CMDOP_VERSION
epoch=$(date -u -d "$CMDOP_OUTPUT_TIMESTAMP" +%s)
target=$CMDOP_TARGET
work=$target/package
name=cmdop-update-$v
export TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=$epoch
umask 022

log() { echo "packaging: $*" >&2; }

# The feature version of the JDK or runtime at $1, from its release file.
release_major() {
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
}

pick_jdk() {
  if [ -n "${CMDOP_JLINK_JDK:-}" ]; then
    echo "$CMDOP_JLINK_JDK"
    return
  fi
  local jdk
  for jdk in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/temurin-25*; do
    if [ -x "$jdk/bin/jlink" ]; then
      echo "$jdk"
      return
    fi
  done
  echo "$CMDOP_BUILD_JAVA"
}

# The modules the tool uses, from jdeps, minus the ones its libraries only use optionally (declared
# 'requires static' in their module-info): java.desktop (java.beans in Jackson's and SnakeYAML's
# bean introspection, which this tool never uses) and java.sql (Jackson's java.sql.Date support).
# jdk.crypto.ec is added where it is a separate module (JDK 17): TLS to https feeds needs it.
modules() {
  local jdk=$1 jar=$2 mods
  mods=$("$jdk/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 "$jar")
  mods=$(echo "$mods" | tr ',' '\n' | grep -v -x -e java.desktop -e java.sql | paste -sd, -)
  if "$jdk/bin/java" --list-modules | grep -q '^jdk.crypto.ec@'; then
    mods="$mods,jdk.crypto.ec"
  fi
  echo "$mods"
}

# train JAVA JAR DIR runs the real commands once (JAVA on JAR) and records the classes they load; the class
# list is normalized (sorted, no ids, no constant-pool lines, whose content depends on thread timing)
# so that the archive dumped from it is the same bytes on every build. A static archive is used,
# also on JDK 25: its -XX:AOTCacheOutput archive differs in ~3 MB between two dumps of the same
# training run, which would make the package unreproducible (see docs/packaging.md).
train() {
  local java=$1 jar=$2 train=$3 n=0 args
  local flags=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1)
  rm -rf "$train"
  mkdir -p "$train/root/run/systemd/system"
  while IFS= read -r args; do
    n=$((n + 1))
    # shellcheck disable=SC2086 # each line is one command line
    CMDOP_UPDATE_LAUNCHER=/usr/lib/cmdop-update/bin/cmdop-update "$java" "${flags[@]}" -XX:DumpLoadedClassList="$train/$n.classlist" \
      -jar "$jar" $args >"$train/$n.out" 2>&1 </dev/null || {
      local rc=$?
      # --check exits 2 with drift and --detailed-exitcode; anything else is a broken build
      if [ "$rc" -ne 2 ]; then
        log "training run '$args' failed (exit $rc):"
        tail -20 "$train/$n.out" >&2
        exit 1
      fi
    }
  done <<EOF
--help
demo --dir $train/demo
--root $train/root status
--root $train/root status --json
--root $train/root converge --state $here/training/desired.yaml --check --detailed-exitcode
--root $train/root converge --state $here/training/desired.yaml --json
--root $train/root --auto on
--root $train/root converge --state $here/training/desired.yaml --check --json --detailed-exitcode
--root $train/root converge --state $here/training/desired.yaml --offline --json
EOF
  cat "$train"/*.classlist | grep -v -e '^#' -e '^@cp ' | sed -E 's/ id: [0-9]+$//' | sort -u >"$train/classes.lst"
}

archive() {
  local tree=$1 train=$work/train
  local flags=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1)
  train "$tree/runtime/bin/java" "$tree/lib/cmdop-update.jar" "$train"
  if [ "$(release_major "$tree/runtime")" -lt 19 ]; then
    # JDK 17 accepts an app archive only at the class path it was dumped with, so one made here would
    # be refused wherever the tree is installed (and the JDK classes with it); its runtime keeps the
    # default archive of the JDK classes that jlink --generate-cds-archive made instead
    log "class-data archive: JDK $(release_major "$tree/runtime") runtime: JDK classes only (jlink's default CDS archive);" \
      "an archive of the tool's classes needs JDK 19+ (Temurin 25 under /usr/lib/jvm, or CMDOP_JLINK_JDK)"
    units
    return
  fi
  local dumplog=$work/archive-dump.log
  # relative paths, from the tree's top: the archive records them, and then neither the build
  # directory nor where the tree is installed changes its bytes or stops it from being used
  (cd "$tree" && runtime/bin/java "${flags[@]}" -Xshare:dump -XX:SharedClassListFile="$train/classes.lst" \
    -XX:SharedArchiveFile=lib/cmdop-update.jsa -Xlog:cds=info -cp lib/cmdop-update.jar) >"$dumplog" 2>&1 || {
    log "class-data archive dump failed:"
    tail -20 "$dumplog" >&2
    exit 1
  }
  local listed skipped picocli
  listed=$(grep -c -v '^@' "$train/classes.lst" || true)
  picocli=$(grep -c '^picocli/' "$train/classes.lst" || true)
  skipped=$(grep -c -i 'skipping' "$dumplog" || true)
  log "class-data archive: $(du -h "$tree/lib/cmdop-update.jsa" | cut -f1) from $listed classes ($picocli of picocli)" \
    "loaded by $(ls "$train"/*.classlist | wc -l) training runs; $skipped skipped by the dump; log: $dumplog"
  units
}

# the unit files the tool writes with --auto on (in the training runs), as reference copies
units() {
  local unit train=$work/train
  mkdir -p "$work/systemd"
  for unit in cmdop-update.service cmdop-update.timer; do
    sed "s# --root $train/root##" "$train/root/etc/systemd/system/$unit" >"$work/systemd/$unit"
  done
}

# Debian wants no debug symbols in shipped ELF files (lintian: unstripped-binary-or-object); strip is
# deterministic, so the build stays reproducible. Without binutils the runtime ships as jlink made it.
strip_native() {
  if ! command -v strip >/dev/null 2>&1; then
    log "strip (binutils) not found: the runtime's native files keep their symbols"
    return
  fi
  find "$1" -type f \( -name '*.so' -o -perm -u+x \) -print0 | while IFS= read -r -d '' f; do
    if head -c 4 "$f" | grep -q 'ELF'; then
      strip --strip-unneeded --remove-section=.comment "$f"
    fi
  done
}

normalize() {
  chmod -R u+rwX,go+rX,go-w "$1"
  find "$1" -exec touch -h -d "@$epoch" {} +
}

# A reproducible tar.gz of directory $1's entry $2 (relative), as $3.
tgz() {
  tar -C "$1" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
    --format=gnu -cf - "$2" | gzip -n -9 >"$3"
}

# The shaded jar keeps only the BouncyCastle packages the tool needs (pom.xml's filter): a class that is
# referenced and missing would fail only at run time, on whatever path first touches it, so every build
# asks jdeps for references the jar cannot resolve and stops on any.
complete_jar() {
  local jdk=$1 jar=$2 missing
  missing=$("$jdk/bin/jdeps" -filter:none --multi-release 17 --missing-deps "$jar" 2>&1) || true
  if [ -n "$missing" ]; then
    log "$jar references classes it does not contain (widen the BouncyCastle filter in pom.xml):"
    echo "$missing" | head -20 >&2
    exit 1
  fi
}

tree() {
  local jdk jar=$target/cmdop-update.jar docs=$work/docs
  jdk=$(pick_jdk)
  [ -f "$jar" ] || { log "$jar is missing (the shade step makes it)"; exit 1; }
  complete_jar "$jdk" "$jar"
  rm -rf "$work"
  mkdir -p "$work" "$docs"

  log "man page and completions from the picocli model"
  "$CMDOP_BUILD_JAVA/bin/java" -cp "$jar:$CMDOP_CODEGEN_JAR" "$repo/src/build/java/DocGen.java" "$docs" "$v" "$epoch"
  gzip -n -9 -c "$docs/cmdop-update.1" >"$docs/cmdop-update.1.gz"

  local self=$work/self/$name
  mkdir -p "$self/bin" "$self/lib"
  cp "$repo/bin/cmdop-update" "$self/bin/"
  cp "$jar" "$self/lib/"
  # the archive records the jar's size and mtime; the mtime is the one every package carries
  touch -d "@$epoch" "$self/lib/cmdop-update.jar"

  local mods jlink_compress
  mods=$(modules "$jdk" "$jar")
  if "$jdk/bin/jlink" --help 2>&1 | grep -q 'zip-\[0-9\]'; then jlink_compress=zip-6; else jlink_compress=2; fi
  log "runtime: jlink from $jdk, modules $mods"
  local cds=()
  [ "$(release_major "$jdk")" -lt 19 ] && cds=(--generate-cds-archive)
  "$jdk/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages \
    --compress="$jlink_compress" "${cds[@]}" --output "$self/runtime"
  rm -f "$self/runtime/lib/classlist" # the JDK's own dump list; our archive replaces the default one
  rm -f "$self/runtime/bin/keytool"   # java.base brings it; the tool never runs it
  strip_native "$self/runtime"
  archive "$self"

  # shared files: man page, completions, docs
  local share=$work/share
  mkdir -p "$share/man/man1" "$share/bash-completion/completions" "$share/zsh/vendor-completions" \
    "$share/doc/cmdop-update/examples"
  cp "$docs/cmdop-update.1.gz" "$share/man/man1/"
  cp "$docs/cmdop-update.bash" "$share/bash-completion/completions/cmdop-update"
  cp "$docs/_cmdop-update" "$share/zsh/vendor-completions/_cmdop-update"
  cp "$here/deb/copyright" "$share/doc/cmdop-update/copyright"
  gzip -n -9 -c "$here/deb/changelog" >"$share/doc/cmdop-update/changelog.gz"
  cp "$work/systemd/cmdop-update.service" "$work/systemd/cmdop-update.timer" "$share/doc/cmdop-update/examples/"
  cp "$here/logrotate/cmdop-update" "$share/doc/cmdop-update/examples/logrotate-cmdop-update"
  cp -r "$share" "$self/share"
  cp "$repo/README.md" "$self/share/doc/cmdop-update/README.md"
  normalize "$work/self"
  tgz "$work/self" "$name" "$target/$name-linux-amd64.tar.gz"

  # portable: the jar and the launcher; any OS and architecture with Java 17+
  local portable=$work/portable/$name
  mkdir -p "$portable"
  cp -r "$self/bin" "$self/share" "$portable/"
  mkdir -p "$portable/lib"
  cp "$self/lib/cmdop-update.jar" "$portable/lib/"
  normalize "$work/portable"
  tgz "$work/portable" "$name" "$target/$name-portable.tar.gz"

  # the .deb's data: /usr/lib/cmdop-update is the self-contained tree, /usr/bin/cmdop-update links to it
  local deb=$work/deb-data
  mkdir -p "$deb/usr/lib/cmdop-update" "$deb/usr/bin" "$deb/etc/logrotate.d"
  cp -r "$self/bin" "$self/lib" "$self/runtime" "$deb/usr/lib/cmdop-update/"
  cp -r "$share" "$deb/usr/share"
  mkdir -p "$deb/usr/share/lintian/overrides"
  cp "$here/deb/lintian-overrides" "$deb/usr/share/lintian/overrides/cmdop-update"
  ln -s ../lib/cmdop-update/bin/cmdop-update "$deb/usr/bin/cmdop-update"
  cp "$here/logrotate/cmdop-update" "$deb/etc/logrotate.d/cmdop-update"
  normalize "$work/deb-data"
  tar -C "$deb" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
    -cf "$work/deb-data.tar" ./etc ./usr
  log "tarballs: $(cd "$target" && ls -s --block-size=K "$name"-*.tar.gz | tr '\n' ' ')"
}

sums() {
  (cd "$target" && sha256sum "cmdop-update_${v}_amd64.deb" "$name-linux-amd64.tar.gz" "$name-portable.tar.gz" >SHA256SUMS)
  log "$target/SHA256SUMS:"
  sed 's/^/  /' "$target/SHA256SUMS" >&2
}

# A class-data archive of the checkout's jar for the JDK that runs Maven: JDK 17 uses an archive of
# application classes only at the class path it was dumped with, which a checkout's target/ keeps; a
# rebuilt jar (another size or mtime) makes the JVM ignore the archive, silently, until this runs again.
# picocli's version-49 classes are archived too (a static dump takes them; only dynamic archives skip them).
checkout_archive() {
  local jar=$target/cmdop-update.jar java=$CMDOP_BUILD_JAVA/bin/java train=$work/train-checkout
  train "$java" "$jar" "$train"
  rm -f "$target/cmdop-update.jsa" "$target/cmdop-update.jsa.java"
  "$java" -XX:+UseSerialGC -Xshare:dump -XX:SharedClassListFile="$train/classes.lst" \
    -XX:SharedArchiveFile="$target/cmdop-update.jsa" -cp "$jar" >"$work/checkout-archive-dump.log" 2>&1 || {
    log "checkout class-data archive dump failed (bin/cmdop-update runs without it):"
    tail -5 "$work/checkout-archive-dump.log" >&2
    rm -f "$target/cmdop-update.jsa"
    return 0
  }
  readlink -f "$java" >"$target/cmdop-update.jsa.java" # the launcher uses the archive with this java only
  log "checkout class-data archive: $target/cmdop-update.jsa ($(grep -c -v '^@' "$train/classes.lst") classes listed)"
}

case "${1:-}" in
  tree) tree ;;
  sums) sums ;;
  checkout-archive) checkout_archive ;;
  *) echo "usage: $0 tree|sums|checkout-archive" >&2; exit 64 ;;
esac
