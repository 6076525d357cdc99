#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cmdop-update contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: update
short_description: Converge the CMDOP agent to a desired state, update it to the newest version or roll it back
version_added: "1.0.0"
description:
  - Brings the CMDOP agent on the managed host to a desired state (release channel, pinned
    version, hold, auto-update on/off and its interval, maintenance window, feed, trusted keys,
    install path, how the agent service is restarted and checked) by running
    C(cmdop-update converge --state - --json) on that host.
  - Only the options you set are managed. An option you leave out is not touched on the host.
  - The desired state is passed to the CLI as JSON on its standard input; nothing is written to a
    temporary file.
  - I(state=latest) also installs the newest version of the channel (C(cmdop-update --json)), like
    C(ansible.builtin.apt) with C(state=latest); I(state=rolled_back) swaps back to the cached previous
    version (C(cmdop-update --rollback --json)).
  - In check mode the module runs C(cmdop-update converge --check) (and for I(state=latest)
    C(cmdop-update --check), which asks the feed), which change nothing on the host.
  - Security advisories that affect the installed version are returned in I(advisories) and shown as
    warnings. When the run itself did not read the feed, the module asks it read only with
    C(cmdop-update --check --json) (not with I(offline=true) or I(advisories=false), nor on a host
    without a feed).
  - Idempotent. A second run with the same options reports C(changed=false).
  - C(cmdop-update) must be installed on the managed host, see I(executable).
author:
  - cmdop-update contributors
options:
  state:
    description:
      - C(present) converges the options you set and nothing else; the installed version changes only
        for a I(pin) (or to repair a modified binary).
      - C(latest) converges the options you set, then installs the newest version of the host's channel
        when it is newer than the installed one (never a downgrade; quarantined versions are skipped).
        Once the host runs it the task reports C(changed=false), until the channel moves on. A pinned or
        held host keeps its version; I(pin) cannot be given with C(latest).
      - C(rolled_back) swaps back to the previous version that C(cmdop-update) keeps for
        C(update.cache_ttl) after an update, restarts the agent and checks its health; on a pinned host the
        pin moves to that version. It takes no settings options. It is idempotent this way - the host
        counts as rolled back while the version it would roll back to is quarantined, which is what a
        rollback (or an update that failed its health check and was reverted) leaves behind; then the task
        reports C(changed=false). Without a cached previous version it fails with C(ROLLBACK_UNAVAILABLE),
        in check mode too.
    type: str
    choices: [present, latest, rolled_back]
    default: present
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
  hold:
    description:
      - Keep whatever agent binary is installed (a fork or a custom build) and never replace it, like
        C(apt-mark hold). Reported as I(held). C(cmdop-update) refuses a hold together with a I(pin)
        (rc 64), so unpin (C(pin="")) in the same task.
    type: bool
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
  install_path:
    description:
      - Where the agent binary is installed (C(update.install_path), default C(/usr/local/bin/cmdop)),
        inside I(root).
      - A changed path installs the agent there (the pinned version, else the installed one); the binary at
        the old path is left alone, with a warning. Point the agent's service at the new path too.
      - Needs a C(cmdop-update) that manages C(install_path) in a desired state (SPEC section 11); an older
        one fails the task with C(INVALID_INPUT) naming the key, and changes nothing.
    type: path
  service:
    description:
      - How C(cmdop-update) restarts the agent after a change and decides it came up healthy
        (C(update.service) in C(/etc/cmdop/config.yaml)). Only the sub-options you set are managed.
      - Needs a C(cmdop-update) that manages C(service) in a desired state (SPEC section 11); an older
        one fails the task with C(INVALID_INPUT) naming the key, and changes nothing.
    type: dict
    suboptions:
      restart:
        description:
          - The command (program and arguments) that restarts the agent, for example
            C([systemctl, restart, cmdop-agent]).
        type: list
        elements: str
      health_check:
        description:
          - A command (program and arguments) that exits 0 when the agent is healthy, for example
            C([systemctl, is-active, cmdop-agent]) or C([curl, -fsS, http://127.0.0.1:8080/health]). It
            is polled until I(heartbeat_timeout) after a restart, instead of or together with the heartbeat
            file. The agent must then answer it; with the heartbeat file it must write the file naming its
            version.
        type: list
        elements: str
      heartbeat_file:
        description:
          - The file the agent writes when it is up, naming its version; C(none) turns the file check off
            (then give I(health_check)).
        type: str
      heartbeat_timeout:
        description:
          - How long to wait for the agent's health after a restart, C(1s) to C(10m), for example C(30s).
        type: str
      restart_timeout:
        description:
          - How long the restart command may run, C(1s) to C(10m).
        type: str
  advisories:
    description:
      - Ask the feed for the security advisories of the installed version when the run itself did not read
        it, with C(cmdop-update --check --json), that is in check mode, whose converge stays off the network (a real
        run reports the advisories itself, with no second call). It changes no setting or binary, but
        refreshes the CLI's cache of feed files and records the feed's sequence (anti-rollback) under
        C(update.data_dir).
      - C(false) skips it, so that a run on a host in sync writes nothing at all; I(advisories) is then
        what the run itself reported.
    type: bool
    default: true
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
  - Warnings of the CLI are shown as Ansible warnings, and so is each advisory that affects the installed
    version.
  - When the CLI fails, the task fails with I(msg) naming the CLI's error code (for example
    C(INVALID_INPUT)), and returns its exit status as I(rc), its error object as I(error) and the agent
    that runs on the host as I(agent) (read with C(cmdop-update status) when the failed run did not say).
  - In check mode a I(pin) that the feed does not have fails the task as the real run would
    (C(VERSION_NOT_FOUND)), since C(cmdop-update converge --check) looks the pin up in the feed, read only
    (not with I(offline=true)).
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

- name: Keep every host of the group on the newest version of its channel
  cmdop.agent.update:
    state: latest
    channel: stable
  become: true

- name: Roll back to the previous version (a second run reports ok)
  cmdop.agent.update:
    state: rolled_back
  become: true

- name: Keep a fork installed by hand, never replace it
  cmdop.agent.update:
    pin: ""
    hold: true
  become: true

- name: An agent that writes no heartbeat file, checked with systemctl instead
  cmdop.agent.update:
    service:
      restart: [systemctl, restart, cmdop-agent]
      health_check: [systemctl, is-active, --quiet, cmdop-agent]
      heartbeat_file: none
      heartbeat_timeout: 45s
  become: true

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
  description:
    - The agent binary after the run; on failure, the one that runs on the host.
    - C(held) is true when the host keeps its binary (I(hold)); C(binary) is C(signed) (matches a signed
      release), C(modified) (matches none, drift that converge repairs), C(custom) (held and matches
      none, not drift) or C(none).
  returned: always, unless the CLI could not run
  type: dict
  sample: {"installed_version": "v1.2.3", "installed_verified": true, "previous_version": "v1.2.4",
           "previous_expires": "2026-12-04T10:00:00Z", "available_version": "v1.2.4", "held": false,
           "binary": "signed"}
held:
  description: Whether the host keeps whatever binary is installed (C(agent.held)).
  returned: always, unless the CLI could not run
  type: bool
  sample: false
binary:
  description: C(signed), C(modified), C(custom) or C(none) (C(agent.binary)).
  returned: always, unless the CLI could not run
  type: str
  sample: signed
advisories:
  description:
    - Security advisories for the installed version, each with C(id), C(severity), C(summary), C(fixed_in)
      and (from a CLI that says) C(affects_installed). Those that affect the installed version are also
      warnings, pinned host or not.
  returned: success
  type: list
  elements: dict
  sample: [{"id": "CMDOP-2026-007", "severity": "critical", "summary": "Token leak in logs",
            "fixed_in": "v1.4.3", "affects_installed": true}]
update_available:
  description: With I(state=latest) in check mode, whether the channel has a newer version to install.
  returned: when state=latest
  type: bool
  sample: true
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
    SERVICE_KEYS,
    advisory_warnings,
    agent_fields,
    converge_command,
    desired_state,
    diff_of,
    feed_check_command,
    find_executable,
    read_agent,
    rollback_command,
    run_cli,
    status_command,
    tool_version,
    try_cli,
    update_command,
)
import json


ARGUMENT_SPEC = dict(
    state=dict(type='str', default='present', choices=['present', 'latest', 'rolled_back']),
    channel=dict(type='str', choices=['stable', 'beta', 'nightly']),
    pin=dict(type='str'),
    hold=dict(type='bool'),
    auto=dict(type='bool'),
    interval=dict(type='str'),
    window=dict(type='str'),
    feed=dict(type='str'),
    trusted_keys=dict(type='list', elements='str', no_log=False),
    install_path=dict(type='path'),
    service=dict(type='dict', options=dict(
        restart=dict(type='list', elements='str'),
        health_check=dict(type='list', elements='str'),
        heartbeat_file=dict(type='str'),
        heartbeat_timeout=dict(type='str'),
        restart_timeout=dict(type='str'),
    )),
    offline=dict(type='bool', default=False),
    advisories=dict(type='bool', default=True),
    **COMMON_ARGUMENT_SPEC
)

RETURNED_KEYS = ('status', 'in_sync', 'drift', 'actions', 'agent', 'advisories', 'desired', 'before', 'after',
                 'update_available')


class Run(object):
    """One task: the CLI runs it makes and the result they add up to."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.check = module.check_mode
        self.executable = find_executable(module, self.params['executable'])
        self.agent = read_agent(module, self.executable, self.params)
        self.result = dict(changed=False, msg='')
        self.feed_read = False

    def cli(self, command, cmd, data=None):
        envelope = run_cli(self.module, command, cmd, data=data, agent=self.agent)
        self.feed_read = self.feed_read or 'feed' in envelope
        return envelope

    def take(self, envelope):
        """Adds a CLI run to the result: changed and messages add up, the later run's agent stands."""
        result = self.result
        result['changed'] = result['changed'] or bool(envelope.get('changed'))
        result['msg'] = '; '.join(m for m in (result['msg'], envelope.get('msg')) if m)
        result['tool_version'] = tool_version(envelope)
        for key in RETURNED_KEYS:
            if key not in envelope or (envelope[key] is None and key in result):
                continue
            if key in ('drift', 'actions') and result.get(key):
                result[key] = result[key] + [x for x in envelope[key] if x not in result[key]]
            elif key in ('before', 'desired') and key in result:
                continue  # the state before the first run, the desired state of the task
            else:
                result[key] = envelope[key]

    def converge(self, state):
        self.take(self.cli('converge', converge_command(self.executable, self.params, self.check),
                           data=json.dumps(state)))

    def latest(self):
        envelope = self.cli('update', update_command(self.executable, self.params, self.check))
        if self.check and envelope.get('update_available'):
            envelope = dict(envelope, changed=True, status='drift')
            version = envelope.get('target_version') or (envelope.get('agent') or {}).get('available_version')
            self.result['drift'] = self.result.get('drift', []) + [
                {'setting': 'version', 'before': (envelope.get('agent') or {}).get('installed_version'),
                 'after': version}]
        self.take(envelope)

    def rollback(self):
        status = self.cli('status', status_command(self.executable, self.params))
        agent = status.get('agent') or {}
        previous = agent.get('previous_version')
        quarantined = [q.get('version') for q in status.get('quarantined') or [] if isinstance(q, dict)]
        self.result.update(agent=agent, tool_version=tool_version(status))
        if previous and previous in quarantined:
            # the version before this one was rolled back from (by --rollback or a failed health check)
            self.result['msg'] = 'already rolled back: %s runs, %s is quarantined' % (
                agent.get('installed_version'), previous)
            return
        if not self.check:
            self.take(self.cli('rollback', rollback_command(self.executable, self.params)))
            return
        if not previous:
            self.module.fail_json(
                msg='cmdop-update rollback would fail: ROLLBACK_UNAVAILABLE: there is no cached previous version '
                    'to roll back to', error={'code': 'ROLLBACK_UNAVAILABLE', 'retryable': False}, rc=None,
                agent=agent, **agent_fields(agent))
        self.result.update(changed=True, status='drift', msg='would roll back to %s (was %s)' % (
            previous, agent.get('installed_version')))
        self.result['actions'] = [{'id': 'rollback', 'status': 'planned',
                                   'message': 'roll back to %s' % previous}]

    def advisories(self):
        """The feed's advisories for the installed version, read only, when no run of this task read the feed."""
        before, after = self.result.get('before') or {}, self.result.get('after') or {}
        if self.feed_read or self.params['offline'] or not self.params['advisories'] or not after.get('feed'):
            return
        if not self.check:
            # an online converge reports the feed's advisories itself (SPEC section 11: every envelope of an
            # online run): a second process per host would double the tool's share of a fleet run (bench/fleet)
            return
        if self.check and before.get('feed') != after.get('feed'):
            return  # the host's feed is not the desired one yet: its advisories come with the real run
        envelope = try_cli(self.module, 'check', feed_check_command(self.executable, self.params))
        if envelope.get('failed'):
            self.module.warn('the advisories of the installed version could not be read: %s' % envelope['msg'])
            return
        self.result['advisories'] = envelope.get('advisories') or []
        self.result.setdefault('agent', {})['available_version'] = (envelope.get('agent') or {}).get(
            'available_version')

    def finish(self, state):
        result = self.result
        result.setdefault('desired', state)
        agent = result.get('agent') or {}
        if agent and not self.check and 'hold' in (result.get('after') or {}):
            # the CLI reads its agent object before the run changes the settings: the run's after tells the hold
            agent = result['agent'] = dict(agent, held=bool(result['after']['hold']))
        result.update(agent_fields(agent))
        for text in advisory_warnings(result.get('advisories'), agent.get('installed_version')):
            self.module.warn(text)
        if self.module._diff and 'before' in result:
            result['diff'] = diff_of(result, self.params)
        self.module.exit_json(**result)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    state = desired_state(params)
    run = Run(module)
    if params['state'] == 'rolled_back':
        if state or params['offline']:
            module.fail_json(msg='state=rolled_back takes no settings (it runs cmdop-update --rollback); '
                                 'got %s' % ', '.join(sorted(state) or ['offline']))
        run.rollback()
    else:
        if params['state'] == 'latest' and (state.get('pin') or params['offline']):
            module.fail_json(msg='state=latest installs the channel\'s newest version: it cannot go with %s'
                                 % ('a pin (use state=present)' if state.get('pin') else 'offline'))
        run.converge(state)
        if params['state'] == 'latest':
            run.latest()
        run.advisories()
    run.finish(state)


if __name__ == '__main__':
    main()
