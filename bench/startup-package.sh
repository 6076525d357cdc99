#!/usr/bin/env bash
# Start-up of the installed, self-contained cmdop-update (bundled jlink runtime + class-data archive)
# against `java -Xshare:auto -version` of the system JDK, measured side by side: the commands take
# turns in every round, so a busy machine slows all of them alike. Prints the median of RUNS rounds.
#
#   bench/startup-package.sh [LAUNCHER]     default: /usr/bin/cmdop-update when the .deb is installed,
#                                           else the tree `mvn package` left in target/package/self
# No hyperfine needed: wall time from date +%s%N around each process.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-15}
launcher=${1:-}
if [ -z "$launcher" ]; then
  if [ -x /usr/lib/cmdop-update/bin/cmdop-update ]; then
    launcher=/usr/bin/cmdop-update
  else
    launcher=$(ls -d target/package/self/cmdop-update-*/bin/cmdop-update 2>/dev/null | head -1)
  fi
fi
[ -n "$launcher" ] && [ -x "$launcher" ] || { echo "bench: no self-contained cmdop-update; run mvn package first" >&2; exit 1; }
java=${JAVA:-$(command -v java)}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
printf 'channel: stable\nauto: false\ninterval: 6h\n' >"$root/desired.yaml"
"$launcher" --root "$root" converge --state "$root/desired.yaml" >/dev/null

names=("java -Xshare:auto -version ($java)" "installed: cmdop-update status" "installed, archive off (-Xshare:off): cmdop-update status" "checkout: bin/cmdop-update status (system JDK)")
cmds=("$java -Xshare:auto -version"
  "$launcher --root $root status"
  "env CMDOP_UPDATE_JAVA_OPTS=-Xshare:off $launcher --root $root status"
  "bin/cmdop-update --root $root status")
declare -A times
for ((r = 0; r < runs + 2; r++)); do
  for i in "${!cmds[@]}"; do
    start=$(date +%s%N)
    ${cmds[$i]} >/dev/null 2>&1
    end=$(date +%s%N)
    [ "$r" -ge 2 ] && times[$i]+="$(((end - start) / 1000000)) " # the first two rounds warm the page cache
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
base=$(echo "${times[0]}" | median)
echo "median of $runs rounds, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
printf '| %-62s | %7s | %s |\n' command "median" "vs java -version"
printf '| %-62s | %7s | %s |\n' --- --- ---
for i in "${!cmds[@]}"; do
  m=$(echo "${times[$i]}" | median)
  printf '| %-62s | %4s ms | %sx |\n' "${names[$i]}" "$m" "$(awk -v a="$m" -v b="$base" 'BEGIN {printf "%.1f", a / b}')"
done
