#!/bin/sh
# A fake service.restart that fails, as "systemctl restart" does for a unit that cannot start.
echo "Job for cmdop-agent.service failed because the control process exited with error code." >&2
exit 1
