#!/usr/bin/env bash
# Runs every test of cmdop-update: the Java unit and black-box tests (which include the interop
# tests against Debian's minisign and the randomized fault suite, scripts/fault-suite.sh), then the Ansible collection, the examples, and the packages
# (the .deb installed into a throwaway root, the tarballs, the install role, a byte-for-byte rebuild).
# Installs what the tests need when it is missing, so a clean Debian 12 machine (CI) passes too.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v minisign >/dev/null 2>&1 || need+=(minisign)
[ -x /usr/bin/ansible-playbook ] || need+=(ansible-core)
[ -x /usr/bin/ansible-lint ] || need+=(ansible-lint)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
command -v lintian >/dev/null 2>&1 || need+=(lintian)
command -v strip >/dev/null 2>&1 || need+=(binutils)
command -v man >/dev/null 2>&1 || need+=(man-db)
/usr/bin/python3 -c 'import prometheus_client' >/dev/null 2>&1 || need+=(python3-prometheus-client)
if [ ${#need[@]} -gt 0 ]; then
  echo "test-all: installing ${need[*]} (Debian packages the tests need)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-all: run as root or install them first: apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

echo "test-all: Java unit and black-box tests (mvn verify), with the randomized fault suite"
echo "test-all: (FaultSuiteIT: up to ${FAULT_RUNS:-300} runs in ${FAULT_BUDGET:-240} s; FAULT_SEED replays one)"
mvn -B -ntp verify
if [ -f target/fault-suite/summary.md ]; then
  echo "test-all: fault suite figures (target/fault-suite/summary.json; docs/SECURITY.md quotes them)"
  cat target/fault-suite/summary.md
fi

for runner in ansible-module/tests/run-all.sh examples/tests/run.sh packaging/tests/run.sh; do
  if [ -f "$runner" ]; then
    echo "test-all: $runner"
    bash "$runner"
  fi
done
echo "test-all: all tests passed"
