#!/usr/bin/env bash
# Runs the tests of examples/ (desired-state files, the Ansible rollout, the CI drift script and
# workflow) and of terraform-provider-docs/ (the data source protocol, every .tf command, the docs),
# with the cmdop-update CLI built from this checkout.
#
#   bash examples/tests/run.sh [examples | terraform | test_examples.DriftCheckTest ...]
#
# Installs ansible-core and ansible-lint (Debian packages) when they are missing; needs root for that.
# CMDOP_UPDATE=/path/to/cmdop-update tests another build; by default bin/cmdop-update of this
# checkout, built with Maven first when its jar is missing.
# Closes with "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

ensure_packages() {
    local need=()
    command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible-core)
    command -v ansible-lint >/dev/null 2>&1 || need+=(ansible-lint)
    [ -x /usr/bin/python3 ] || need+=(python3)
    if [ "${#need[@]}" -gt 0 ]; then
        if [ "$(id -u)" != 0 ]; then
            echo "missing: ${need[*]}: run as root or install them: apt-get install -y ${need[*]}" >&2
            echo "0 passed, 1 failed"
            exit 1
        fi
        echo "installing ${need[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
}

ensure_cli() {
    if [ -n "${CMDOP_UPDATE:-}" ]; then
        CMDOP_UPDATE="$(cd "$(dirname "$CMDOP_UPDATE")" && pwd)/$(basename "$CMDOP_UPDATE")"
    else
        CMDOP_UPDATE="$repo/bin/cmdop-update"
        if [ ! -f "$repo/target/cmdop-update.jar" ]; then
            echo "building cmdop-update (mvn -q -B -DskipTests package)" >&2
            (cd "$repo" && mvn -q -B -DskipTests package) >&2
        fi
    fi
    if [ ! -x "$CMDOP_UPDATE" ]; then
        echo "cmdop-update launcher $CMDOP_UPDATE is missing or not executable" >&2
        echo "0 passed, 1 failed"
        exit 1
    fi
    export CMDOP_UPDATE
}

ensure_packages
ensure_cli
cd "$here"
exec /usr/bin/python3 "$here/runtests.py" "$@"
