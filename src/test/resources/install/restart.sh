#!/bin/sh
# A fake service.restart for the install tests: "restarts" the agent at $CMDOP_ROOT/usr/local/bin/cmdop
# and writes the heartbeat the restarted agent would write, with the current time.
# The agent decides what its heartbeat names (fake-agent.sh --heartbeat-version): its own version, another
# version (a liar), or nothing at all (an agent that never comes up).
bin="$CMDOP_ROOT/usr/local/bin/cmdop"
hb="$CMDOP_ROOT/var/lib/cmdop/heartbeat.json"
if [ ! -x "$bin" ]; then
  echo "restart: no agent binary at $bin" >&2
  exit 1
fi
v=$("$bin" --heartbeat-version) || exit 1
echo "restart: agent started: $("$bin" --version)"
[ -n "$v" ] || exit 0
mkdir -p "$(dirname "$hb")"
printf '{"version": "%s", "time": "%s", "pid": %s}\n' "$v" "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" "$$" > "$hb.tmp"
mv "$hb.tmp" "$hb"
