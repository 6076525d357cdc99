#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cmdop-update contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: update
short_description: Converge the CMDOP agent's update settings to a desired state
version_added: "1.0.0"
description:
  - Brings the CMDOP agent on the managed host to a desired state (release channel, pinned
    version, auto-update on/off and its interval, maintenance window, feed, trusted keys) by running
    C(cmdop-update converge --state - --json) on that host.
  - Only the options you set are managed. An option you leave out is not touched on the host.
  - The desired state is passed to the CLI as JSON on its standard input; nothing is written to a
    temporary file.
  - In check mode the module runs C(cmdop-update converge --check), which computes the drift and
    changes nothing at all on the host.
  - Idempotent. A second run with the same options reports C(changed=false).
  - C(cmdop-update) must be installed on the managed host, see I(executable).
author:
  - cmdop-update contributors
options:
  channel:
    description:
      - Release channel the agent follows.
      - Persisted as C(update.channel) in C(/etc/cmdop/config.yaml).
    type: str
    choices: [stable, beta, nightly]
  pin:
    description:
      - Pin the agent to this version, for example C(v1.2.3) (a missing leading C(v) is added).
      - A pinned host is pinned B(and) runs that version, so a pin installs it when another version
        is installed (or none). C(cmdop-update) downloads it from I(feed), verifies its signature
        against I(trusted_keys), swaps it into place atomically, restarts the agent and waits for its
        heartbeat. The next run with the same pin reports C(changed=false).
      - Installing needs I(feed) and I(trusted_keys) configured on the host. Without them the task fails
        with C(INVALID_CONFIG) (rc 65) naming the missing key, and nothing is changed, the pin included.
      - A version the feed does not have fails the task and changes nothing. A version that does not
        confirm its heartbeat is rolled back to the previous one and fails the task with
        C(HEALTH_CHECK_FAILED) (rc 81).
      - An empty string means ensure the host is not pinned; the installed version stays.
    type: str
  auto:
    description:
      - Turn automatic updates on or off. C(true) also means the scheduler entry (systemd timer or
        C(/etc/cron.d/cmdop-update)) exists; C(false) means it does not.
    type: bool
  interval:
    description:
      - How often automatic updates check the feed, a whole number and a unit, from C(15m) to C(30d),
        for example C(6h) or C(1d).
    type: str
  window:
    description:
      - Maintenance window in UTC when scheduled updates may install, for example
        C(Mon-Fri 02:00-05:00).
      - An empty string means ensure no window is set.
    type: str
  feed:
    description:
      - Where releases are published, an C(https://) URL, a C(file://) URL or a directory.
    type: str
  trusted_keys:
    description:
      - The minisign public keys (the base64 line of a C(.pub) file) that release signatures must
        verify against. The list replaces the keys on the host.
      - These are public keys, not secrets.
    type: list
    elements: str
  offline:
    description:
      - Run the CLI with C(--offline), which forbids network access. A pin is then compared with the
        installed version only.
    type: bool
    default: false
extends_documentation_fragment:
  - cmdop.agent.common
attributes:
  check_mode:
    support: full
    description: Runs C(cmdop-update converge --check), which changes nothing.
  diff_mode:
    support: full
    description: Shows the host's settings before and after (or, in check mode, what they would be).
notes:
  - Changing settings usually needs root on the managed host, so use I(become=true) unless I(root)
    points to a directory that the connecting user may write.
  - Warnings of the CLI are shown as Ansible warnings.
  - When the CLI fails, the task fails with I(msg) naming the CLI's error code (for example
    C(INVALID_INPUT)), and returns its exit status as I(rc) and its error object as I(error).
seealso:
  - module: cmdop.agent.update_info
'''

EXAMPLES = r'''
- name: Follow the stable channel with automatic updates every 12 hours
  cmdop.agent.update:
    channel: stable
    auto: true
    interval: 12h
  become: true

- name: Pin production to a tested version (installs it, restarts the agent, checks its heartbeat)
  cmdop.agent.update:
    channel: stable
    pin: v1.4.2
    feed: https://releases.example.com/cmdop
    trusted_keys:
      - RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3
  become: true

- name: Remove the pin again (the empty string means "not pinned")
  cmdop.agent.update:
    pin: ""
  become: true

- name: Report drift without changing anything
  cmdop.agent.update:
    channel: stable
    auto: false
  check_mode: true
  register: cmdop_drift

- name: Show what differs
  ansible.builtin.debug:
    var: cmdop_drift.drift

- name: Use an executable outside the PATH
  cmdop.agent.update:
    channel: beta
    executable: /opt/cmdop-update/bin/cmdop-update
'''

RETURN = r'''
changed:
  description: Whether something was changed (in check mode, whether something would be).
  returned: always
  type: bool
in_sync:
  description: Whether the host already was in the desired state before this run.
  returned: success
  type: bool
  sample: false
status:
  description:
    - The CLI's summary, one of C(unchanged), C(changed), C(drift) or C(failed).
    - C(drift) in check mode means the host differs; outside check mode it means a difference remains
      that this run could not remove (see the warnings).
  returned: always
  type: str
  sample: changed
msg:
  description: What was done (or what failed, with the CLI's error code).
  returned: always
  type: str
  sample: "channel beta -> stable"
drift:
  description: The managed settings that differed, sorted by setting.
  returned: success
  type: list
  elements: dict
  sample: [{"setting": "channel", "before": "beta", "after": "stable"}]
actions:
  description: The steps the CLI applied (check mode, planned), each with C(id), C(status) and C(message).
  returned: success
  type: list
  elements: dict
  sample: [{"id": "set-channel", "status": "applied", "message": "channel beta -> stable"}]
agent:
  description: The agent binary, after the run.
  returned: success
  type: dict
  sample: {"installed_version": "v1.2.3", "installed_verified": true, "previous_version": "v1.2.4",
           "previous_expires": "2026-12-04T10:00:00Z", "available_version": "v1.2.4"}
advisories:
  description: Security advisories the feed published for the relevant versions.
  returned: success
  type: list
  elements: dict
  sample: []
desired:
  description: The desired state the module passed to the CLI (only the options that were set).
  returned: success
  type: dict
  sample: {"channel": "stable", "auto": true}
before:
  description: The host's settings before the run.
  returned: success
  type: dict
  sample: {"channel": "beta", "auto": true, "interval": "6h", "pin": null, "window": null, "feed": null,
           "trusted_keys": [], "version": "v1.2.4"}
after:
  description: The host's settings after the run (check mode, what they would be).
  returned: success
  type: dict
  sample: {"channel": "stable", "auto": true, "interval": "6h", "pin": "v1.2.3", "version": "v1.2.3"}
tool_version:
  description: Version of the cmdop-update CLI that ran.
  returned: success
  type: str
  sample: "0.3.0"
rc:
  description: Exit status of the CLI (64 bad command line, 65 bad input or config, 69 feed unavailable,
    80 integrity failure, 81 the new version failed its heartbeat and was rolled back, ...).
  returned: failure
  type: int
  sample: 65
error:
  description: The CLI's error object, with C(code), C(message), C(retryable) and C(details).
  returned: failure
  type: dict
  sample: {"code": "INVALID_INPUT", "message": "interval '1m' is out of range: use 15m .. 30d",
           "retryable": false, "details": {"key": "interval"}}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.cmdop.agent.plugins.module_utils.cmdop_update import (
    COMMON_ARGUMENT_SPEC,
    converge_command,
    desired_state,
    diff_of,
    find_executable,
    run_cli,
    tool_version,
)
import json


ARGUMENT_SPEC = dict(
    channel=dict(type='str', choices=['stable', 'beta', 'nightly']),
    pin=dict(type='str'),
    auto=dict(type='bool'),
    interval=dict(type='str'),
    window=dict(type='str'),
    feed=dict(type='str'),
    trusted_keys=dict(type='list', elements='str', no_log=False),
    offline=dict(type='bool', default=False),
    **COMMON_ARGUMENT_SPEC
)

RETURNED_KEYS = ('status', 'in_sync', 'drift', 'actions', 'agent', 'advisories', 'desired', 'before', 'after',
                 'update_available')


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    state = desired_state(params)
    executable = find_executable(module, params['executable'])
    cmd = converge_command(executable, params, module.check_mode)
    envelope = run_cli(module, 'converge', cmd, data=json.dumps(state))

    result = dict(changed=bool(envelope.get('changed')), msg=envelope.get('msg') or '',
                  tool_version=tool_version(envelope))
    for key in RETURNED_KEYS:
        if key in envelope:
            result[key] = envelope[key]
    result.setdefault('desired', state)
    if module._diff:
        result['diff'] = diff_of(envelope, params)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
