#!/usr/bin/env bash
# Runs every test of the cmdop.agent Ansible collection: its unit tests, ansible-doc, ansible-lint,
# and playbooks against sandbox hosts with the cmdop-update CLI built from this checkout.
#
#   bash ansible-module/tests/run-all.sh [unit | integration | test_playbooks.ModuleTest ...]
#
# Installs ansible-core and ansible-lint (Debian packages) when they are missing; needs root for that.
# CMDOP_UPDATE=/path/to/cmdop-update tests another build; by default bin/cmdop-update of this
# checkout, built with Maven first when its jar is missing.
# Closes with "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

# shellcheck source=../../scripts/lib/test-env.sh
. "$repo/scripts/lib/test-env.sh"

ensure_packages
ensure_cli
cd "$here"
exec /usr/bin/python3 "$here/runtests.py" "$@"
