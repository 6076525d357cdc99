#!/bin/sh
# Drift check for CI: does this machine match a desired-state file? Changes nothing.
#
#   examples/ci/drift-check.sh STATE_FILE [GLOBAL_OPTION...]
#   examples/ci/drift-check.sh examples/desired-state/production.yaml
#   examples/ci/drift-check.sh staging.yaml --root /mnt/image
#
# Exit status: 0 in sync, 2 drift, 1 error (the check could not be made: bad desired state,
# unreadable config, cmdop-update missing, ...), so a pipeline can tell "drifted" from "broken".
# Runs: cmdop-update converge --state STATE_FILE --check --detailed-exitcode --json
# Environment:
#   CMDOP_UPDATE    the cmdop-update executable (default: cmdop-update on the PATH)
#   DRIFT_REPORT    also write the CLI's JSON document to this file (e.g. for a CI artifact)
#   GITHUB_STEP_SUMMARY   set by GitHub Actions: a short Markdown summary is appended to it
set -u

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    sed -n '2,16s/^# \{0,1\}//p' "$0" >&2
    exit 1
fi
state=$1
shift
cli=${CMDOP_UPDATE:-cmdop-update}

if ! command -v "$cli" >/dev/null 2>&1; then
    echo "drift-check: error: $cli not found: install cmdop-update, or set CMDOP_UPDATE to its path" >&2
    exit 1
fi
if [ "$state" != "-" ] && [ ! -r "$state" ]; then
    echo "drift-check: error: cannot read the desired-state file $state" >&2
    exit 1
fi

json=$("$cli" "$@" converge --state "$state" --check --detailed-exitcode --json)
rc=$?

if [ -n "${DRIFT_REPORT:-}" ]; then
    printf '%s\n' "$json" > "$DRIFT_REPORT"
fi

# One line per drifted setting, or the error; python3 when there is one, else the raw JSON.
summary() {
    if command -v python3 >/dev/null 2>&1; then
        printf '%s' "$json" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    sys.exit(1)
e = d.get("error") or {}
if e:
    print("%s: %s" % (e.get("code"), e.get("message")))
for x in d.get("drift") or []:
    print("%s: %s -> %s" % (x["setting"], json.dumps(x["before"]), json.dumps(x["after"])))
for w in d.get("warnings") or []:
    print("warning: %s" % (w,))
' && return
    fi
    printf '%s\n' "$json"
}

case $rc in
    0) verdict="in sync"; code=0 ;;
    2) verdict="DRIFT"; code=2 ;;
    *) verdict="ERROR (cmdop-update exit $rc)"; code=1 ;;
esac

details=$(summary)
echo "drift-check: $verdict: $state"
[ -n "$details" ] && printf '%s\n' "$details" | sed 's/^/  /'

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    {
        echo "### cmdop agent drift check: $verdict"
        echo
        echo "Desired state: \`$state\` on \`$(hostname 2>/dev/null || echo this machine)\`"
        [ -n "$details" ] && { echo; echo '```'; printf '%s\n' "$details"; echo '```'; }
    } >> "$GITHUB_STEP_SUMMARY"
fi
exit $code
