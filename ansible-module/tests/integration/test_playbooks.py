"""The collection's playbooks and modules against several sandbox hosts and the real cmdop-update.

Each host is a local connection whose machine root (--root) is its own temp dir, so a "fleet" of
three runs on one machine. The tests of FleetTest run in order (test_1 .. test_7) on one fleet:
check mode, first run, second run, drift, repair. PinFleetTest does the same with a pin that really
installs, from a signed local feed (feedfixture).
"""

import json
import os
import unittest

import feedfixture
from cmdoptest import COLLECTION, Sandbox, describe, ensure_cli_executable_script, recap, run_cli

CONVERGE = os.path.join(COLLECTION, 'playbooks', 'converge.yml')
DESIRED = dict(cmdop_channel='beta', cmdop_auto=True, cmdop_interval='12h')
HOSTS = ['web1', 'web2', 'db1']


class FleetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sandbox = Sandbox(HOSTS)

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.cleanup()

    def assertRecap(self, proc, changed=None, failed=None):
        result = recap(proc.stdout)
        self.assertEqual(sorted(result), sorted(HOSTS), describe(proc))
        for host, counts in result.items():
            if changed is not None:
                self.assertEqual(counts['changed'], changed.get(host, 0) if isinstance(changed, dict) else changed,
                                 '%s\n%s' % (host, describe(proc)))
            if failed is not None:
                self.assertEqual(counts['failed'], failed.get(host, 0) if isinstance(failed, dict) else failed,
                                 '%s\n%s' % (host, describe(proc)))
        return result

    def test_1_check_mode_with_diff_writes_nothing_and_prints_the_diff(self):
        before = {h: self.sandbox.snapshot(h) for h in HOSTS}
        proc = self.sandbox.playbook(CONVERGE, '--check', '--diff', **DESIRED)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertRecap(proc, changed=1, failed=0)
        for h in HOSTS:
            self.assertFalse(os.path.exists(self.sandbox.config(h)), h)
            self.assertEqual(self.sandbox.snapshot(h), before[h], '%s: check mode wrote files' % h)
        self.assertIn('--- before: cmdop agent settings', proc.stdout)
        self.assertIn('-channel: "stable"', proc.stdout)
        self.assertIn('+channel: "beta"', proc.stdout)
        self.assertIn('+interval: "12h"', proc.stdout)

    def test_2_first_run_changes_every_host(self):
        proc = self.sandbox.playbook(CONVERGE, **DESIRED)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertRecap(proc, changed=1, failed=0)
        for h in HOSTS:
            with open(self.sandbox.config(h)) as f:
                text = f.read()
            self.assertRegex(text, r'channel:\s*"?beta"?')
            self.assertRegex(text, r'interval:\s*"?12h"?')

    def test_3_second_run_changes_nothing_and_writes_nothing(self):
        before = {h: self.sandbox.snapshot(h) for h in HOSTS}
        proc = self.sandbox.playbook(CONVERGE, **DESIRED)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertRecap(proc, changed=0, failed=0)
        for h in HOSTS:
            self.assertEqual(self.sandbox.snapshot(h), before[h], h)

    def test_4_drift_check_passes_while_in_sync(self):
        proc = self.sandbox.playbook('cmdop.agent.drift_check', **DESIRED)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertRecap(proc, changed=0, failed=0)

    def test_5_drift_check_fails_the_drifted_host_and_changes_nothing(self):
        proc = run_cli(['converge', '--state', '-', '--json'], root=self.sandbox.roots['web2'],
                       stdin=json.dumps({'channel': 'nightly'}))
        self.assertEqual(proc.returncode, 0, describe(proc))
        before = self.sandbox.snapshot('web2')
        proc = self.sandbox.playbook('cmdop.agent.drift_check', **DESIRED)
        self.assertNotEqual(proc.returncode, 0, describe(proc))
        self.assertRecap(proc, failed={'web2': 1})
        self.assertIn('nightly', proc.stdout)
        self.assertEqual(self.sandbox.snapshot('web2'), before)

    def test_6_converge_repairs_the_drift_and_the_drift_check_passes_again(self):
        proc = self.sandbox.playbook('cmdop.agent.converge', **DESIRED)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertRecap(proc, changed={'web2': 1}, failed=0)
        proc = self.sandbox.playbook('cmdop.agent.drift_check', **DESIRED)
        self.assertEqual(proc.returncode, 0, describe(proc))

    def test_7_update_info_reports_the_converged_settings_in_check_mode(self):
        proc, results = self.sandbox.adhoc('fleet', 'cmdop.agent.update_info',
                                           'root={{ cmdop_root }} executable={{ cmdop_executable }}', '--check')
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual(sorted(results), sorted(HOSTS))
        for h, r in results.items():
            self.assertFalse(r['changed'], h)
            self.assertEqual(r['settings']['channel'], 'beta', h)
            self.assertIs(r['settings']['auto'], True, h)
            self.assertEqual(r['settings']['interval'], '12h', h)
            self.assertIn('agent', r)
            self.assertNotEqual(r['schedule']['entry'], 'absent', h)  # auto is on
            self.assertEqual(r['paths']['root'], self.sandbox.roots[h])

    def test_8_drift_check_fails_when_the_cli_fails_even_without_drift(self):
        # failed_when replaces the module's own verdict: the playbook must keep a CLI failure a failure.
        proc = self.sandbox.playbook('cmdop.agent.drift_check', **dict(DESIRED, cmdop_interval='1m'))
        self.assertNotEqual(proc.returncode, 0, describe(proc))
        self.assertRecap(proc, failed=1)
        self.assertIn('INVALID_INPUT', proc.stdout)

    def test_9_drift_check_tells_a_drifted_host_from_a_failed_one(self):
        # web1 drifts (channel), db1 cannot be checked (its config.yaml is invalid), web2 is in sync
        proc = run_cli(['converge', '--state', '-', '--json'], root=self.sandbox.roots['web1'],
                       stdin=json.dumps({'channel': 'nightly'}))
        self.assertEqual(proc.returncode, 0, describe(proc))
        with open(self.sandbox.config('db1'), 'w') as f:
            f.write('update:\n  channel: edge\n')
        before = self.sandbox.snapshot('web1')
        report = os.path.join(self.sandbox.dir, 'drift-report.json')
        proc = self.sandbox.playbook('cmdop.agent.drift_check', **dict(DESIRED, cmdop_drift_report=report))
        self.assertNotEqual(proc.returncode, 0, describe(proc))
        self.assertRecap(proc, failed={'web1': 1, 'db1': 1})
        self.assertIn('web1: DRIFT (2)', proc.stdout)
        self.assertIn('db1: ERROR (1)', proc.stdout)
        self.assertIn('INVALID_CONFIG', proc.stdout)
        with open(report) as f:
            doc = json.load(f)
        self.assertEqual({h: r['rc'] for h, r in doc['hosts'].items()}, {'web1': 2, 'web2': 0, 'db1': 1})
        self.assertEqual(doc['hosts']['web1']['drift'], [{'setting': 'channel', 'before': 'nightly', 'after': 'beta'}])
        self.assertEqual(doc['hosts']['db1']['error']['code'], 'INVALID_CONFIG')
        self.assertEqual(doc['rc'], 1, 'a failed host outranks drift, as in examples/ci/drift-check.sh')
        self.assertEqual(self.sandbox.snapshot('web1'), before, 'a drift check changes nothing')



class PinFleetTest(unittest.TestCase):
    """A pin rolled out with the converge playbook really installs: every host gets the signed agent
    from a local feed, restarts it and confirms its heartbeat; the second run changes nothing."""

    HOSTS = ['app1', 'app2']

    @classmethod
    def setUpClass(cls):
        cls.feed = feedfixture.shared()
        cls.sandbox = Sandbox(cls.HOSTS)
        for h in cls.HOSTS:
            cls.feed.configure(cls.sandbox.roots[h])

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.cleanup()

    def converge(self, *args, **extra):
        proc = self.sandbox.playbook(CONVERGE, *args, **dict(dict(cmdop_channel='stable', cmdop_pin='v1.4.2'), **extra))
        return proc, recap(proc.stdout)

    def test_1_check_mode_shows_the_pin_and_installs_nothing(self):
        proc, counts = self.converge('--check', '--diff')
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual({h: c['changed'] for h, c in counts.items()}, {h: 1 for h in self.HOSTS}, describe(proc))
        self.assertIn('+pin: "v1.4.2"', proc.stdout)
        for h in self.HOSTS:
            self.assertIsNone(self.feed.installed(self.sandbox.roots[h]), h)

    def test_1b_check_mode_diff_shows_the_version_that_would_be_installed(self):
        proc, _ = self.converge('--check', '--diff')
        self.assertIn('+version: "v1.4.2"', proc.stdout, describe(proc))

    def test_2_the_pin_installs_the_version_on_every_host(self):
        proc, counts = self.converge('--diff')
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual({h: (c['changed'], c['failed']) for h, c in counts.items()},
                         {h: (1, 0) for h in self.HOSTS}, describe(proc))
        self.assertIn('-version: null', proc.stdout)
        self.assertIn('+version: "v1.4.2"', proc.stdout)
        self.assertIn('+pin: "v1.4.2"', proc.stdout)
        self.assertNotIn('cmdop-update', ''.join(l for l in (proc.stdout + proc.stderr).splitlines(True)
                                                 if '[WARNING]' in l))
        for h in self.HOSTS:
            root = self.sandbox.roots[h]
            self.assertEqual(self.feed.installed(root), 'v1.4.2', h)
            with open(os.path.join(root, 'var', 'lib', 'cmdop', 'heartbeat.json')) as f:
                self.assertEqual(json.load(f)['version'], 'v1.4.2', h)

    def test_3_the_second_run_changes_nothing_and_writes_nothing(self):
        # nothing but what the module's read of the feed for advisories refreshes (advisories: false skips it,
        # test_states.PresentTest)
        before = {h: self.sandbox.snapshot(h, feed_state=False) for h in self.HOSTS}
        proc, counts = self.converge('--diff')
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual({h: c['changed'] for h, c in counts.items()}, {h: 0 for h in self.HOSTS}, describe(proc))
        for h in self.HOSTS:
            self.assertEqual(self.sandbox.snapshot(h, feed_state=False), before[h], h)
        proc = self.sandbox.playbook('cmdop.agent.drift_check', cmdop_channel='stable', cmdop_pin='v1.4.2')
        self.assertEqual(proc.returncode, 0, describe(proc))

    def test_4_a_new_pin_upgrades_and_update_info_reads_the_rollback_target(self):
        proc, counts = self.converge(cmdop_pin='v1.4.3')
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual({h: c['changed'] for h, c in counts.items()}, {h: 1 for h in self.HOSTS}, describe(proc))
        proc, results = self.sandbox.adhoc('fleet', 'cmdop.agent.update_info',
                                           'root={{ cmdop_root }} executable={{ cmdop_executable }}')
        self.assertEqual(proc.returncode, 0, describe(proc))
        for h in self.HOSTS:
            self.assertEqual(self.feed.installed(self.sandbox.roots[h]), 'v1.4.3', h)
            agent = results[h]['agent']
            self.assertEqual((agent['installed_version'], agent['installed_verified'], agent['previous_version']),
                             ('v1.4.3', True, 'v1.4.2'), h)


class ModuleTest(unittest.TestCase):
    """One host; what the update module returns and how it fails."""

    def setUp(self):
        self.sandbox = Sandbox(['m1'])
        self.root = self.sandbox.roots['m1']
        self.marker = os.path.join(self.sandbox.dir, 'cli-ran')
        # A spy in front of the real CLI: proves whether the module ran the CLI at all.
        self.spy = ensure_cli_executable_script(os.path.join(self.sandbox.dir, 'spy'),
                                                'touch "%s"\nexec "%s" "$@"' % (self.marker, os.environ['CMDOP_UPDATE']))

    def tearDown(self):
        self.sandbox.cleanup()

    def update(self, args, *flags):
        args = dict({'root': self.root, 'executable': self.spy}, **args)
        proc, results = self.sandbox.adhoc('m1', 'cmdop.agent.update', args, *flags)
        self.assertIn('m1', results, describe(proc))
        # The tree callback stores the module's result without the "failed" flag: rc tells.
        return proc, results['m1']

    def test_returns_the_cli_fields(self):
        proc, r = self.update({'channel': 'nightly', 'auto': False})
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertTrue(r['changed'])
        self.assertEqual(r['drift'], [{'setting': 'channel', 'before': 'stable', 'after': 'nightly'}])
        for key in ('actions', 'agent', 'advisories', 'before', 'after', 'tool_version'):
            self.assertIn(key, r)
        self.assertEqual(r['desired'], {'channel': 'nightly', 'auto': False})
        self.assertEqual(r['after']['channel'], 'nightly')
        proc, r = self.update({'channel': 'nightly', 'auto': False})
        self.assertFalse(r['changed'], describe(proc))
        self.assertEqual(r['drift'], [])

    def test_a_pin_installs_that_version_and_an_empty_pin_unpins(self):
        feed = feedfixture.shared()
        feed.configure(self.root)
        proc, r = self.update({'pin': '1.4.2'})
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertTrue(r['changed'])
        self.assertEqual(r['status'], 'changed')
        self.assertEqual((r['after']['pin'], r['after']['version']), ('v1.4.2', 'v1.4.2'))
        self.assertIn({'setting': 'version', 'before': None, 'after': 'v1.4.2'}, r['drift'])
        self.assertEqual(r['agent']['installed_version'], 'v1.4.2')
        self.assertEqual(feed.installed(self.root), 'v1.4.2')
        self.assertNotIn('[WARNING]', proc.stdout + proc.stderr)
        proc, r = self.update({'pin': 'v1.4.2'})
        self.assertFalse(r['changed'], describe(proc))
        self.assertEqual((r['status'], r['drift']), ('unchanged', []))
        proc, r = self.update({'pin': ''})
        self.assertTrue(r['changed'], describe(proc))
        self.assertIsNone(r['after']['pin'])
        self.assertEqual(feed.installed(self.root), 'v1.4.2', 'unpinning keeps the installed version')

    def test_a_pin_with_the_feed_and_key_in_the_same_task_installs(self):
        feed = feedfixture.shared()
        feed.configure(self.root, feed=False)
        proc, r = self.update({'pin': 'v1.4.2', 'feed': feed.feed, 'trusted_keys': feed.trusted_keys})
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual(feed.installed(self.root), 'v1.4.2')

    def test_a_pin_without_a_feed_fails_with_invalid_config_and_changes_nothing(self):
        feedfixture.shared().configure(self.root, feed=False)
        before = self.sandbox.snapshot('m1')
        proc, r = self.update({'pin': 'v1.4.2'})
        self.assertNotEqual(proc.returncode, 0, describe(proc))
        self.assertEqual(r['rc'], 65)
        self.assertEqual(r['error']['code'], 'INVALID_CONFIG')
        self.assertIn('INVALID_CONFIG', r['msg'])
        self.assertIn('update.feed', r['msg'])
        self.assertEqual(self.sandbox.snapshot('m1'), before)

    def test_a_pin_of_a_version_the_feed_does_not_have_fails_and_changes_nothing(self):
        feed = feedfixture.shared()
        feed.configure(self.root)
        proc, r = self.update({'pin': 'v1.4.2'})
        self.assertEqual(proc.returncode, 0, describe(proc))
        before = self.sandbox.snapshot('m1')
        proc, r = self.update({'pin': 'v9.9.9'})
        self.assertNotEqual(proc.returncode, 0, describe(proc))
        self.assertIn('v9.9.9', r['msg'])
        self.assertEqual(self.sandbox.snapshot('m1'), before, 'a pin that cannot be installed must not be recorded')
        self.assertEqual(feed.installed(self.root), 'v1.4.2')

    def test_a_pin_of_a_version_the_feed_does_not_have_is_version_not_found(self):
        feedfixture.shared().configure(self.root)
        proc, r = self.update({'pin': 'v9.9.9'})
        self.assertNotEqual(proc.returncode, 0, describe(proc))
        self.assertEqual((r['rc'], r['error']['code']), (65, 'VERSION_NOT_FOUND'), r['msg'])
        self.assertIn('VERSION_NOT_FOUND', r['msg'])
        self.assertIs(r['error']['retryable'], False)

    def test_bad_arguments_fail_with_ansibles_message_before_the_cli_runs(self):
        proc, r = self.update({'channel': 'edge'})
        self.assertNotEqual(proc.returncode, 0, r)
        self.assertIn('value of channel must be one of: stable, beta, nightly, got: edge', r['msg'])
        proc, r = self.update({'auto': 'maybe'})
        self.assertNotEqual(proc.returncode, 0, r)
        self.assertIn("argument 'auto' is of type", r['msg'])
        self.assertIn('maybe', r['msg'])
        proc, r = self.update({'colour': 'blue'})
        self.assertIn('Unsupported parameters', r['msg'])
        self.assertFalse(os.path.exists(self.marker), 'the CLI ran although the arguments were bad')

    def test_a_cli_failure_fails_the_task_with_its_error_code(self):
        proc, r = self.update({'interval': '1m'})
        self.assertNotEqual(proc.returncode, 0)
        self.assertTrue(os.path.exists(self.marker))
        self.assertNotEqual(proc.returncode, 0, r)
        self.assertIn('INVALID_INPUT', r['msg'])
        self.assertEqual(r['rc'], 65)
        self.assertEqual(r['error']['code'], 'INVALID_INPUT')
        self.assertNotIn('Traceback', json.dumps(r))
        self.assertFalse(os.path.exists(self.sandbox.config('m1')))

    def test_a_missing_executable_says_how_to_install_or_point_to_it(self):
        proc, r = self.update({'channel': 'beta', 'executable': '/nonexistent/bin/cmdop-update'})
        self.assertNotEqual(proc.returncode, 0, r)
        self.assertIn('/nonexistent/bin/cmdop-update does not exist', r['msg'])
        self.assertIn('Install cmdop-update', r['msg'])
        proc, r = self.update({'channel': 'beta', 'executable': 'cmdop-update-not-installed-here'})
        self.assertNotEqual(proc.returncode, 0, r)
        self.assertIn('was not found on the PATH', r['msg'])
        self.assertIn('set the module option executable', r['msg'])

    def test_output_that_is_not_json_fails_cleanly(self):
        broken = ensure_cli_executable_script(os.path.join(self.sandbox.dir, 'broken'),
                                              'echo "Error: Unable to access jarfile" >&2\nexit 1')
        proc, r = self.update({'channel': 'beta', 'executable': broken})
        self.assertNotEqual(proc.returncode, 0, r)
        self.assertIn('rc=1', r['msg'])
        self.assertIn('Unable to access jarfile', r['msg'])
        self.assertNotIn('Traceback', json.dumps(r))


if __name__ == '__main__':
    unittest.main()
