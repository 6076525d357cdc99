"""Every file of examples/ exercised with the real CLI, so none can rot:

- desired-state/*.yaml are converged in sandbox machine roots (and are idempotent);
- ansible/rollout-pin.yml rolls a pin out to sandbox hosts in batches and stops at a failure;
- ci/drift-check.sh exits 0 in sync, 2 on drift, 1 on error;
- ci/github-actions-drift.yml parses, and its run: step calls the script tested here.
"""

import json
import os
import shutil
import tempfile
import unittest

import yaml

from cmdoptest import REPO, Sandbox, cli, describe, recap, run, run_cli

EXAMPLES = os.path.join(REPO, 'examples')
STATES = os.path.join(EXAMPLES, 'desired-state')
DRIFT_CHECK = os.path.join(EXAMPLES, 'ci', 'drift-check.sh')
WORKFLOW = os.path.join(EXAMPLES, 'ci', 'github-actions-drift.yml')
ROLLOUT = os.path.join(EXAMPLES, 'ansible', 'rollout-pin.yml')
ALLOWED_KEYS = {'channel', 'pin', 'auto', 'interval', 'window', 'feed', 'trusted_keys'}


def load_state(name):
    with open(os.path.join(STATES, name + '.yaml')) as f:
        return yaml.safe_load(f)


def converge(root, state_file, *flags):
    os.makedirs(root, exist_ok=True)  # the CLI refuses a --root that does not exist
    proc = run_cli(['converge', '--state', state_file, '--json'] + list(flags), root=root)
    return proc, json.loads(proc.stdout) if proc.stdout.strip() else None


def pretend_installed(root, version):
    """Test-only stand-in for an agent that cmdop-update installed earlier: the CLI cannot install
    versions yet (it needs a signed feed), so the rollout tests record the installed version where
    the CLI keeps it. Replace with a signed local feed once installing lands."""
    data = os.path.join(root, 'var', 'lib', 'cmdop', 'update')
    os.makedirs(data, exist_ok=True)
    with open(os.path.join(data, 'state.json'), 'w') as f:
        json.dump({'installed_version': version}, f)


class DesiredStateTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='cmdop-examples-')

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_the_policies_are_what_their_names_say(self):
        prod, staging, dev = load_state('production'), load_state('staging'), load_state('dev')
        for state in (prod, staging, dev):
            self.assertLessEqual(set(state), ALLOWED_KEYS)
        self.assertEqual((prod['channel'], prod['auto']), ('stable', False))
        self.assertRegex(prod['pin'], r'^v\d+\.\d+\.\d+$')
        self.assertEqual((staging['channel'], staging['pin'], staging['auto']), ('beta', '', True))
        self.assertEqual((dev['channel'], dev['pin'], dev['auto']), ('nightly', '', True))

    def test_staging_and_dev_converge_as_written_and_are_idempotent(self):
        for name in ('staging', 'dev'):
            root = os.path.join(self.dir, name)
            path = os.path.join(STATES, name + '.yaml')
            proc, doc = converge(root, path)
            self.assertEqual(proc.returncode, 0, describe(proc))
            self.assertTrue(doc['changed'])
            self.assertEqual(doc['warnings'], [])
            expected = load_state(name)
            after = doc['after']
            for key in ('channel', 'auto', 'interval', 'feed', 'trusted_keys'):
                self.assertEqual(after[key], expected[key], '%s: %s' % (name, key))
            self.assertIsNone(after['pin'])
            self.assertEqual(after['window'], expected['window'] or None)
            self.assertTrue(os.path.exists(os.path.join(root, 'etc', 'cron.d', 'cmdop-update')), name)
            proc, doc = converge(root, path)
            self.assertEqual((proc.returncode, doc['changed'], doc['drift']), (0, False, []), name)
            proc, doc = converge(root, path, '--check', '--detailed-exitcode')
            self.assertEqual(proc.returncode, 0, describe(proc))

    def test_production_records_its_pin_and_says_it_cannot_install_it_yet(self):
        # The CLI records a pin but cannot install versions yet (a signed feed comes later): it warns
        # and leaves the version drift. The feed is pointed at an empty local directory so no test
        # ever reaches the network; when installing lands, publish a signed release there instead.
        state = load_state('production')
        feed = os.path.join(self.dir, 'feed')
        os.makedirs(feed)
        state['feed'] = feed
        path = os.path.join(self.dir, 'production.json')
        with open(path, 'w') as f:
            json.dump(state, f)
        root = os.path.join(self.dir, 'prod')
        proc, doc = converge(root, path)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual(doc['after']['pin'], state['pin'])
        self.assertEqual(doc['after']['channel'], 'stable')
        self.assertIn({'setting': 'version', 'before': None, 'after': state['pin']}, doc['drift'])
        self.assertTrue(any('not available in this build yet' in w for w in doc['warnings']), doc['warnings'])
        proc, doc = converge(root, path)
        self.assertEqual((proc.returncode, doc['changed'], doc['status']), (0, False, 'drift'))


class DriftCheckTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='cmdop-drift-')
        self.root = os.path.join(self.dir, 'machine')
        os.makedirs(self.root)
        self.state = os.path.join(STATES, 'staging.yaml')

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def check(self, state, env=None):
        extra = env or {}
        env = dict(os.environ, CMDOP_UPDATE=cli())
        env.pop('GITHUB_STEP_SUMMARY', None)
        env.update(extra)
        return run([DRIFT_CHECK, state, '--root', self.root], env=env)

    def test_exit_2_on_drift_and_nothing_is_changed(self):
        report = os.path.join(self.dir, 'report.json')
        summary = os.path.join(self.dir, 'summary.md')
        proc = self.check(self.state, {'DRIFT_REPORT': report, 'GITHUB_STEP_SUMMARY': summary})
        self.assertEqual(proc.returncode, 2, describe(proc))
        self.assertIn('DRIFT', proc.stdout)
        self.assertIn('channel: "stable" -> "beta"', proc.stdout)
        with open(report) as f:
            self.assertEqual(json.load(f)['status'], 'drift')
        with open(summary) as f:
            self.assertIn('### cmdop agent drift check: DRIFT', f.read())
        self.assertFalse(os.path.exists(os.path.join(self.root, 'etc', 'cmdop', 'config.yaml')))

    def test_exit_0_in_sync(self):
        proc, _ = converge(self.root, self.state)
        self.assertEqual(proc.returncode, 0, describe(proc))
        proc = self.check(self.state)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertIn('in sync', proc.stdout)

    def test_exit_1_on_errors(self):
        bad = os.path.join(self.dir, 'bad.yaml')
        with open(bad, 'w') as f:
            f.write('channel: stable\ninterval: 1m\n')
        proc = self.check(bad)
        self.assertEqual(proc.returncode, 1, describe(proc))
        self.assertIn('INVALID_INPUT', proc.stdout)
        proc = self.check(os.path.join(self.dir, 'missing.yaml'))
        self.assertEqual(proc.returncode, 1, describe(proc))
        proc = self.check(self.state, {'CMDOP_UPDATE': os.path.join(self.dir, 'no-such-cmdop-update')})
        self.assertEqual(proc.returncode, 1, describe(proc))
        self.assertIn('not found', proc.stderr)


class WorkflowTest(unittest.TestCase):
    def test_the_workflow_parses_and_runs_the_tested_script(self):
        with open(WORKFLOW) as f:
            workflow = yaml.safe_load(f)
        triggers = workflow.get('on', workflow.get(True))  # YAML 1.1 reads a bare `on` as true
        self.assertIn('schedule', triggers)
        self.assertIn('workflow_dispatch', triggers)
        runs = [step['run'] for job in workflow['jobs'].values() for step in job['steps'] if 'run' in step]
        calls = [r.split() for r in runs if 'drift-check.sh' in r]
        self.assertEqual(len(calls), 1, runs)
        script, state = calls[0][0], calls[0][1]
        self.assertEqual(os.path.realpath(os.path.join(REPO, script)), os.path.realpath(DRIFT_CHECK))
        self.assertTrue(os.path.exists(os.path.join(REPO, state)), state)
        self.assertTrue(os.access(DRIFT_CHECK, os.X_OK))


class RolloutTest(unittest.TestCase):
    """rollout-pin.yml on five sandbox hosts in batches of 1, 2, 2."""

    HOSTS = ['p1', 'p2', 'p3', 'p4', 'p5']
    PIN = 'v1.4.3'

    def setUp(self):
        self.sandbox = Sandbox(self.HOSTS, group='production')
        self.feed = os.path.join(self.sandbox.dir, 'feed')
        os.makedirs(self.feed)

    def tearDown(self):
        self.sandbox.cleanup()

    def rollout(self, pin=PIN):
        args = ['-e', json.dumps({'rollout_batches': [1, 2, 2], 'rollout_become': False, 'cmdop_feed': self.feed})]
        if pin:
            args += ['-e', 'cmdop_pin=' + pin]
        return self.sandbox.playbook(ROLLOUT, *args)

    def test_a_failure_stops_the_rollout_before_the_next_batch_and_a_rerun_after_the_fix_completes_it(self):
        # p3, in the second batch, still runs v1.4.2 after converging (the CLI cannot install yet):
        # the version check fails there, and p4 and p5 must not be touched.
        for h in self.HOSTS:
            pretend_installed(self.sandbox.roots[h], 'v1.4.2' if h == 'p3' else self.PIN)
        untouched = {h: self.sandbox.snapshot(h) for h in ('p4', 'p5')}
        proc = self.rollout()
        self.assertNotEqual(proc.returncode, 0, describe(proc))
        self.assertIn('p3 runs v1.4.2, not v1.4.3: the rollout stops here', proc.stdout)
        counts = recap(proc.stdout)
        self.assertEqual(counts['p3']['failed'], 1, describe(proc))
        self.assertNotIn('p4', counts)
        self.assertNotIn('p5', counts)
        for h, snap in untouched.items():
            self.assertEqual(self.sandbox.snapshot(h), snap, h)

        # The fix (p3 now runs the pin), then the same command again: hosts already done report no
        # change, the rest of the group is converged in its batches.
        pretend_installed(self.sandbox.roots['p3'], self.PIN)
        proc = self.rollout()
        self.assertEqual(proc.returncode, 0, describe(proc))
        counts = recap(proc.stdout)
        self.assertEqual(sorted(counts), self.HOSTS)
        self.assertEqual({h: c['changed'] for h, c in counts.items()},
                         {'p1': 0, 'p2': 0, 'p3': 0, 'p4': 1, 'p5': 1}, describe(proc))
        # serial: one PLAY header per batch, 1 + 2 + 2 hosts
        self.assertEqual(sum(line.startswith('PLAY [') for line in proc.stdout.splitlines()), 3, describe(proc))
        policy = load_state('production')
        for h in self.HOSTS:
            self.assertEqual(counts[h]['failed'], 0)
            status = json.loads(run_cli(['status', '--json'], root=self.sandbox.roots[h]).stdout)
            self.assertEqual(status['settings']['pin'], self.PIN)
            self.assertEqual(status['settings']['channel'], policy['channel'])
            self.assertEqual(status['settings']['auto'], policy['auto'])
            self.assertEqual(status['settings']['feed'], self.feed)
            self.assertEqual(status['settings']['trusted_keys'], policy['trusted_keys'])

    def test_the_rollout_refuses_to_start_without_a_pin(self):
        proc = self.rollout(pin=None)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('Name the version to roll out', proc.stdout)
        for h in self.HOSTS:
            self.assertFalse(os.path.exists(self.sandbox.config(h)), h)

    def test_the_example_inventory_has_a_policy_for_every_group(self):
        inventory = os.path.join(EXAMPLES, 'ansible', 'inventory.ini')
        proc = run(['ansible-inventory', '-i', inventory, '--list', '--playbook-dir', os.path.dirname(ROLLOUT)],
                   env=self.sandbox.env())
        self.assertEqual(proc.returncode, 0, describe(proc))
        data = json.loads(proc.stdout)
        for group in ('production', 'staging', 'dev'):
            hosts = data[group]['hosts']
            self.assertTrue(hosts, group)
            policy = data['_meta']['hostvars'][hosts[0]]['cmdop_policy']
            self.assertTrue(os.path.exists(os.path.join(STATES, policy + '.yaml')), policy)

    def test_ansible_lint_passes_on_the_examples(self):
        env = self.sandbox.env()
        env.pop('ANSIBLE_HOME', None)
        proc = run(['ansible-lint', '--offline', '--nocolor', '--project-dir', '.', 'rollout-pin.yml'],
                   env=env, cwd=os.path.dirname(ROLLOUT))
        self.assertEqual(proc.returncode, 0, describe(proc))


if __name__ == '__main__':
    unittest.main()
