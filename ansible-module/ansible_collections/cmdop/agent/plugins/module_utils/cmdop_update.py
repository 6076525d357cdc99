# -*- coding: utf-8 -*-
# Copyright: cmdop-update contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared code of the cmdop.agent modules: find the cmdop-update executable, run it with --json,
and turn its JSON envelope (SPEC section 4) into an Ansible result.

Everything here that does not need an AnsibleModule is a plain function, so the unit tests can
call it without running a module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import json
import os

# The options every module takes (documented once, in doc_fragments/common.py).
COMMON_ARGUMENT_SPEC = dict(
    root=dict(type='path'),
    executable=dict(type='path', default='cmdop-update'),
)

# The settings a desired state can hold (SPEC sections 5 and 11), in the order the CLI documents them.
DESIRED_KEYS = ('channel', 'pin', 'auto', 'interval', 'window', 'feed', 'trusted_keys', 'hold', 'install_path')

# The service settings (update.service.* in config.yaml), sent nested: {"service": {"restart": [...]}}.
SERVICE_KEYS = ('restart', 'health_check', 'heartbeat_file', 'heartbeat_timeout', 'restart_timeout')

# Options whose empty string means "ensure it is not set" (null in the desired state).
EMPTY_MEANS_NULL = ('pin', 'window')

INSTALL_HINT = (
    "Install cmdop-update on the managed host (it must be on the PATH of the user Ansible "
    "connects as, or of the become user), or set the module option executable to its full "
    "path, for example executable: /opt/cmdop-update/bin/cmdop-update."
)


def desired_state(params):
    """The desired state for `converge --state -`: only the options the user set.

    An option that is absent (None) is not managed, so it is left out, and the CLI leaves that
    setting alone. An empty pin or window means "ensure unset" and is sent as null.
    """
    state = {}
    for key in DESIRED_KEYS:
        value = params.get(key)
        if value is None:
            continue
        if key in EMPTY_MEANS_NULL and value == '':
            value = None
        if key == 'trusted_keys':
            value = list(value)
        state[key] = value
    service = dict((k, v) for k, v in (params.get('service') or {}).items() if k in SERVICE_KEYS and v is not None)
    if service:
        state['service'] = service
    return state


def global_args(params):
    """Global options shared by every command: --root when root is set."""
    args = []
    if params.get('root'):
        args += ['--root', params['root']]
    return args


def converge_command(executable, params, check_mode):
    cmd = [executable] + global_args(params) + ['converge', '--state', '-', '--json']
    if check_mode:
        cmd.append('--check')
    if params.get('offline'):
        cmd.append('--offline')
    return cmd


def status_command(executable, params):
    return [executable] + global_args(params) + ['status', '--json']


def update_command(executable, params, check_mode):
    """Install the channel's newest version when it is newer (the CLI without a mode flag); in check mode
    `--check`, which asks the feed and changes nothing."""
    cmd = [executable] + global_args(params) + ['--json']
    if check_mode:
        cmd.append('--check')
    return cmd


def feed_check_command(executable, params):
    """Ask the feed, read only: the available version and the advisories of the installed version."""
    return update_command(executable, params, True)


def rollback_command(executable, params):
    return [executable] + global_args(params) + ['--rollback', '--json']


def find_executable(module, name):
    """Resolve the executable option to a path, or fail with a message that says what to do."""
    if os.sep in name:
        if not os.path.exists(name):
            module.fail_json(msg="cmdop-update executable %s does not exist on this host. %s" % (name, INSTALL_HINT))
        if os.path.isdir(name) or not os.access(name, os.X_OK):
            module.fail_json(msg="cmdop-update executable %s is not an executable file. %s" % (name, INSTALL_HINT))
        return name
    path = module.get_bin_path(name)
    if path is None:
        module.fail_json(msg="cmdop-update executable %s was not found on the PATH (%s) of this host. %s"
                         % (name, os.environ.get('PATH', ''), INSTALL_HINT))
    return path


def parse_envelope(stdout):
    """The JSON document that --json prints, or None when stdout is not one JSON object."""
    try:
        doc = json.loads(stdout)
    except (TypeError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def warning_texts(envelope):
    """The envelope's warnings as strings (a warning may be a string or an object with a message)."""
    texts = []
    for w in envelope.get('warnings') or []:
        if isinstance(w, dict):
            text = w.get('message') or json.dumps(w, sort_keys=True)
            if w.get('code'):
                text = '%s: %s' % (w['code'], text)
            texts.append(text)
        else:
            texts.append('%s' % (w,))
    return texts


def failure(command, rc, stdout, stderr, envelope):
    """The fail_json arguments for a failed run: msg names the error code; never raises."""
    stderr = (stderr or '').strip()
    if envelope is None:
        out = (stdout or '').strip()
        detail = stderr or out or 'no output'
        return dict(
            msg="cmdop-update %s exited with rc=%s and did not print its JSON result: %s" % (command, rc, detail[-2000:]),
            rc=rc, stdout=stdout, stderr=stderr, error=None)
    error = envelope.get('error') or {}
    if not isinstance(error, dict):
        error = {'code': None, 'message': '%s' % (error,)}
    code = error.get('code') or 'UNKNOWN'
    message = error.get('message') or envelope.get('msg') or stderr or 'no message'
    result = dict(
        msg="cmdop-update %s failed (rc=%s): %s: %s" % (command, rc, code, message),
        rc=rc, error=error or None, stderr=stderr)
    # What the CLI had found before it failed, when it says (an empty list would read as "no drift").
    for key in ('status', 'drift', 'actions', 'agent', 'advisories', 'before', 'after', 'desired'):
        if envelope.get(key):
            result[key] = envelope[key]
    return result


def run_cli(module, command, cmd, data=None, agent=None):
    """Run the CLI; on failure exit the module with failed=true. Returns the envelope on success.

    agent: a function that reads the host's agent (see read_agent), called when a failure's envelope
    does not say which agent runs, so that a failed task still reports it."""
    result = try_cli(module, command, cmd, data)
    if result.get('failed'):
        if agent is not None and not (result.get('agent') or {}).get('installed_version'):
            found = agent()
            if found:
                result['agent'] = found
        if result.get('agent'):
            result.update(agent_fields(result['agent']))
        del result['failed']
        module.fail_json(**result)
    for text in warning_texts(result):
        module.warn(text)
    return result


def read_agent(module, executable, params):
    """A function returning the host's agent as `status` reads it (local state only), or None."""
    def read():
        envelope = try_cli(module, 'status', status_command(executable, params))
        return None if envelope.get('failed') else envelope.get('agent')
    return read


def try_cli(module, command, cmd, data=None):
    """Run the CLI: its envelope, or failure()'s result with failed=True. Exits the module only when
    the CLI could not be started at all."""
    try:
        rc, stdout, stderr = module.run_command(cmd, data=data, check_rc=False, handle_exceptions=False)
    except OSError as e:
        if e.errno != errno.EPIPE:
            module.fail_json(msg="could not run %s: %s. %s" % (cmd[0], e, INSTALL_HINT), rc=None, error=None)
        # It exited before it read the desired state: it did not start properly. Its own words on
        # a harmless command say why (no Java, no jar, not cmdop-update at all).
        probe = [cmd[0], '--tool-version']
        prc, pout, perr = module.run_command(probe, check_rc=False)
        module.fail_json(
            msg="cmdop-update %s exited before it read the desired state on its standard input; "
                "`%s --tool-version` gave rc=%s: %s" % (command, cmd[0], prc, (perr or pout or 'no output').strip()[-2000:]),
            rc=prc, stdout=pout, stderr=perr, error=None)
    envelope = parse_envelope(stdout)
    # Without --detailed-exitcode success is 0; 2 is also success should a caller's config add it.
    ok = envelope is not None and rc in (0, 2) and not envelope.get('failed')
    if not ok:
        return dict(failure(command, rc, stdout, stderr, envelope), failed=True)
    return envelope


def affects_installed(advisory):
    """Whether an advisory of the envelope affects the installed version. A CLI that does not say
    (no affects_installed) lists only those that do."""
    return isinstance(advisory, dict) and advisory.get('affects_installed', True) is not False


def advisory_warnings(advisories, installed):
    """One warning per advisory that affects the installed version, most severe first."""
    rank = {'critical': 0, 'high': 1, 'medium': 2, 'low': 3}
    texts = []
    for a in sorted((a for a in advisories or [] if affects_installed(a)),
                    key=lambda a: (rank.get(a.get('severity'), 4), a.get('id') or '')):
        text = 'security advisory %s (%s) affects the installed agent %s: %s' % (
            a.get('id'), a.get('severity'), installed or '(unknown version)', a.get('summary'))
        if a.get('fixed_in'):
            text += '; fixed in %s' % a['fixed_in']
        texts.append(text)
    return texts


def agent_fields(agent):
    """held and binary of the envelope's agent, at the top of the result."""
    agent = agent if isinstance(agent, dict) else {}
    return dict(held=agent.get('held'), binary=agent.get('binary'))


def settings_text(settings):
    """before/after settings as `key: value` lines, sorted, for Ansible's --diff output."""
    if not isinstance(settings, dict):
        return ''
    lines = []
    for key in sorted(settings):
        lines.append('%s: %s' % (key, json.dumps(settings[key], sort_keys=True)))
    return '\n'.join(lines) + '\n' if lines else ''


def diff_of(envelope, params):
    where = params.get('root') or '/'
    return {
        'before': settings_text(envelope.get('before')),
        'after': settings_text(envelope.get('after')),
        'before_header': 'cmdop agent settings (root %s)' % where,
        'after_header': 'cmdop agent settings (root %s)' % where,
    }


def tool_version(envelope):
    tool = envelope.get('tool')
    return tool.get('version') if isinstance(tool, dict) else None
