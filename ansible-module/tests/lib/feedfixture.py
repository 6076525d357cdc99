"""A signed local release feed and the machine configs that install from it, shared by the integration
tests of ansible-module/, examples/ and terraform-provider-docs/ (they import it from this directory).

    feed = feedfixture.shared()          # built once per test run, removed at exit
    feed.configure(root)                 # <root>/etc/cmdop/config.yaml: feed, trusted_keys, restart, 5 s timeout
    feed.configure(root, feed=False)     # the same without feed and trusted_keys (the desired state brings them)
    feed.configure(root, crashes='v1.4.3')   # a host where v1.4.3 starts but never writes a heartbeat
    feed.installed(root)                 # what <root>/usr/local/bin/cmdop --version says: 'v1.4.2', or None
    feedfixture.with_advisory()          # the same versions, v1.4.3 fixing ADVISORY (critical): a host on
                                         # v1.4.2 or older is affected

The feed is made with the CLI under test, as a publisher makes one: `release keygen --unencrypted`,
then `release publish` of fake agents (src/test/resources/install/fake-agent.sh: `--version` prints the
version it was published as) to the stable channel, oldest first, so stable points at the newest.
service.restart is a copy of src/test/resources/install/restart.sh: it "restarts" the agent at
$CMDOP_ROOT/usr/local/bin/cmdop and writes the heartbeat that version would write.
"""

import atexit
import os
import platform
import re
import shutil
import stat
import sys
import tempfile

from cmdoptest import REPO, describe, run, run_cli

VERSIONS = ('v1.4.1', 'v1.4.2', 'v1.4.3')  # all on stable; stable -> v1.4.3
HEARTBEAT_TIMEOUT = '5s'
RESOURCES = os.path.join(REPO, 'src', 'test', 'resources', 'install')

_ARCH = {'x86_64': 'amd64', 'amd64': 'amd64', 'aarch64': 'arm64', 'arm64': 'arm64'}

# A service.restart for a host on which one agent version crashes at start (a library this host lacks,
# say): it "starts" and exits 0, as `systemctl restart` does for a daemon that dies a moment later, but
# that version never writes a heartbeat. Every other version starts as restart.sh starts it, so the
# rollback that cmdop-update then makes is confirmed by the old version's heartbeat.
CRASHING_RESTART = '''#!/bin/sh
# service.restart of a host where agent %(version)s crashes at start: it never writes a heartbeat.
if "$CMDOP_ROOT/usr/local/bin/cmdop" --version | grep -q ' %(version)s '; then
  echo "restart: cmdop %(version)s exited right after it started (status=127)" >&2
  exit 0
fi
exec "%(restart)s"
'''


def platform_id():
    """This machine's platform as the feed names it: linux-amd64, linux-arm64, darwin-arm64, ..."""
    system = 'darwin' if sys.platform == 'darwin' else 'linux'
    machine = platform.machine().lower()
    return '%s-%s' % (system, _ARCH.get(machine, machine))


# The advisory of with_advisory(): published with v1.4.3, which fixes it.
ADVISORY = {'id': 'CMDOP-2026-007', 'severity': 'critical', 'summary': 'Token leak in logs', 'fixed_in': 'v1.4.3'}


class LocalFeed:
    def __init__(self, versions=VERSIONS, advisories=None):
        """advisories: {version: [advisory dict]}, published with that version (the version fixes them)."""
        self.dir = tempfile.mkdtemp(prefix='cmdop-feed-')
        self.feed = os.path.join(self.dir, 'feed')
        self.versions = list(versions)
        self.platform = platform_id()
        self.restart = self._copy(os.path.join(RESOURCES, 'restart.sh'), 'restart.sh')
        keys = os.path.join(self.dir, 'keys')
        self._cli(['release', 'keygen', '--out', keys, '--unencrypted'])
        self.key = os.path.join(keys, 'cmdop.key')
        with open(os.path.join(keys, 'cmdop.pub')) as f:
            self.public_key = f.read().strip().splitlines()[-1]
        with open(os.path.join(RESOURCES, 'fake-agent.sh')) as f:
            template = f.read()
        for v in self.versions:
            agent = os.path.join(self.dir, 'agents', 'cmdop-' + v)
            os.makedirs(os.path.dirname(agent), exist_ok=True)
            with open(agent, 'w') as f:
                f.write(template.replace('@VERSION@', v).replace('@HEARTBEAT@', v))
            os.chmod(agent, 0o755)
            flags = ['--advisory=%(id)s:%(severity)s:%(summary)s' % a for a in (advisories or {}).get(v, [])]
            self._cli(['release', 'publish', '--feed', self.feed, '--key', self.key, '--version', v,
                       '--artifact', '%s=%s' % (self.platform, agent), '--channel', 'stable'] + flags)

    @property
    def trusted_keys(self):
        return [self.public_key]

    @property
    def newest(self):
        return self.versions[-1]

    def _cli(self, args):
        proc = run_cli(args)
        if proc.returncode != 0:
            raise RuntimeError('building the test feed failed: %s\n%s' % (' '.join(args), describe(proc)))
        return proc

    def _copy(self, source, name):
        target = os.path.join(self.dir, name)
        shutil.copyfile(source, target)
        os.chmod(target, 0o755)
        return target

    def restart_script(self, crashes=None):
        """The service.restart command: restart.sh, or one under which version `crashes` never comes up."""
        if not crashes:
            return self.restart
        path = os.path.join(self.dir, 'restart-%s-crashes.sh' % crashes)
        if not os.path.exists(path):
            with open(path, 'w') as f:
                f.write(CRASHING_RESTART % {'version': crashes, 'restart': self.restart})
            os.chmod(path, 0o755)
        return path

    def config_text(self, feed=True, crashes=None):
        lines = ['# written by the tests: a sandbox host that installs from a local signed feed', 'update:']
        if feed:
            lines += ['  feed: %s' % self.feed, '  trusted_keys:', '    - %s' % self.public_key]
        lines += ['  service:',
                  '    restart: [%s]' % self.restart_script(crashes),
                  '    heartbeat_timeout: %s' % HEARTBEAT_TIMEOUT]
        return '\n'.join(lines) + '\n'

    def configure(self, root, feed=True, crashes=None):
        """Writes <root>/etc/cmdop/config.yaml for a host that installs from this feed; returns its path.
        feed=False leaves feed and trusted_keys out (a desired state or a task brings them)."""
        path = os.path.join(root, 'etc', 'cmdop', 'config.yaml')
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(self.config_text(feed, crashes))
        return path

    def set_restart(self, root, crashes=None):
        """Points the host's service.restart at another script, keeping the rest of its config.yaml
        (what the CLI wrote there included): the 'fix' of a host whose agent crashed."""
        path = os.path.join(root, 'etc', 'cmdop', 'config.yaml')
        with open(path) as f:
            text = f.read()
        text, n = re.subn(r'(?m)^(    restart: )\[.*\]$', r'\1[%s]' % self.restart_script(crashes), text)
        if n != 1:
            raise AssertionError('no service.restart line in %s:\n%s' % (path, text))
        with open(path, 'w') as f:
            f.write(text)

    @staticmethod
    def agent(root):
        return os.path.join(root, 'usr', 'local', 'bin', 'cmdop')

    @classmethod
    def installed(cls, root):
        """The version the agent binary at <root>/usr/local/bin/cmdop says it is, or None."""
        path = cls.agent(root)
        if not os.path.exists(path):
            return None
        if not os.stat(path).st_mode & stat.S_IXUSR:
            raise AssertionError('%s is not executable' % path)
        proc = run([path, '--version'])
        m = re.match(r'cmdop (v\S+) ', proc.stdout)
        if proc.returncode != 0 or not m:
            raise AssertionError('%s --version: %s' % (path, describe(proc)))
        return m.group(1)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


_shared = None
_with_advisory = None


def with_advisory():
    """A second feed of this test run, like shared() but v1.4.3 fixes ADVISORY, so that it affects a host
    running v1.4.2 (pinned or not); built on first use."""
    global _with_advisory
    if _with_advisory is None:
        _with_advisory = LocalFeed(advisories={ADVISORY['fixed_in']: [ADVISORY]})
        atexit.register(_with_advisory.cleanup)
    return _with_advisory


def shared():
    """The feed of this test run: built on first use (a keygen and a publish per version, each a JVM
    start), then reused by every test and host; removed when the run ends."""
    global _shared
    if _shared is None:
        _shared = LocalFeed()
        atexit.register(_shared.cleanup)
    return _shared
