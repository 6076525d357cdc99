#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cmdop-update contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: update_info
short_description: Read the CMDOP agent's update settings, installed version and schedule
version_added: "1.0.0"
description:
  - Runs C(cmdop-update status --json) on the managed host and returns its settings, the installed
    agent and the auto-update schedule.
  - Read only. The CLI's C(status) reads local state only; it uses no network, takes no lock and
    writes nothing, so the module runs the same way in check mode.
  - With I(check_feed=true) it also asks the feed, read only, with C(cmdop-update --check --json), for
    the channel's newest version, whether an update is waiting, and the security advisories of the
    installed version, which are also shown as warnings.
  - C(cmdop-update) must be installed on the managed host, see I(executable).
author:
  - cmdop-update contributors
options:
  check_feed:
    description:
      - Also ask the feed (read only; it may refresh C(cmdop-update)'s cache of feed files) for
        I(advisories), I(update_available) and C(agent.available_version).
      - Fails the task when the feed cannot be read (for example rc 69, feed unavailable, or rc 65 on a
        host without C(update.feed)).
    type: bool
    default: false
extends_documentation_fragment:
  - cmdop.agent.common
attributes:
  check_mode:
    support: full
    description: The module never changes anything.
  diff_mode:
    support: none
    description: Nothing to show, nothing is changed.
seealso:
  - module: cmdop.agent.update
'''

EXAMPLES = r'''
- name: Read the agent's update status
  cmdop.agent.update_info:
  register: cmdop

- name: Fail when a host is not on the stable channel
  ansible.builtin.assert:
    that: cmdop.settings.channel == 'stable'
    fail_msg: "{{ inventory_hostname }} follows {{ cmdop.settings.channel }}"

- name: Fail a host that runs a version with a critical security advisory
  cmdop.agent.update_info:
    check_feed: true
  register: cmdop_feed
  failed_when: cmdop_feed.advisories | selectattr('severity', 'equalto', 'critical') | list | length > 0

- name: Show the installed agent version
  ansible.builtin.debug:
    msg: "{{ cmdop.agent.installed_version | default('not installed', true) }}"
'''

RETURN = r'''
settings:
  description: The current settings, with the same keys as the C(after) of M(cmdop.agent.update).
  returned: success
  type: dict
  sample: {"channel": "stable", "auto": true, "interval": "6h", "pin": null, "version": "v1.2.3"}
agent:
  description:
    - The agent binary (C(installed_version), C(installed_verified), C(previous_version),
      C(previous_expires), C(available_version) (with I(check_feed) only), C(held), C(binary)).
    - C(binary) is C(signed) (matches a signed release), C(modified) (matches none, drift), C(custom) (held
      and matches none) or C(none).
  returned: success
  type: dict
  sample: {"installed_version": "v1.2.3", "installed_verified": true, "previous_version": null,
           "held": false, "binary": "signed"}
held:
  description: Whether the host keeps whatever binary is installed (C(agent.held)).
  returned: success
  type: bool
  sample: false
binary:
  description: C(signed), C(modified), C(custom) or C(none) (C(agent.binary)).
  returned: success
  type: str
  sample: signed
advisories:
  description:
    - Security advisories for the installed version, each with C(id), C(severity), C(summary), C(fixed_in)
      and (from a CLI that says) C(affects_installed). Without I(check_feed), nothing asks the feed and
      the list is empty.
  returned: success
  type: list
  elements: dict
  sample: [{"id": "CMDOP-2026-007", "severity": "critical", "summary": "Token leak in logs",
            "fixed_in": "v1.4.3", "affects_installed": true}]
update_available:
  description: Whether the channel has a newer version this host would install (not when pinned or held).
  returned: with check_feed
  type: bool
  sample: true
quarantined:
  description: The versions that failed their health check or were rolled back from, with C(reason) and C(since).
  returned: success
  type: list
  elements: dict
  sample: [{"version": "v1.4.3", "reason": "rolled back to v1.4.2 with --rollback", "since": "2026-11-29T22:47:09Z"}]
schedule:
  description: The auto-update schedule, with the last check, its result (and error code) and when the next is due.
  returned: success
  type: dict
  sample: {"auto": true, "interval": "6h", "window": null, "kind": "cron", "entry": "present",
           "last_check": null, "last_result": null, "last_error": null, "next_check": null}
paths:
  description: Where the CLI looks on this host (config, agent binary, data, logs), inside I(root).
  returned: success
  type: dict
  sample: {"root": "/", "config": "/etc/cmdop/config.yaml", "config_exists": true,
           "install_path": "/usr/local/bin/cmdop"}
last_change:
  description: The last change the CLI made (time, actor, actions), or null.
  returned: success
  type: dict
  sample: {"time": "2026-11-27T20:31:07Z", "actor": "converge", "actions": ["set-channel"]}
tool_version:
  description: Version of the cmdop-update CLI that ran.
  returned: success
  type: str
  sample: "0.3.0"
msg:
  description: The CLI's one-line summary, or on failure the error with its code.
  returned: always
  type: str
rc:
  description: Exit status of the CLI.
  returned: failure
  type: int
error:
  description: The CLI's error object, with C(code), C(message), C(retryable) and C(details).
  returned: failure
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.cmdop.agent.plugins.module_utils.cmdop_update import (
    COMMON_ARGUMENT_SPEC,
    advisory_warnings,
    agent_fields,
    feed_check_command,
    find_executable,
    run_cli,
    status_command,
    tool_version,
)


ARGUMENT_SPEC = dict(
    check_feed=dict(type='bool', default=False),
    **COMMON_ARGUMENT_SPEC
)

RETURNED_KEYS = ('settings', 'agent', 'schedule', 'paths', 'last_change', 'advisories', 'quarantined')


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    executable = find_executable(module, module.params['executable'])
    envelope = run_cli(module, 'status', status_command(executable, module.params))
    result = dict(changed=False, msg=envelope.get('msg') or '', tool_version=tool_version(envelope))
    for key in RETURNED_KEYS:
        if key in envelope:
            result[key] = envelope[key]
    if module.params['check_feed']:
        feed = run_cli(module, 'check', feed_check_command(executable, module.params))
        result['advisories'] = feed.get('advisories') or []
        result['update_available'] = bool(feed.get('update_available'))
        result['agent'] = dict(result.get('agent') or {},
                               available_version=(feed.get('agent') or {}).get('available_version'))
    result.update(agent_fields(result.get('agent')))
    for text in advisory_warnings(result.get('advisories'), (result.get('agent') or {}).get('installed_version')):
        module.warn(text)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
