# Shared by the Python test runners (ansible-module/tests/run-all.sh, examples/tests/run.sh):
# make sure ansible-core, ansible-lint and Debian's python3 are there (installing them as root when
# missing) and that CMDOP_UPDATE names a built cmdop-update launcher. Source it with $repo set.
# Prints the plain closing line "0 passed, 1 failed" on a setup failure, so CI reads it as a failure.

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
