#!/bin/sh
# A fake CMDOP agent for the install tests. Its version and heartbeat behaviour are baked in:
#   --version            prints the version, as the real agent does
#   --heartbeat-version  prints the version its heartbeat names once "restarted" (empty: it never writes one)
case "$1" in
  --version) echo "cmdop @VERSION@ (fake agent for tests)" ;;
  --heartbeat-version) echo "@HEARTBEAT@" ;;
  *) echo "fake cmdop agent @VERSION@" ;;
esac
exit 0
