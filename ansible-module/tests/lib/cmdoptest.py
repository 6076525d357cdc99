"""Helpers shared by the integration tests of ansible-module/ and examples/: sandbox "hosts" (each a
machine root passed as --root), the cmdop-update CLI under test, and running ansible with a clean,
predictable configuration.

The CLI under test is $CMDOP_UPDATE (an absolute path); the runners set it to the launcher built
from this checkout, bin/cmdop-update.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
COLLECTIONS = os.path.join(REPO, 'ansible-module')
COLLECTION = os.path.join(COLLECTIONS, 'ansible_collections', 'cmdop', 'agent')
# What a read of the feed may write in a machine root (update.data_dir): the cache of feed files and the
# highest manifest sequence seen (anti-rollback), so the data directory's own mtime too.
DATA_DIR = os.path.join('var', 'lib', 'cmdop', 'update')
FEED_STATE = (os.path.join(DATA_DIR, 'feed-cache'), os.path.join(DATA_DIR, 'trust.json'))
PYTHON = '/usr/bin/python3'  # Debian's ansible runs on Debian's python, whatever is first on PATH


def cli():
    path = os.environ.get('CMDOP_UPDATE')
    if not path:
        raise RuntimeError('set CMDOP_UPDATE to the cmdop-update launcher (the runners do)')
    return os.path.abspath(path)


def run(cmd, stdin=None, env=None, cwd=None, timeout=300):
    """Runs a command; returns CompletedProcess with text stdout/stderr."""
    return subprocess.run(cmd, input=stdin, env=env, cwd=cwd, timeout=timeout, capture_output=True, text=True)


def run_cli(args, root=None, stdin=None):
    cmd = [cli()] + (['--root', root] if root else []) + list(args)
    return run(cmd, stdin=stdin)


class Sandbox:
    """A temp dir holding one machine root per host name, an inventory and an ansible.cfg."""

    def __init__(self, hosts, group='fleet', host_vars=None, prefix='cmdop-sandbox-'):
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.hosts = list(hosts)
        self.group = group
        self.roots = {}
        for h in self.hosts:
            self.roots[h] = os.path.join(self.dir, 'hosts', h)
            os.makedirs(self.roots[h])
        self.tmp = os.path.join(self.dir, 'ansible-tmp')
        os.makedirs(self.tmp)
        self.cfg = os.path.join(self.dir, 'ansible.cfg')
        with open(self.cfg, 'w') as f:
            f.write('[defaults]\nretry_files_enabled = False\nhost_key_checking = False\n'
                    'deprecation_warnings = False\ninterpreter_python = %s\nforks = 5\n' % PYTHON)
        self.inventory = os.path.join(self.dir, 'inventory.ini')
        self.write_inventory(host_vars or {})

    def write_inventory(self, host_vars, groups=None):
        """groups: optional {group: [hosts]}; every host is also in self.group."""
        lines = ['[%s]' % self.group]
        for h in self.hosts:
            extra = ''.join(' %s=%s' % kv for kv in sorted(host_vars.get(h, {}).items()))
            lines.append('%s cmdop_root=%s%s' % (h, self.roots[h], extra))
        for g, members in sorted((groups or {}).items()):
            lines += ['', '[%s]' % g] + list(members)
        lines += ['', '[all:vars]', 'ansible_connection=local', 'ansible_python_interpreter=%s' % PYTHON,
                  'cmdop_executable=%s' % cli()]
        with open(self.inventory, 'w') as f:
            f.write('\n'.join(lines) + '\n')

    def env(self, **extra):
        env = dict(os.environ)
        env.update(ANSIBLE_CONFIG=self.cfg, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR='1',
                   ANSIBLE_FORCE_COLOR='0', ANSIBLE_LOCAL_TEMP=self.tmp, ANSIBLE_REMOTE_TEMP=self.tmp,
                   ANSIBLE_HOME=os.path.join(self.dir, 'ansible-home'),
                   # Only ansible.builtin and this repository's collection: a clean Debian machine with
                   # ansible-core alone has no other collection, so the tests must not use one.
                   ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='False')
        env.pop('ANSIBLE_STDOUT_CALLBACK', None)
        env.update(extra)
        return env

    def playbook(self, playbook, *args, **extra_vars):
        cmd = ['ansible-playbook', '-i', self.inventory, playbook] + list(args)
        for k, v in extra_vars.items():
            cmd += ['-e', json.dumps({k: v})]
        return run(cmd, env=self.env())

    def adhoc(self, pattern, module, module_args, *args):
        """Runs one module on the hosts; returns (CompletedProcess, {host: result dict})."""
        tree = tempfile.mkdtemp(dir=self.dir, prefix='tree-')
        if not isinstance(module_args, str):
            module_args = json.dumps(module_args)
        cmd = ['ansible', '-i', self.inventory, pattern, '-m', module, '-a', module_args, '-t', tree] + list(args)
        proc = run(cmd, env=self.env())
        results = {}
        for name in os.listdir(tree):
            with open(os.path.join(tree, name)) as f:
                results[name] = json.load(f)
        return proc, results

    def config(self, host):
        return os.path.join(self.roots[host], 'etc', 'cmdop', 'config.yaml')

    def snapshot(self, host, feed_state=True):
        """Every file under the host's root with its mtime and content hash. feed_state=False leaves out
        what a read of the feed (`cmdop-update --check`) refreshes: FEED_STATE and the data dir's mtime."""
        snap = {}
        root = self.roots[host]
        for d, dirs, files in os.walk(root):
            for name in dirs + files:
                p = os.path.join(d, name)
                rel = os.path.relpath(p, root)
                if not feed_state and (rel == DATA_DIR or rel.startswith(FEED_STATE)):
                    continue
                st = os.lstat(p)
                digest = None
                if os.path.isfile(p) and not os.path.islink(p):
                    with open(p, 'rb') as f:
                        digest = hashlib.sha256(f.read()).hexdigest()
                snap[os.path.relpath(p, root)] = (st.st_mtime_ns, digest)
        return snap

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


RECAP = re.compile(r'^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)'
                   r'\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)', re.M)


def recap(output):
    """PLAY RECAP as {host: {'ok': n, 'changed': n, 'unreachable': n, 'failed': n, ...}}."""
    keys = ('ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored')
    text = output.split('PLAY RECAP', 1)[-1] if 'PLAY RECAP' in output else ''
    return {m.group(1): dict(zip(keys, map(int, m.groups()[1:]))) for m in RECAP.finditer(text)}


def describe(proc):
    return 'rc=%s\n--- stdout\n%s\n--- stderr\n%s' % (proc.returncode, proc.stdout[-6000:], proc.stderr[-3000:])


def ensure_cli_executable_script(path, body):
    """Writes a small shell script (a spy or a broken CLI) and makes it executable."""
    with open(path, 'w') as f:
        f.write('#!/bin/sh\n' + body + '\n')
    os.chmod(path, 0o755)
    return path
