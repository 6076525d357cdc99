"""Every file of examples/ exercised with the real CLI, so none can rot:

- desired-state/*.yaml are converged in sandbox machine roots (and are idempotent); production's pin
  is installed for real from a signed local feed (feedfixture, shared with ansible-module/tests);
- ansible/rollout-pin.yml rolls a pin out to sandbox hosts in batches, really installing it, and
  stops when a host's new agent does not come up (rolled back by cmdop-update, exit 81);
- ci/drift-check.sh exits 0 in sync, 2 on drift, 1 on error;
- ci/github-actions-drift.yml parses, and its run: step calls the script tested here.
"""

import json
import os
import shutil
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor

import yaml

import feedfixture
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


def policy_file(directory, name, feed):
    """The policy desired-state/<name>.yaml with feed and trusted_keys replaced by the test feed's, as
    its comment tells an operator to do; returns the path of the copy."""
    state = load_state(name)
    state['feed'] = feed.feed
    state['trusted_keys'] = feed.trusted_keys
    path = os.path.join(directory, name + '.json')
    with open(path, 'w') as f:
        json.dump(state, f)
    return path


def snapshot(root):
    """{relative path: (mtime_ns, bytes)} of every file and directory under root."""
    snap = {}
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(d, name)
            content = None
            if os.path.isfile(p) and not os.path.islink(p):
                with open(p, 'rb') as f:
                    content = f.read()
            snap[os.path.relpath(p, root)] = (os.lstat(p).st_mtime_ns, content)
    return snap


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
            # a converge also reads the feed's advisories (issue #10.3); these examples name a feed that does not
            # exist here, and an unreadable feed is a warning, never a failed converge of settings
            self.assertEqual([w for w in doc['warnings']
                              if not w.startswith("the feed's security advisories could not be read")], [])
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

    def test_production_installs_its_pin_and_is_idempotent(self):
        feed = feedfixture.shared()
        root = os.path.join(self.dir, 'prod')
        feed.configure(root)  # the machine: feed, key, service restart and heartbeat
        path = policy_file(self.dir, 'production', feed)
        pin = load_state('production')['pin']
        proc, doc = converge(root, path)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual((doc['status'], doc['changed'], doc['warnings']), ('changed', True, []))
        self.assertEqual((doc['after']['channel'], doc['after']['auto']), ('stable', False))
        self.assertEqual((doc['after']['pin'], doc['after']['version']), (pin, pin))
        self.assertIn({'setting': 'version', 'before': None, 'after': pin}, doc['drift'])
        self.assertEqual(doc['agent']['installed_version'], pin)
        self.assertEqual(feed.installed(root), pin)
        before = snapshot(root)
        proc, doc = converge(root, path)
        self.assertEqual((proc.returncode, doc['status'], doc['changed'], doc['drift']), (0, 'unchanged', False, []),
                         describe(proc))
        proc, doc = converge(root, path, '--check', '--detailed-exitcode')
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual(snapshot(root), before, 'an in-sync converge must write nothing')

    def test_production_installs_its_pin_on_a_machine_that_has_no_feed_yet(self):
        feed = feedfixture.shared()
        root = os.path.join(self.dir, 'fresh')
        feed.configure(root, feed=False)
        proc, doc = converge(root, policy_file(self.dir, 'production', feed))
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual(feed.installed(root), load_state('production')['pin'])


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

    def test_a_pinned_machine_drifts_when_another_version_is_installed_by_hand(self):
        feed = feedfixture.shared()
        feed.configure(self.root)
        state = policy_file(self.dir, 'production', feed)
        pin = load_state('production')['pin']
        proc, _ = converge(self.root, state)
        self.assertEqual(proc.returncode, 0, describe(proc))
        proc = self.check(state)
        self.assertEqual(proc.returncode, 0, describe(proc))
        # someone installs the channel's newest by hand: the pin still says v1.4.2
        proc = run_cli(['--version', feed.newest], root=self.root)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual(feed.installed(self.root), feed.newest)
        proc = self.check(state)
        self.assertEqual(proc.returncode, 2, describe(proc))
        self.assertIn('version: "%s" -> "%s"' % (feed.newest, pin), proc.stdout)
        self.assertEqual(feed.installed(self.root), feed.newest, 'a drift check must not install')
        # converging repairs it: the pinned version is installed again
        proc, doc = converge(self.root, state)
        self.assertEqual((proc.returncode, doc['changed']), (0, True), describe(proc))
        self.assertEqual(feed.installed(self.root), pin)
        self.assertEqual(self.check(state).returncode, 0)

    def test_a_binary_replaced_by_hand_is_drift_and_converge_repairs_it(self):
        feed = feedfixture.shared()
        feed.configure(self.root)
        state = policy_file(self.dir, 'production', feed)
        proc, _ = converge(self.root, state)
        self.assertEqual(proc.returncode, 0, describe(proc))
        with open(feed.agent(self.root), 'a') as f:
            f.write('# patched by hand\n')
        proc = self.check(state)
        self.assertEqual(proc.returncode, 2, describe(proc))
        self.assertIn('binary: "modified" -> "signed"', proc.stdout)
        proc, doc = converge(self.root, state)
        self.assertEqual((proc.returncode, doc['changed']), (0, True), describe(proc))
        self.assertEqual(self.check(state).returncode, 0)

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
    """rollout-pin.yml on five sandbox hosts in batches of 1, 2, 2, installing from a signed local feed.
    The fleet runs the production policy (v1.4.2) and v1.4.3 is rolled out; on p3 v1.4.3 crashes at
    start (its restart never sees a heartbeat), as a new version can on one host of a fleet."""

    HOSTS = ['p1', 'p2', 'p3', 'p4', 'p5']
    PIN = 'v1.4.3'
    BAD_HOST = 'p3'

    def setUp(self):
        self.feed = feedfixture.shared()
        self.sandbox = Sandbox(self.HOSTS, group='production')

    def tearDown(self):
        self.sandbox.cleanup()

    def fleet_on_the_production_policy(self):
        """Each host configured for the test feed and converged to production.yaml (v1.4.2 installed)."""
        policy = policy_file(self.sandbox.dir, 'production', self.feed)
        for h in self.HOSTS:
            self.feed.configure(self.sandbox.roots[h], crashes=self.PIN if h == self.BAD_HOST else None)
        with ThreadPoolExecutor(max_workers=len(self.HOSTS)) as pool:
            results = list(pool.map(lambda h: converge(self.sandbox.roots[h], policy), self.HOSTS))
        for h, (proc, _) in zip(self.HOSTS, results):
            self.assertEqual(proc.returncode, 0, '%s: %s' % (h, describe(proc)))
            self.assertEqual(self.feed.installed(self.sandbox.roots[h]), load_state('production')['pin'], h)

    def rollout(self, pin=PIN, *flags):
        extra = {'rollout_batches': [1, 2, 2], 'rollout_become': False, 'cmdop_feed': self.feed.feed,
                 'cmdop_trusted_keys': self.feed.trusted_keys}
        args = ['-e', json.dumps(extra)]
        if pin:
            args += ['-e', 'cmdop_pin=' + pin]
        return self.sandbox.playbook(ROLLOUT, *(args + list(flags)))

    def installed(self):
        return {h: self.feed.installed(self.sandbox.roots[h]) for h in self.HOSTS}

    def test_a_failure_stops_the_rollout_before_the_next_batch_and_a_rerun_after_the_fix_completes_it(self):
        self.fleet_on_the_production_policy()
        old = load_state('production')['pin']
        untouched = {h: self.sandbox.snapshot(h) for h in ('p4', 'p5')}
        proc = self.rollout()
        self.assertNotEqual(proc.returncode, 0, describe(proc))
        counts = recap(proc.stdout)
        self.assertEqual(sorted(counts), ['p1', 'p2', 'p3'], describe(proc))
        self.assertEqual({h: (c['changed'], c['failed']) for h, c in counts.items()},
                         {'p1': (1, 0), 'p2': (1, 0), 'p3': (0, 1)}, describe(proc))
        # p3: cmdop-update installed v1.4.3, saw no heartbeat, put v1.4.2 back and failed the task (81)
        self.assertIn('HEALTH_CHECK_FAILED', proc.stdout)
        self.assertIn('rc=81', proc.stdout)
        self.assertIn('rolled back to %s' % old, proc.stdout)
        self.assertEqual(self.installed(), {'p1': self.PIN, 'p2': self.PIN, 'p3': old, 'p4': old, 'p5': old})
        with open(os.path.join(self.sandbox.roots['p3'], 'var', 'lib', 'cmdop', 'heartbeat.json')) as f:
            self.assertEqual(json.load(f)['version'], old, 'the old agent runs again on p3')
        for h, snap in untouched.items():
            self.assertEqual(self.sandbox.snapshot(h), snap, '%s was touched after the failure' % h)

        # The fix (p3's agent can start v1.4.3 now), then the same command again: hosts already done
        # report no change, p3 and the rest of the group install the pin in their batches.
        self.feed.set_restart(self.sandbox.roots['p3'])
        proc = self.rollout()
        self.assertEqual(proc.returncode, 0, describe(proc))
        counts = recap(proc.stdout)
        self.assertEqual(sorted(counts), self.HOSTS)
        self.assertEqual({h: c['changed'] for h, c in counts.items()},
                         {'p1': 0, 'p2': 0, 'p3': 1, 'p4': 1, 'p5': 1}, describe(proc))
        # serial: one PLAY header per batch, 1 + 2 + 2 hosts
        self.assertEqual(sum(line.startswith('PLAY [') for line in proc.stdout.splitlines()), 3, describe(proc))
        self.assertEqual(self.installed(), {h: self.PIN for h in self.HOSTS})
        policy = load_state('production')
        for h in self.HOSTS:
            self.assertEqual(counts[h]['failed'], 0)
            status = json.loads(run_cli(['status', '--json'], root=self.sandbox.roots[h]).stdout)
            self.assertEqual(status['settings']['pin'], self.PIN)
            self.assertEqual(status['settings']['channel'], policy['channel'])
            self.assertEqual(status['settings']['auto'], policy['auto'])
            self.assertEqual(status['settings']['feed'], self.feed.feed)
            self.assertEqual(status['settings']['trusted_keys'], self.feed.trusted_keys)
            self.assertEqual(status['agent']['installed_version'], self.PIN, h)

    def test_the_rollout_under_check_reports_every_batch_and_changes_nothing(self):
        self.fleet_on_the_production_policy()
        old = load_state('production')['pin']
        # the advisories of the installed version are read from the feed: its cache and sequence may be written
        before = {h: self.sandbox.snapshot(h, feed_state=False) for h in self.HOSTS}
        proc = self.rollout(self.PIN, '--check', '--diff')
        self.assertEqual(proc.returncode, 0, describe(proc))
        counts = recap(proc.stdout)
        self.assertEqual({h: (c['changed'], c['failed']) for h, c in counts.items()},
                         {h: (1, 0) for h in self.HOSTS}, describe(proc))
        self.assertIn('+version: "%s"' % self.PIN, proc.stdout)
        self.assertEqual(self.installed(), {h: old for h in self.HOSTS})
        for h in self.HOSTS:
            after = self.sandbox.snapshot(h, feed_state=False)
            changed = sorted(k for k in set(before[h]) | set(after) if before[h].get(k) != after.get(k))
            self.assertEqual(changed, [], '%s: --check wrote files' % h)

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
