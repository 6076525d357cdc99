# -*- coding: utf-8 -*-
# A callback for bench/fleet: one line per host and task, with the controller's clock at the task's start
# on that host (v2_runner_on_start, when a fork picks the host up) and at its result, so that the time
# Ansible spends per host can be set against the time of the processes the module started.
# Enabled by bench/fleet with ANSIBLE_CALLBACK_PLUGINS and ANSIBLE_CALLBACKS_ENABLED=fleet_timing;
# writes to $FLEET_TIMING_LOG:  host start_ns end_ns ok|failed|unreachable|skipped changed task-name

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = '''
    name: fleet_timing
    type: aggregate
    short_description: per-host start and end of each task, for bench/fleet
    description:
      - Appends one line per host and task to the file named by FLEET_TIMING_LOG.
    requirements:
      - enabled in ANSIBLE_CALLBACKS_ENABLED
'''

import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'fleet_timing'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.started = {}
        self.path = os.environ.get('FLEET_TIMING_LOG')

    def v2_runner_on_start(self, host, task):
        self.started[(host.get_name(), task._uuid)] = time.time_ns()

    def _end(self, result, status):
        end = time.time_ns()
        host = result._host.get_name()
        start = self.started.pop((host, result._task._uuid), end)
        changed = 1 if result._result.get('changed') else 0
        if self.path:
            with open(self.path, 'a') as f:
                f.write('%s %d %d %s %d %s\n' % (host, start, end, status, changed, result._task.get_name()))

    def v2_runner_on_ok(self, result):
        self._end(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._end(result, 'failed')

    def v2_runner_on_unreachable(self, result):
        self._end(result, 'unreachable')

    def v2_runner_on_skipped(self, result):
        self._end(result, 'skipped')
