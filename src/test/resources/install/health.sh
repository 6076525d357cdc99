#!/bin/sh
# A fake service.health_check for the install tests, like `systemctl is-active cmdop-agent`: the agent at
# $CMDOP_ROOT/usr/local/bin/cmdop is "active" when it would come up (fake-agent.sh --heartbeat-version prints
# something). It prints a line either way, so the tests can see the output captured.
bin="$CMDOP_ROOT/usr/local/bin/cmdop"
v=$("$bin" --heartbeat-version 2>/dev/null)
if [ -n "$v" ]; then
  echo "active"
  exit 0
fi
echo "inactive (agent $("$bin" --version 2>/dev/null) is not up)"
exit 3
