"""The cmdop.agent.install role against sandbox hosts: install the self-contained tarball (copied from the
controller, or fetched from a URL with its SHA-256), then converge; check mode first, idempotence after.

Every host is a local connection whose machine root (--root) is its own temp dir; the role's install
prefix, launcher link and staging directory are inside that root, so nothing outside it changes. The
.deb method is exercised in check mode here (a real install would change this machine); the .deb itself
is installed for real into a throwaway root by packaging/tests/run.sh.

Uses $CMDOP_PKG_TARBALL / $CMDOP_PKG_DEB, or the ones `mvn package` left in target/; skipped without them.
"""

import glob
import hashlib
import os
import subprocess
import unittest

from cmdoptest import COLLECTION, REPO, Sandbox, describe, recap

INSTALL = os.path.join(COLLECTION, 'playbooks', 'install.yml')
HOSTS = ['app1', 'app2', 'app3']
DESIRED = dict(cmdop_channel='beta', cmdop_auto=False, cmdop_interval='12h')


def built(env, pattern):
    path = os.environ.get(env) or next(iter(sorted(glob.glob(os.path.join(REPO, 'target', pattern)))), None)
    return path if path and os.path.isfile(path) else None


TARBALL = built('CMDOP_PKG_TARBALL', 'cmdop-update-*-linux-amd64.tar.gz')
DEB = built('CMDOP_PKG_DEB', 'cmdop-update_*_amd64.deb')


def sha256(path):
    with open(path, 'rb') as f:
        return 'sha256:' + hashlib.sha256(f.read()).hexdigest()


def version_of(tarball):
    return os.path.basename(tarball)[len('cmdop-update-'):-len('-linux-amd64.tar.gz')]


@unittest.skipUnless(TARBALL, 'no cmdop-update-*-linux-amd64.tar.gz: run mvn package first')
class InstallRoleTarballTest(unittest.TestCase):
    """test_1 .. test_5 run in order on one fleet."""

    @classmethod
    def setUpClass(cls):
        cls.sandbox = Sandbox(HOSTS)
        host_vars = {}
        for h in HOSTS:
            root = cls.sandbox.roots[h]
            host_vars[h] = dict(cmdop_update_prefix=root + '/opt/cmdop-update',
                                cmdop_update_link=root + '/usr/local/bin/cmdop-update',
                                cmdop_update_download_dir=root + '/var/cache/cmdop-update')
        # app3 fetches it from a URL with its checksum; the others get it from the controller
        host_vars['app3']['cmdop_update_url'] = 'file://' + os.path.abspath(TARBALL)
        cls.sandbox.write_inventory(host_vars)
        cls.vars = dict(DESIRED, cmdop_update_install_method='tarball', cmdop_update_src=os.path.abspath(TARBALL),
                        cmdop_update_checksum=sha256(TARBALL), cmdop_update_version=version_of(TARBALL))

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.cleanup()

    def launcher(self, h):
        return os.path.join(self.sandbox.roots[h], 'usr', 'local', 'bin', 'cmdop-update')

    def test_1_check_mode_on_bare_hosts_reports_changes_and_writes_nothing(self):
        before = {h: self.sandbox.snapshot(h) for h in HOSTS}
        proc = self.sandbox.playbook(INSTALL, '--check', **self.vars)
        self.assertEqual(proc.returncode, 0, describe(proc))
        for h, counts in recap(proc.stdout).items():
            self.assertGreater(counts['changed'], 0, h)
            self.assertEqual(counts['failed'], 0, h)
        for h in HOSTS:
            self.assertEqual(self.sandbox.snapshot(h), before[h], '%s: check mode wrote files' % h)

    def test_2_first_run_installs_and_converges_every_host(self):
        proc = self.sandbox.playbook(INSTALL, **self.vars)
        self.assertEqual(proc.returncode, 0, describe(proc))
        result = recap(proc.stdout)
        self.assertEqual(sorted(result), sorted(HOSTS), describe(proc))
        for h in HOSTS:
            self.assertEqual(result[h]['failed'], 0, h)
            out = subprocess.run([self.launcher(h), '-V'], capture_output=True, text=True, timeout=120,
                                 env=dict(os.environ, PATH='/nonexistent-no-java:/usr/bin:/bin'))
            self.assertEqual(out.stdout.strip(), 'cmdop-update ' + version_of(TARBALL), out.stderr)
            with open(self.sandbox.config(h)) as f:
                text = f.read()
            self.assertRegex(text, r'channel:\s*"?beta"?')
            self.assertRegex(text, r'interval:\s*"?12h"?')

    def test_3_second_run_changes_nothing(self):
        before = {h: self.sandbox.snapshot(h) for h in HOSTS}
        proc = self.sandbox.playbook(INSTALL, **self.vars)
        self.assertEqual(proc.returncode, 0, describe(proc))
        for h, counts in recap(proc.stdout).items():
            self.assertEqual(counts['changed'], 0, '%s\n%s' % (h, describe(proc)))
        for h in HOSTS:
            self.assertEqual(self.sandbox.snapshot(h), before[h], h)

    def test_4_check_mode_then_sees_the_drift_of_a_host_and_changes_nothing(self):
        subprocess.run([self.launcher('app2'), '--root', self.sandbox.roots['app2'], '--channel', 'nightly'],
                       check=True, capture_output=True, timeout=120)
        before = self.sandbox.snapshot('app2')
        proc = self.sandbox.playbook(INSTALL, '--check', **self.vars)
        self.assertEqual(proc.returncode, 0, describe(proc))
        result = recap(proc.stdout)
        self.assertEqual(result['app1']['changed'], 0, describe(proc))
        self.assertEqual(result['app2']['changed'], 1, describe(proc))
        self.assertEqual(self.sandbox.snapshot('app2'), before)
        proc = self.sandbox.playbook(INSTALL, **self.vars)
        self.assertEqual(recap(proc.stdout)['app2']['changed'], 1, describe(proc))

    def test_5_a_wrong_checksum_fails_before_anything_is_installed(self):
        sandbox = Sandbox(['bad'])
        try:
            root = sandbox.roots['bad']
            sandbox.write_inventory({'bad': dict(cmdop_update_prefix=root + '/opt/cmdop-update',
                                                 cmdop_update_link=root + '/usr/local/bin/cmdop-update',
                                                 cmdop_update_download_dir=root + '/var/cache/cmdop-update')})
            proc = sandbox.playbook(INSTALL, **dict(self.vars, cmdop_update_checksum='sha256:' + '0' * 64))
            self.assertNotEqual(proc.returncode, 0, describe(proc))
            self.assertEqual(recap(proc.stdout)['bad']['failed'], 1, describe(proc))
            self.assertFalse(os.path.exists(root + '/opt/cmdop-update'))
            self.assertFalse(os.path.exists(sandbox.config('bad')))
        finally:
            sandbox.cleanup()


@unittest.skipUnless(DEB, 'no cmdop-update_*_amd64.deb: run mvn package first')
class InstallRoleDebCheckModeTest(unittest.TestCase):
    def test_check_mode_with_the_deb_reports_the_install_and_writes_nothing(self):
        sandbox = Sandbox(['web'])
        try:
            root = sandbox.roots['web']
            sandbox.write_inventory({'web': dict(cmdop_update_download_dir=root + '/var/cache/cmdop-update')})
            before = sandbox.snapshot('web')
            proc = sandbox.playbook(INSTALL, '--check', **dict(DESIRED, cmdop_update_src=os.path.abspath(DEB),
                                                                cmdop_update_checksum=sha256(DEB)))
            self.assertEqual(proc.returncode, 0, describe(proc))
            self.assertEqual(recap(proc.stdout)['web']['failed'], 0, describe(proc))
            self.assertEqual(sandbox.snapshot('web'), before)
        finally:
            sandbox.cleanup()
