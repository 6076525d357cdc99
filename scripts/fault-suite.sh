#!/usr/bin/env bash
# Runs the randomized fault suite of issue #9 on its own (.ci/run runs it inside `mvn verify`):
# builds the jar, then runs FaultSuiteIT, which prints the seed first and the figures last, and writes
# them to target/fault-suite/summary.json and summary.md (the figures docs/SECURITY.md quotes).
#
#   scripts/fault-suite.sh [--runs N] [--seed S] [--budget SECONDS] [-- MAVEN_ARGS...]
#
# --runs defaults to FAULT_RUNS or 300, --budget (no new run starts after it) to FAULT_BUDGET or 240,
# --seed to FAULT_SEED or a fresh one. The same seed replays the same faults in the same order. Disk-full faults need root and `mount -t tmpfs`; without them they are skipped
# and the summary says why.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${FAULT_RUNS:-300}
budget=${FAULT_BUDGET:-240}
seed=${FAULT_SEED:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) echo "fault-suite: unknown argument $1 (see --help)" >&2; exit 64 ;;
  esac
done
args=(-B -ntp -Dcmdop.package.skip=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
      -Dit.test=FaultSuiteIT -Dfault.runs="$runs" -Dfault.budget="$budget")
if [ -n "$seed" ]; then args+=(-Dfault.seed="$seed"); fi
mvn "${args[@]}" "$@" verify
cat target/fault-suite/summary.md
