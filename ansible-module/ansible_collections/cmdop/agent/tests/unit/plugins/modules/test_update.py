# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of cmdop.agent.update and update_info without a CLI: the mapping of options to the
desired state and the command line, the handling of the CLI's JSON envelope, and the documentation
matching the argument spec. Plain `python3 -m unittest`; needs ansible-core importable and the
directory holding ansible_collections/ on sys.path (the runner sets it)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import json
import unittest
from unittest import mock

import yaml

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.cmdop.agent.plugins.module_utils import cmdop_update as cu
from ansible_collections.cmdop.agent.plugins.doc_fragments import common
from ansible_collections.cmdop.agent.plugins.modules import update, update_info


def params(**kw):
    p = dict((k, None) for k in update.ARGUMENT_SPEC)
    p.update(offline=False, executable='cmdop-update', state='present')
    p.update(kw)
    return p


class DesiredStateTest(unittest.TestCase):
    def test_only_options_that_are_set_go_into_the_desired_state(self):
        self.assertEqual(cu.desired_state(params()), {})
        self.assertEqual(cu.desired_state(params(channel='beta')), {'channel': 'beta'})

    def test_false_is_managed_and_not_mistaken_for_absent(self):
        self.assertEqual(cu.desired_state(params(auto=False)), {'auto': False})

    def test_empty_pin_and_window_mean_ensure_unset(self):
        self.assertEqual(cu.desired_state(params(pin='', window='')), {'pin': None, 'window': None})
        self.assertEqual(cu.desired_state(params(pin='v1.2.3')), {'pin': 'v1.2.3'})

    def test_every_setting_maps_to_its_key(self):
        state = cu.desired_state(params(channel='stable', pin='v1.2.3', auto=True, interval='6h',
                                        window='Mon-Fri 02:00-05:00', feed='file:///srv/feed',
                                        trusted_keys=['RWQkey'], root='/x', executable='/bin/x'))
        self.assertEqual(state, {'channel': 'stable', 'pin': 'v1.2.3', 'auto': True, 'interval': '6h',
                                 'window': 'Mon-Fri 02:00-05:00', 'feed': 'file:///srv/feed',
                                 'trusted_keys': ['RWQkey']})

    def test_module_options_that_are_not_settings_stay_out_of_the_desired_state(self):
        self.assertEqual(cu.desired_state(params(root='/r', executable='/e', offline=True, state='latest')), {})

    def test_hold_install_path_and_the_set_service_options_nested(self):
        service = dict((k, None) for k in cu.SERVICE_KEYS)
        service.update(health_check=['systemctl', 'is-active', 'cmdop'], heartbeat_file='none')
        self.assertEqual(cu.desired_state(params(hold=False, install_path='/opt/cmdop', service=service)),
                         {'hold': False, 'install_path': '/opt/cmdop',
                          'service': {'health_check': ['systemctl', 'is-active', 'cmdop'], 'heartbeat_file': 'none'}})
        self.assertEqual(cu.desired_state(params(service=dict((k, None) for k in cu.SERVICE_KEYS))), {})


class CommandLineTest(unittest.TestCase):
    def test_converge_reads_the_state_from_stdin_as_json(self):
        self.assertEqual(cu.converge_command('/bin/cu', params(), False),
                         ['/bin/cu', 'converge', '--state', '-', '--json'])

    def test_check_mode_offline_and_root(self):
        self.assertEqual(cu.converge_command('/bin/cu', params(root='/srv/m1', offline=True), True),
                         ['/bin/cu', '--root', '/srv/m1', 'converge', '--state', '-', '--json', '--check', '--offline'])

    def test_update_check_and_rollback(self):
        self.assertEqual(cu.update_command('cu', {'root': '/r'}, False), ['cu', '--root', '/r', '--json'])
        self.assertEqual(cu.update_command('cu', {'root': None}, True), ['cu', '--json', '--check'])
        self.assertEqual(cu.feed_check_command('cu', {'root': None}), ['cu', '--json', '--check'])
        self.assertEqual(cu.rollback_command('cu', {'root': None}), ['cu', '--rollback', '--json'])

    def test_status(self):
        self.assertEqual(cu.status_command('cu', {'root': '/r'}), ['cu', '--root', '/r', 'status', '--json'])
        self.assertEqual(cu.status_command('cu', {'root': None}), ['cu', 'status', '--json'])


class EnvelopeTest(unittest.TestCase):
    def test_failure_names_the_error_code_rc_and_error(self):
        env = {'failed': True, 'status': 'failed', 'drift': [],
               'error': {'code': 'INVALID_INPUT', 'message': "interval '1m' is out of range", 'retryable': False}}
        f = cu.failure('converge', 65, json.dumps(env), '', env)
        self.assertIn('INVALID_INPUT', f['msg'])
        self.assertIn('rc=65', f['msg'])
        self.assertEqual(f['rc'], 65)
        self.assertEqual(f['error']['code'], 'INVALID_INPUT')

    def test_output_that_is_not_json_is_a_failure_with_the_output_not_a_traceback(self):
        self.assertIsNone(cu.parse_envelope('Exception in thread "main" java.lang.OutOfMemoryError'))
        self.assertIsNone(cu.parse_envelope('[1, 2]'))
        self.assertIsNone(cu.parse_envelope(''))
        f = cu.failure('converge', 1, '', 'Error: Could not find or load main class', None)
        self.assertIn('rc=1', f['msg'])
        self.assertIn('Could not find or load main class', f['msg'])

    def test_warnings_may_be_strings_or_objects(self):
        env = {'warnings': ['plain', {'code': 'PIN_NOT_INSTALLED', 'message': 'installing comes later'}]}
        self.assertEqual(cu.warning_texts(env), ['plain', 'PIN_NOT_INSTALLED: installing comes later'])
        self.assertEqual(cu.warning_texts({'warnings': None}), [])

    def test_advisories_affecting_the_installed_version_become_warnings_most_severe_first(self):
        low = {'id': 'A-2', 'severity': 'low', 'summary': 'minor', 'fixed_in': 'v1.4.4'}
        critical = {'id': 'A-1', 'severity': 'critical', 'summary': 'Token leak', 'fixed_in': 'v1.4.3',
                    'affects_installed': True}
        other = {'id': 'A-3', 'severity': 'high', 'summary': 'older versions only', 'affects_installed': False}
        self.assertEqual(cu.advisory_warnings([low, other, critical], 'v1.4.2'), [
            'security advisory A-1 (critical) affects the installed agent v1.4.2: Token leak; fixed in v1.4.3',
            'security advisory A-2 (low) affects the installed agent v1.4.2: minor; fixed in v1.4.4'])
        self.assertEqual(cu.advisory_warnings(None, None), [])

    def test_held_and_binary_come_from_the_agent(self):
        self.assertEqual(cu.agent_fields({'held': True, 'binary': 'custom'}), {'held': True, 'binary': 'custom'})
        self.assertEqual(cu.agent_fields(None), {'held': None, 'binary': None})

    def test_diff_shows_settings_one_per_line(self):
        self.assertEqual(cu.settings_text({'pin': None, 'channel': 'beta', 'auto': True}),
                         'auto: true\nchannel: "beta"\npin: null\n')
        self.assertEqual(cu.settings_text(None), '')


class ModuleExit(Exception):
    def __init__(self, kwargs, failed):
        Exception.__init__(self, kwargs)
        self.result = kwargs
        self.failed = failed


def run_module(module, args, rc=0, envelope=None, stdout=None, stderr='', patch_run_command=True):
    """Runs module.main() in-process with a faked run_command; returns (result, failed, calls)."""
    args = dict(args, _ansible_remote_tmp='/tmp', _ansible_keep_remote_files=False)
    calls = []
    del ansible_warnings._global_warnings[:]

    def fake_run_command(self, cmd, data=None, **kw):
        calls.append((cmd, data))
        return rc, stdout if stdout is not None else json.dumps(envelope), stderr

    def exit_json(self, **kw):
        kw['warnings'] = list(ansible_warnings.get_warning_messages())
        raise ModuleExit(kw, False)

    def fail_json(self, msg, **kw):
        kw['msg'] = msg
        raise ModuleExit(kw, True)

    run_command = fake_run_command if patch_run_command else basic.AnsibleModule.run_command
    with mock.patch.object(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))), \
            mock.patch.object(basic.AnsibleModule, 'run_command', run_command), \
            mock.patch.object(basic.AnsibleModule, 'exit_json', exit_json), \
            mock.patch.object(basic.AnsibleModule, 'fail_json', fail_json), \
            mock.patch.object(basic.AnsibleModule, 'get_bin_path', lambda self, name, *a, **k: '/usr/bin/' + name):
        try:
            module.main()
        except ModuleExit as e:
            return e.result, e.failed, calls
    raise AssertionError('module did not exit')


CHANGED = {'schema_version': 1, 'tool': {'name': 'cmdop-update', 'version': '0.3.0'}, 'command': 'converge',
           'status': 'changed', 'changed': True, 'in_sync': False, 'failed': False, 'msg': 'channel beta -> stable',
           'agent': {'installed_version': None}, 'desired': {'channel': 'stable'},
           'before': {'channel': 'beta'}, 'after': {'channel': 'stable'},
           'drift': [{'setting': 'channel', 'before': 'beta', 'after': 'stable'}],
           'actions': [{'id': 'set-channel', 'status': 'applied', 'message': 'channel beta -> stable'}],
           'advisories': [], 'warnings': ['a warning'], 'error': None, 'exit_code': 0}


class UpdateModuleTest(unittest.TestCase):
    def test_desired_state_goes_to_stdin_and_cli_fields_come_back(self):
        result, failed, calls = run_module(update, {'channel': 'stable', 'auto': 'no'}, envelope=CHANGED)
        self.assertFalse(failed)
        cmd, data = calls[0]
        self.assertEqual(cmd, ['/usr/bin/cmdop-update', 'converge', '--state', '-', '--json'])
        self.assertEqual(json.loads(data), {'channel': 'stable', 'auto': False})
        self.assertTrue(result['changed'])
        for key in ('drift', 'actions', 'agent', 'advisories'):
            self.assertEqual(result[key], CHANGED[key])
        self.assertEqual(result['tool_version'], '0.3.0')
        self.assertEqual(result['warnings'], ['a warning'])
        self.assertNotIn('diff', result)

    def test_an_in_sync_run_calls_the_cli_once_its_converge_reports_the_advisories(self):
        in_sync = dict(CHANGED, status='unchanged', changed=False, in_sync=True, drift=[], actions=[],
                       before={'channel': 'stable', 'feed': 'https://feed.example'},
                       after={'channel': 'stable', 'feed': 'https://feed.example'})
        result, failed, calls = run_module(update, {'channel': 'stable'}, envelope=in_sync)
        self.assertFalse(failed)
        self.assertEqual([c[0][1] for c in calls], ['converge'], 'one process per host (bench/fleet)')
        self.assertEqual(result['advisories'], [])

    def test_check_mode_asks_the_feed_for_the_advisories_its_offline_converge_cannot_read(self):
        in_sync = dict(CHANGED, status='unchanged', changed=False, in_sync=True, drift=[], actions=[],
                       before={'channel': 'stable', 'feed': 'https://feed.example'},
                       after={'channel': 'stable', 'feed': 'https://feed.example'})
        result, failed, calls = run_module(update, {'channel': 'stable', '_ansible_check_mode': True},
                                           envelope=in_sync)
        self.assertFalse(failed)
        self.assertEqual(len(calls), 2)
        self.assertIn('--check', calls[1][0])
        self.assertNotIn('converge', calls[1][0])

    def test_check_mode_adds_check_and_diff_mode_returns_the_diff(self):
        result, failed, calls = run_module(update, {'channel': 'stable', '_ansible_check_mode': True,
                                                    '_ansible_diff': True}, envelope=CHANGED)
        self.assertFalse(failed)
        self.assertIn('--check', calls[0][0])
        self.assertEqual(result['diff']['before'], 'channel: "beta"\n')
        self.assertEqual(result['diff']['after'], 'channel: "stable"\n')

    def test_a_cli_failure_fails_with_code_rc_and_error(self):
        env = dict(CHANGED, status='failed', changed=False, failed=True, exit_code=65, warnings=[],
                   error={'code': 'INVALID_INPUT', 'message': 'bad interval', 'retryable': False, 'details': {}})
        result, failed, _ = run_module(update, {'interval': '1m'}, rc=65, envelope=env)
        self.assertTrue(failed)
        self.assertIn('INVALID_INPUT', result['msg'])
        self.assertEqual(result['rc'], 65)
        self.assertEqual(result['error']['code'], 'INVALID_INPUT')

    def test_garbage_output_fails_cleanly(self):
        result, failed, _ = run_module(update, {'channel': 'beta'}, rc=70, stdout='boom', stderr='java trace')
        self.assertTrue(failed)
        self.assertIn('rc=70', result['msg'])

    def test_a_cli_that_exits_before_reading_stdin_is_reported_with_its_own_words(self):
        calls = []

        def broken_pipe(self, cmd, data=None, **kw):
            calls.append(cmd)
            if data is not None:
                raise IOError(errno.EPIPE, 'Broken pipe')
            return 1, '', 'Error: Unable to access jarfile /opt/cmdop-update.jar'

        with mock.patch.object(basic.AnsibleModule, 'run_command', broken_pipe):
            result, failed, _ = run_module(update, {'channel': 'beta'}, patch_run_command=False)
        self.assertTrue(failed)
        self.assertEqual(calls[1], ['/usr/bin/cmdop-update', '--tool-version'])
        self.assertIn('exited before it read the desired state', result['msg'])
        self.assertIn('Unable to access jarfile', result['msg'])
        self.assertEqual(result['rc'], 1)

    def test_a_bad_choice_fails_before_the_cli_runs(self):
        result, failed, calls = run_module(update, {'channel': 'edge'}, envelope=CHANGED)
        self.assertTrue(failed)
        self.assertIn('stable, beta, nightly', result['msg'])
        self.assertEqual(calls, [])

    def test_latest_with_a_pin_and_rolled_back_with_settings_fail_before_the_cli_runs(self):
        result, failed, calls = run_module(update, {'state': 'latest', 'pin': 'v1.4.2'}, envelope=CHANGED)
        self.assertTrue(failed)
        self.assertIn('state=latest', result['msg'])
        result, failed, calls2 = run_module(update, {'state': 'rolled_back', 'channel': 'beta'}, envelope=CHANGED)
        self.assertTrue(failed)
        self.assertIn('state=rolled_back takes no settings', result['msg'])
        self.assertEqual(calls + calls2, [])

    def test_a_failure_without_the_agent_reads_it_with_status(self):
        failed_env = dict(CHANGED, status='failed', changed=False, failed=True, exit_code=65, warnings=[],
                          agent={'installed_version': None},
                          error={'code': 'INVALID_INPUT', 'message': 'bad interval', 'retryable': False})
        status_env = {'status': 'unchanged', 'failed': False, 'agent': {'installed_version': 'v1.4.2', 'held': False,
                                                                        'binary': 'signed'}}
        calls = []

        def fake(self, cmd, data=None, **kw):
            calls.append(cmd)
            return (0, json.dumps(status_env), '') if 'status' in cmd else (65, json.dumps(failed_env), '')

        with mock.patch.object(basic.AnsibleModule, 'run_command', fake):
            result, failed, _ = run_module(update, {'interval': '1m'}, patch_run_command=False)
        self.assertTrue(failed)
        self.assertEqual(calls[1], ['/usr/bin/cmdop-update', 'status', '--json'])
        self.assertEqual(result['agent']['installed_version'], 'v1.4.2')
        self.assertEqual((result['held'], result['binary']), (False, 'signed'))

    def test_update_info_returns_status_fields(self):
        env = {'status': 'unchanged', 'changed': False, 'failed': False, 'tool': {'version': '0.3.0'},
               'settings': {'channel': 'beta'}, 'agent': {'installed_version': None}, 'schedule': {'next_check': None}}
        result, failed, calls = run_module(update_info, {'root': '/srv/m'}, envelope=env)
        self.assertFalse(failed)
        self.assertEqual(calls[0][0], ['/usr/bin/cmdop-update', '--root', '/srv/m', 'status', '--json'])
        self.assertIsNone(calls[0][1])
        self.assertFalse(result['changed'])
        self.assertEqual(result['settings'], {'channel': 'beta'})
        self.assertEqual(result['schedule'], {'next_check': None})


class DocumentationTest(unittest.TestCase):
    """The docs ansible-doc renders must describe exactly the options the module accepts."""

    def check(self, module):
        doc = yaml.safe_load(module.DOCUMENTATION)
        yaml.safe_load(module.EXAMPLES)
        self.assertIsInstance(yaml.safe_load(module.RETURN), dict)
        # the options as ansible-doc renders them: the module's own plus its documentation fragments
        options = dict(doc.get('options') or {})
        for fragment in doc.get('extends_documentation_fragment', []):
            self.assertEqual(fragment, 'cmdop.agent.common')
            options.update(yaml.safe_load(common.ModuleDocFragment.DOCUMENTATION)['options'])
        self.assertEqual(sorted(options), sorted(module.ARGUMENT_SPEC))
        for name, spec in module.ARGUMENT_SPEC.items():
            opt = options[name]
            self.assertEqual(opt.get('type', 'str'), spec.get('type', 'str'), name)
            self.assertEqual(opt.get('choices'), spec.get('choices'), name)
            self.assertEqual(opt.get('default'), spec.get('default'), name)
            self.assertEqual(opt.get('elements'), spec.get('elements'), name)
        fqcn = 'cmdop.agent.' + doc['module']
        for task in yaml.safe_load(module.EXAMPLES):
            if fqcn in task:
                self.assertLessEqual(set(task[fqcn] or {}), set(options), task['name'])

    def test_update_docs_match_its_argument_spec(self):
        self.check(update)

    def test_update_info_docs_match_its_argument_spec(self):
        self.check(update_info)


if __name__ == '__main__':
    unittest.main()
