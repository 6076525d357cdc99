"""cmdop.agent.update's states (present, latest, rolled_back), its hold, service and install_path options,
and what its results carry (advisories as warnings, the held and modified binary, the real agent on
failure), each in check mode and for real on a sandbox host that installs from a signed local feed.
"""

import os
import unittest

import feedfixture
from cmdoptest import Sandbox, describe

HOST = 's1'


class StateTestCase(unittest.TestCase):
    feed_of = staticmethod(feedfixture.shared)

    def setUp(self):
        self.feed = self.feed_of()
        self.sandbox = Sandbox([HOST])
        self.root = self.sandbox.roots[HOST]
        self.feed.configure(self.root)

    def tearDown(self):
        self.sandbox.cleanup()

    def module(self, name, args, *flags):
        args = dict({'root': self.root, 'executable': os.environ['CMDOP_UPDATE']}, **args)
        proc, results = self.sandbox.adhoc(HOST, name, args, *flags)
        self.assertIn(HOST, results, describe(proc))
        return proc, results[HOST]

    def update(self, args, *flags):
        return self.module('cmdop.agent.update', args, *flags)

    def ok(self, args, *flags):
        proc, r = self.update(args, *flags)
        self.assertEqual(proc.returncode, 0, describe(proc))
        return r

    def installed(self):
        return self.feed.installed(self.root)

    def install_unpinned(self, version):
        """The host runs `version`, not pinned (so it follows its channel)."""
        self.ok({'pin': version})
        self.ok({'pin': ''})
        self.assertEqual(self.installed(), version)


class PresentTest(StateTestCase):
    def test_a_failure_carries_the_installed_agent_not_nulls(self):
        # issue #13: a host running v1.4.2 reported installed_version: null when the task failed
        self.ok({'pin': 'v1.4.2'})
        proc, r = self.update({'interval': '1m'})
        self.assertNotEqual(proc.returncode, 0, describe(proc))
        self.assertEqual(r['error']['code'], 'INVALID_INPUT')
        self.assertEqual(r['agent']['installed_version'], 'v1.4.2', r)
        self.assertIs(r['agent']['installed_verified'], True)

    def test_hold_in_check_mode_then_for_real_then_unchanged(self):
        self.install_unpinned('v1.4.2')
        r = self.ok({'hold': True}, '--check')
        self.assertTrue(r['changed'])
        self.assertIn({'setting': 'hold', 'before': False, 'after': True}, r['drift'])
        self.assertIs(r['held'], False, 'check mode changes nothing')
        r = self.ok({'hold': True})
        self.assertTrue(r['changed'])
        self.assertIs(r['held'], True)
        r = self.ok({'hold': True})
        self.assertFalse(r['changed'])
        self.assertIs(r['held'], True)
        self.assertIs(r['agent']['held'], True)
        # a held host is never moved to the channel's newest
        r = self.ok({'state': 'latest'})
        self.assertEqual(self.installed(), 'v1.4.2', r)

    def test_a_modified_binary_is_drift_in_check_mode_and_repaired_for_real(self):
        self.ok({'pin': 'v1.4.2'})
        with open(self.feed.agent(self.root), 'a') as f:
            f.write('# patched by hand\n')
        r = self.ok({'pin': 'v1.4.2'}, '--check')
        self.assertTrue(r['changed'])
        self.assertEqual(r['binary'], 'modified')
        self.assertEqual(r['agent']['binary'], 'modified')
        self.assertIn({'setting': 'binary', 'before': 'modified', 'after': 'signed'}, r['drift'])
        r = self.ok({'pin': 'v1.4.2'})
        self.assertTrue(r['changed'])
        self.assertEqual(r['binary'], 'signed', r)
        r = self.ok({'pin': 'v1.4.2'})
        self.assertFalse(r['changed'])

    def test_an_in_sync_run_without_the_advisory_read_writes_nothing_at_all(self):
        self.ok({'pin': 'v1.4.2'})
        self.ok({'pin': 'v1.4.2'})
        before = self.sandbox.snapshot(HOST)
        r = self.ok({'pin': 'v1.4.2', 'advisories': False})
        self.assertFalse(r['changed'])
        self.assertEqual(self.sandbox.snapshot(HOST), before)

    def test_check_mode_fails_a_pin_the_feed_does_not_have(self):
        before = self.sandbox.snapshot(HOST)
        proc, r = self.update({'pin': 'v9.9.9'}, '--check')
        self.assertEqual(self.sandbox.snapshot(HOST), before)
        self.assertNotEqual(proc.returncode, 0, describe(proc))
        self.assertEqual(r['error']['code'], 'VERSION_NOT_FOUND')


class AdvisoryTest(StateTestCase):
    feed_of = staticmethod(feedfixture.with_advisory)
    ADVISORY = feedfixture.ADVISORY

    def assertAdvised(self, r):
        ids = [a['id'] for a in r['advisories']]
        self.assertIn(self.ADVISORY['id'], ids, r)
        warned = [w for w in r.get('warnings', []) if self.ADVISORY['id'] in w]
        self.assertEqual(len(warned), 1, r.get('warnings'))
        self.assertIn('critical', warned[0])
        self.assertIn('v1.4.3', warned[0])

    def test_a_pinned_host_hears_the_advisory_in_check_mode_and_for_real(self):
        r = self.ok({'pin': 'v1.4.2'}, '--check')
        self.assertTrue(r['changed'])
        r = self.ok({'pin': 'v1.4.2'})
        self.assertTrue(r['changed'])
        self.assertAdvised(r)
        r = self.ok({'pin': 'v1.4.2'})
        self.assertFalse(r['changed'])
        self.assertAdvised(r)
        r = self.ok({'pin': 'v1.4.2'}, '--check')
        self.assertFalse(r['changed'])
        self.assertAdvised(r)

    def test_no_warning_once_the_fixed_version_runs(self):
        r = self.ok({'pin': 'v1.4.3'})
        self.assertEqual([w for w in r.get('warnings', []) if self.ADVISORY['id'] in w], [])

    def test_update_info_with_check_feed_returns_the_advisory_held_and_binary(self):
        self.ok({'pin': 'v1.4.2'})
        proc, r = self.module('cmdop.agent.update_info', {'check_feed': True}, '--check')
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertAdvised(r)
        self.assertEqual((r['held'], r['binary']), (False, 'signed'))
        self.assertEqual(r['agent']['available_version'], 'v1.4.3')
        proc, r = self.module('cmdop.agent.update_info', {})
        self.assertEqual((r['held'], r['binary']), (False, 'signed'))
        self.assertNotIn('update_available', r, 'without check_feed nothing asks the feed')


class LatestTest(StateTestCase):
    def test_latest_in_check_mode_then_for_real_then_unchanged(self):
        self.install_unpinned('v1.4.2')
        before = self.sandbox.snapshot(HOST, feed_state=False)
        r = self.ok({'state': 'latest'}, '--check')
        self.assertTrue(r['changed'])
        self.assertEqual(r['agent']['available_version'], 'v1.4.3')
        self.assertIn({'setting': 'version', 'before': 'v1.4.2', 'after': 'v1.4.3'}, r['drift'])
        self.assertEqual(self.sandbox.snapshot(HOST, feed_state=False), before, 'check mode wrote files')
        r = self.ok({'state': 'latest'})
        self.assertTrue(r['changed'])
        self.assertEqual(self.installed(), 'v1.4.3')
        self.assertEqual(r['agent']['installed_version'], 'v1.4.3')
        r = self.ok({'state': 'latest'})
        self.assertFalse(r['changed'], r)
        r = self.ok({'state': 'latest'}, '--check')
        self.assertFalse(r['changed'], r)

    def test_latest_with_a_setting_converges_it_too(self):
        self.install_unpinned('v1.4.2')
        r = self.ok({'state': 'latest', 'auto': True, 'interval': '12h'})
        self.assertTrue(r['changed'])
        self.assertEqual((r['after']['auto'], r['after']['interval']), (True, '12h'))
        self.assertEqual(self.installed(), 'v1.4.3')

    def test_latest_with_a_pin_is_refused_before_the_cli_runs(self):
        before = self.sandbox.snapshot(HOST)
        proc, r = self.update({'state': 'latest', 'pin': 'v1.4.2'})
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('state=latest', r['msg'])
        self.assertEqual(self.sandbox.snapshot(HOST), before)


class RolledBackTest(StateTestCase):
    def test_rolled_back_in_check_mode_then_for_real_then_unchanged(self):
        self.ok({'pin': 'v1.4.2'})
        self.ok({'pin': 'v1.4.3'})
        before = self.sandbox.snapshot(HOST, feed_state=False)
        r = self.ok({'state': 'rolled_back'}, '--check')
        self.assertTrue(r['changed'])
        self.assertIn('v1.4.2', r['msg'])
        self.assertEqual(self.sandbox.snapshot(HOST, feed_state=False), before, 'check mode wrote files')
        r = self.ok({'state': 'rolled_back'})
        self.assertTrue(r['changed'])
        self.assertEqual(self.installed(), 'v1.4.2')
        self.assertEqual(r['agent']['installed_version'], 'v1.4.2')
        self.assertEqual(r['after']['pin'], 'v1.4.2', 'a rollback moves the pin')
        for flags in ((), ('--check',)):
            r = self.ok({'state': 'rolled_back'}, *flags)
            self.assertFalse(r['changed'], r)
            self.assertIn('already rolled back', r['msg'])
            self.assertEqual(self.installed(), 'v1.4.2')

    def test_nothing_to_roll_back_to_fails_in_check_mode_and_for_real(self):
        self.ok({'pin': 'v1.4.2'})
        for flags in (('--check',), ()):
            proc, r = self.update({'state': 'rolled_back'}, *flags)
            self.assertNotEqual(proc.returncode, 0, describe(proc))
            self.assertIn('ROLLBACK_UNAVAILABLE', r['msg'])
            self.assertEqual(r['agent']['installed_version'], 'v1.4.2')
        self.assertEqual(self.installed(), 'v1.4.2')

    def test_rolled_back_takes_no_settings(self):
        proc, r = self.update({'state': 'rolled_back', 'channel': 'beta'})
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('state=rolled_back', r['msg'])


class ServiceTest(StateTestCase):
    """service and install_path go into the desired state; the CLI accepts them there (issue #13 point 3)."""

    def test_service_settings_in_check_mode_then_for_real_then_unchanged(self):
        service = {'heartbeat_timeout': '7s', 'restart_timeout': '20s'}
        r = self.ok({'service': service}, '--check')
        self.assertTrue(r['changed'])
        r = self.ok({'service': service})
        self.assertTrue(r['changed'])
        r = self.ok({'service': service})
        self.assertFalse(r['changed'])

    def test_a_health_check_command_confirms_an_install_without_a_heartbeat_file(self):
        probe = os.path.join(self.sandbox.dir, 'probe.sh')
        with open(probe, 'w') as f:
            f.write('#!/bin/sh\n"$CMDOP_ROOT/usr/local/bin/cmdop" --version\n')
        os.chmod(probe, 0o755)
        service = {'health_check': [probe], 'heartbeat_file': 'none'}
        r = self.ok({'pin': 'v1.4.2', 'service': service}, '--check')
        self.assertTrue(r['changed'])
        r = self.ok({'pin': 'v1.4.2', 'service': service})
        self.assertEqual(self.installed(), 'v1.4.2', r)
        r = self.ok({'pin': 'v1.4.2', 'service': service})
        self.assertFalse(r['changed'])

    def test_install_path(self):
        # the sandbox's fake agent service runs <root>/usr/local/bin/cmdop only, so this host's service is
        # told not to restart (a real move also points the agent's unit at the new path)
        desired = {'install_path': '/opt/cmdop/bin/cmdop', 'pin': 'v1.4.2',
                   'service': {'restart': [], 'heartbeat_file': 'none'}}
        r = self.ok(desired, '--check')
        self.assertTrue(r['changed'])
        self.assertFalse(os.path.exists(os.path.join(self.root, 'opt', 'cmdop', 'bin', 'cmdop')), r)
        r = self.ok(desired)
        self.assertTrue(r['changed'])
        self.assertTrue(os.path.exists(os.path.join(self.root, 'opt', 'cmdop', 'bin', 'cmdop')), r)
        self.assertEqual(r['agent']['installed_version'], 'v1.4.2', r)
        r = self.ok(desired)
        self.assertFalse(r['changed'], r)


if __name__ == '__main__':
    unittest.main()
