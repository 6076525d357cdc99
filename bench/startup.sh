#!/usr/bin/env bash
# Whole-process start-up cost of the commands fleets run most (every Ansible task, every Terraform
# refresh, every scheduled tick): the launcher's JVM flags against plain `java -jar`, in one run so
# the ratio is meaningful on a noisy machine. Needs hyperfine (apt-get install hyperfine) and a built jar.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/cmdop-update.jar ] || mvn -q -B -DskipTests package
command -v hyperfine >/dev/null || { echo "bench: install hyperfine (apt-get install -y hyperfine)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
printf 'channel: stable\nauto: false\n' > "$root/desired.yaml"
java -jar target/cmdop-update.jar --root "$root" converge --state "$root/desired.yaml" >/dev/null
plain="java -jar target/cmdop-update.jar"
tuned="java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -jar target/cmdop-update.jar"
out=${1:-bench/startup-results.md}
hyperfine -N --warmup 3 --runs "${RUNS:-20}" --export-markdown "$out" \
  -n "status, java -jar" "$plain --root $root status --json" \
  -n "status, launcher flags" "$tuned --root $root status --json" \
  -n "converge --check (in sync), java -jar" "$plain --root $root converge --state $root/desired.yaml --check --json" \
  -n "converge --check (in sync), launcher flags" "$tuned --root $root converge --state $root/desired.yaml --check --json" \
  -n "baseline: java -version" "java -XX:TieredStopAtLevel=1 -Xshare:auto -version"
echo "bench: results in $out"
