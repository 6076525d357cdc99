"""Terraform without Terraform: the protocols our .tf files rely on, run against the real CLI.

- `status --terraform` is fed exactly what the external data source sends (one compact JSON object
  of strings on stdin) and must print one flat JSON object of strings, or fail with one stderr line.
- Every `data "external"` and `provisioner "local-exec"` of every .tf file under
  terraform-provider-docs/examples/ and examples/terraform/ is read (tfmini), its variables
  substituted, and run as Terraform would: the program with the query on stdin, the command with
  /bin/sh -c and its environment.
- Every code block of the docs is an excerpt of one of those files, so the docs run too.
- A pin is installed for real, from the signed local feed of ansible-module/tests/lib/feedfixture.py,
  and the data source then reports the installed version.
"""

import glob
import json
import os
import re
import shutil
import tempfile
import unittest

import feedfixture
import tfmini
from cmdoptest import REPO, cli, describe, run

DOCS = os.path.join(REPO, 'terraform-provider-docs')
TF_FILES = sorted(glob.glob(os.path.join(DOCS, 'examples', '*', '*.tf')) +
                  glob.glob(os.path.join(REPO, 'examples', 'terraform', '*.tf')))
RESULT_KEYS = {'in_sync', 'drift_count', 'drift_settings', 'channel', 'auto', 'interval', 'pin',
               'installed_version', 'previous_version', 'tool_version', 'held', 'binary', 'advisory_count',
               'advisories_json', 'last_success', 'result_json'}


class Machine:
    """A sandbox machine root, plus a bin dir that makes `cmdop-update` and a fake `ssh` resolvable."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='cmdop-tf-')
        self.root = self.host_root('local')
        self.bin = os.path.join(self.dir, 'bin')
        os.makedirs(self.bin)
        self._script('cmdop-update', 'exec "%s" "$@"' % cli())
        # ssh [-o OPTION]... HOST COMMAND...: runs COMMAND here, in HOST's own machine root, with the
        # same stdin, as ssh forwards it.
        self._script('ssh', 'while [ "$1" = "-o" ]; do shift 2; done\nhost=$1; shift\n'
                            'CMDOP_ROOT="%s/hosts/$host" exec "$@"' % self.dir)

    def host_root(self, name):
        path = os.path.join(self.dir, 'hosts', name)
        os.makedirs(path, exist_ok=True)
        return path

    def _script(self, name, body):
        path = os.path.join(self.bin, name)
        with open(path, 'w') as f:
            f.write('#!/bin/sh\n' + body + '\n')
        os.chmod(path, 0o755)

    def env(self, **extra):
        env = dict(os.environ, PATH=self.bin + os.pathsep + os.environ.get('PATH', ''))
        env.pop('CMDOP_ROOT', None)
        env.update(extra)
        return env

    def data_source(self, program, query, **env):
        """Runs an external data source program as Terraform does; returns (proc, result or None)."""
        proc = run(program, stdin=json.dumps(query, separators=(',', ':')), env=self.env(**env), cwd=self.dir)
        result = None
        if proc.returncode == 0:
            result = json.loads(proc.stdout)
        return proc, result

    def local_exec(self, command, environment, **env):
        """Runs a local-exec provisioner's command as Terraform does (/bin/sh -c, env added)."""
        return run(['/bin/sh', '-c', command], env=self.env(**dict(environment, **env)), cwd=self.dir)

    def config(self, name='local'):
        path = os.path.join(self.dir, 'hosts', name, 'etc', 'cmdop', 'config.yaml')
        return open(path).read() if os.path.exists(path) else None

    def snapshot(self):
        snap = {}
        for d, dirs, files in os.walk(os.path.join(self.dir, 'hosts')):
            for name in files + dirs:
                p = os.path.join(d, name)
                snap[p] = (os.lstat(p).st_mtime_ns, open(p, 'rb').read() if os.path.isfile(p) else None)
        return snap

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def read(path):
    with open(path) as f:
        return f.read()


def variable_defaults(text):
    scope = {}
    for labels, body in tfmini.blocks(text, 'variable', None):
        attrs = tfmini.attributes(body)
        if 'default' in attrs:
            scope['var.' + labels[0]] = tfmini.evaluate(attrs['default'], {})
    return scope


def tfvars(path):
    scope = {}
    for line in read(path).splitlines():
        m = re.match(r'^\s*(\w+)\s*=\s*(.+)$', line)
        if m:
            scope['var.' + m.group(1)] = tfmini.evaluate(m.group(2), {})
    return scope


def data_sources(text):
    """[(name, attributes)] of every data "external", top level or inside a check block."""
    return [(labels[1], tfmini.attributes(body)) for labels, body in tfmini.blocks(text, 'data', 'external', None)]


def local_execs(text):
    return [tfmini.attributes(body) for _, body in tfmini.blocks(text, 'provisioner', 'local-exec')]


def assertions(text):
    """[(data source name, attribute, expected)] of every check block's `condition = data...result.X == "v"`."""
    out = []
    for _, body in tfmini.blocks(text, 'check', None):
        for _, assert_body in tfmini.blocks(body, 'assert'):
            cond = tfmini.attributes(assert_body)['condition']
            m = re.fullmatch(r'data\.external\.(\w+)\.result\.(\w+) == "(\w+)"', cond)
            if not m:
                raise AssertionError('unsupported condition %r' % cond)
            out.append(m.groups())
    return out


class ProtocolTest(unittest.TestCase):
    """status --terraform, fed exactly like the external data source feeds it."""

    def setUp(self):
        self.m = Machine()

    def tearDown(self):
        self.m.cleanup()

    def status(self, query, **env):
        return self.m.data_source([cli(), 'status', '--terraform'], query, **env)

    def converge(self, desired):
        proc = run([cli(), '--root', self.m.root, 'converge', '--state', '-', '--json'], stdin=json.dumps(desired))
        self.assertEqual(proc.returncode, 0, describe(proc))

    def test_an_empty_query_is_valid_and_every_value_is_a_string(self):
        proc, result = self.status({'root': self.m.root})
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual(set(result), RESULT_KEYS)
        for key, value in result.items():
            self.assertIsInstance(value, str, key)
        self.assertEqual(result['in_sync'], 'true')
        self.assertEqual(result['drift_count'], '0')
        self.assertEqual(result['drift_settings'], '')
        self.assertEqual((result['channel'], result['auto'], result['interval'], result['pin']),
                         ('stable', 'false', '6h', ''))
        self.assertEqual((result['installed_version'], result['previous_version']), ('', ''))
        self.assertEqual(result['tool_version'], run([cli(), '--tool-version']).stdout.split()[-1])
        self.assertIsInstance(json.loads(result['result_json']), dict)
        proc, result = self.status({}, CMDOP_ROOT=self.m.root)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual(result['in_sync'], 'true')

    def test_desired_settings_in_the_query_are_compared_with_the_machine(self):
        self.converge({'channel': 'beta', 'auto': True, 'interval': '12h'})
        proc, result = self.status({'channel': 'beta', 'auto': 'true', 'interval': '12h', 'pin': '',
                                    'root': self.m.root})
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual((result['in_sync'], result['drift_count'], result['drift_settings']), ('true', '0', ''))
        self.assertEqual((result['channel'], result['auto'], result['interval']), ('beta', 'true', '12h'))
        proc, result = self.status({'channel': 'stable', 'interval': '12h', 'root': self.m.root})
        self.assertEqual((result['in_sync'], result['drift_count'], result['drift_settings']), ('false', '1', 'channel'))
        detail = json.loads(result['result_json'])
        self.assertEqual(detail['drift'], [{'setting': 'channel', 'before': 'beta', 'after': 'stable'}])

    def test_reading_has_no_side_effects(self):
        self.converge({'channel': 'nightly', 'auto': True})
        before = self.m.snapshot()
        for query in ({}, {'channel': 'stable', 'auto': 'false'}, {'channel': 'edge'}):
            self.status(dict(query, root=self.m.root))
        self.assertEqual(self.m.snapshot(), before)

    def test_bad_input_fails_with_one_line_on_stderr_and_a_non_zero_exit(self):
        cases = [('{"channel":"edge"}', 'edge'), ('{"auto":true}', 'auto'), ('{"interval":"1m"}', 'interval'),
                 ('{"colour":"blue"}', 'colour'), ('[]', 'object'), ('not json', 'JSON'), ('', 'JSON')]
        for stdin, word in cases:
            proc = run([cli(), 'status', '--terraform'], stdin=stdin, env=self.m.env(CMDOP_ROOT=self.m.root))
            self.assertNotEqual(proc.returncode, 0, stdin)
            self.assertEqual(proc.stdout, '', stdin)
            lines = proc.stderr.strip('\n').split('\n')
            self.assertEqual(len(lines), 1, '%s: %r' % (stdin, proc.stderr))
            self.assertIn(word, lines[0], stdin)
        self.assertEqual(os.listdir(self.m.root), [])

    def test_the_root_option_is_honoured(self):
        # --root selects the machine when the query has no "root", in either position
        self.converge({'channel': 'beta'})
        for args in (['--root', self.m.root, 'status', '--terraform'], ['status', '--terraform', '--root', self.m.root]):
            proc = run([cli()] + args, stdin='{}', env=self.m.env())
            self.assertEqual(json.loads(proc.stdout)['channel'], 'beta', args)


class ExampleFilesTest(unittest.TestCase):
    """Every .tf file's commands, run as Terraform runs them."""

    def setUp(self):
        self.m = Machine()

    def tearDown(self):
        self.m.cleanup()

    def test_every_tf_file_is_read_and_only_uses_documented_result_attributes(self):
        self.assertGreaterEqual(len(TF_FILES), 6)
        scope = {'var.cmdop_update': 'cmdop-update', 'var.root': '/', 'var.channel': 'stable', 'var.auto': True,
                 'var.interval': '6h', 'var.pin': '', 'each.value': 'host'}
        for path in TF_FILES:
            text = read(path)
            local_scope = dict(scope, **tfmini.locals_of(text, scope))
            for name, attrs in data_sources(text):
                program = tfmini.evaluate(attrs['program'], local_scope)
                self.assertEqual(program[-2:], ['status', '--terraform'], path)
                for value in tfmini.evaluate(attrs.get('query', '{}'), local_scope).values():
                    self.assertIsInstance(value, str, '%s: query values must be strings' % path)
            for attrs in local_execs(text):
                self.assertIn('converge --state - --json', tfmini.evaluate(attrs['command'], local_scope), path)
            for attr in re.findall(r'data\.external\.\w+\.result\.(\w+)', text):
                self.assertIn(attr, RESULT_KEYS, path)

    def run_file(self, path, scope, env=None, hosts=('local',)):
        """plan (data sources) -> apply (local-exec per host, twice) -> check blocks; returns the results."""
        env = env or {}
        text = read(path)
        results = {}
        for host in hosts:
            host_scope = dict(scope, **{'each.value': host})
            host_scope.update(tfmini.locals_of(text, host_scope))
            desired = host_scope.get('local.cmdop_desired')
            execs = local_execs(text)
            self.assertEqual(len(execs), 1, path)
            command = tfmini.evaluate(execs[0]['command'], host_scope)
            environment = tfmini.evaluate(execs[0]['environment'], host_scope)
            self.assertEqual(json.loads(environment['CMDOP_DESIRED']), desired)
            for attempt in (1, 2):
                proc = self.m.local_exec(command, environment, **env)
                self.assertEqual(proc.returncode, 0, '%s\n%s' % (path, describe(proc)))
                report = json.loads(proc.stdout)
                self.assertEqual(report['changed'], attempt == 1, '%s run %d: %s' % (path, attempt, report['msg']))
                # the CLI echoes the desired state, normalized (1d -> 24h, 1.2.3 -> v1.2.3, "" -> null)
                self.assertEqual(set(report['desired']), set(desired))
                self.assertEqual(report['desired']['channel'], desired['channel'])
            for name, attrs in data_sources(text):
                program = tfmini.evaluate(attrs['program'], host_scope)
                query = tfmini.evaluate(attrs['query'], host_scope)
                proc, result = self.m.data_source(program, query, **env)
                self.assertEqual(proc.returncode, 0, '%s %s\n%s' % (path, name, describe(proc)))
                results[(host, name)] = result
            for name, attr, expected in assertions(text):
                self.assertEqual(results[(host, name)][attr], expected, '%s: check %s' % (path, name))
        return results

    def test_examples_terraform_with_its_defaults_and_tfvars(self):
        directory = os.path.join(REPO, 'examples', 'terraform')
        scope = variable_defaults(read(os.path.join(directory, 'variables.tf')))
        scope.update(tfvars(os.path.join(directory, 'terraform.tfvars.example')))
        scope.update({'var.root': self.m.root, 'var.cmdop_update': cli()})
        # what `terraform plan` reads before anything was applied
        text = read(os.path.join(directory, 'main.tf'))
        name, attrs = data_sources(text)[0]
        _, before = self.m.data_source(tfmini.evaluate(attrs['program'], scope), tfmini.evaluate(attrs['query'], scope))
        self.assertEqual(before['in_sync'], 'false')
        self.assertIn('auto', before['drift_settings'].split(','))
        results = self.run_file(os.path.join(directory, 'main.tf'), scope)
        self.assertEqual(results[('local', 'cmdop_agent')]['in_sync'], 'true')
        self.assertRegex(self.m.config(), r'interval: "?12h')

    def test_examples_terraform_with_a_pin_installs_it_and_reports_the_installed_version(self):
        feed = feedfixture.shared()
        feed.configure(self.m.root)
        directory = os.path.join(REPO, 'examples', 'terraform')
        scope = variable_defaults(read(os.path.join(directory, 'variables.tf')))
        scope.update({'var.root': self.m.root, 'var.cmdop_update': cli(), 'var.pin': 'v1.4.2'})
        text = read(os.path.join(directory, 'main.tf'))
        name, attrs = data_sources(text)[0]
        _, before = self.m.data_source(tfmini.evaluate(attrs['program'], scope), tfmini.evaluate(attrs['query'], scope))
        self.assertEqual((before['in_sync'], before['installed_version']), ('false', ''))
        self.assertIn('pin', before['drift_settings'].split(','))
        results = self.run_file(os.path.join(directory, 'main.tf'), scope)  # apply twice: installs, then no-op
        self.assertEqual(feed.installed(self.m.root), 'v1.4.2')
        for name in ('cmdop_agent', 'cmdop_agent_after'):
            result = results[('local', name)]
            self.assertEqual((result['in_sync'], result['pin'], result['installed_version']), ('true', 'v1.4.2', 'v1.4.2'))
        # outputs.tf: cmdop_installed_version is the data source's installed_version
        self.assertIn('data.external.cmdop_agent.result.installed_version', read(os.path.join(directory, 'outputs.tf')))

    def test_previous_version_is_reported_after_a_second_pin(self):
        feed = feedfixture.shared()
        feed.configure(self.m.root)
        for pin in ('v1.4.2', 'v1.4.3'):
            proc = run([cli(), '--root', self.m.root, 'converge', '--state', '-', '--json'],
                       stdin=json.dumps({'pin': pin}))
            self.assertEqual(proc.returncode, 0, describe(proc))
        proc, result = self.m.data_source([cli(), 'status', '--terraform'], {'root': self.m.root})
        self.assertEqual(result['installed_version'], 'v1.4.3')
        self.assertEqual(result['previous_version'], 'v1.4.2')

    def test_converge_example_uses_the_environment_s_machine_root(self):
        scope = {'var.cmdop_update': cli(), 'var.channel': 'nightly', 'var.auto': False, 'var.interval': '1d'}
        self.run_file(os.path.join(DOCS, 'examples', 'converge', 'main.tf'), scope, env={'CMDOP_ROOT': self.m.root})
        self.assertRegex(self.m.config(), r'channel: "?nightly')

    def test_remote_host_example_over_ssh(self):
        scope = {'var.channel': 'beta', 'var.pin': ''}
        hosts = ('web-01', 'web-02')
        for h in hosts:
            self.m.host_root(h)
        results = self.run_file(os.path.join(DOCS, 'examples', 'remote-host', 'main.tf'), scope, hosts=hosts)
        for h in hosts:
            self.assertRegex(self.m.config(h), r'channel: "?beta')
            self.assertEqual(results[(h, 'cmdop_agent')]['in_sync'], 'true')

    def test_remote_host_example_with_a_pin_installs_it_on_every_host(self):
        feed = feedfixture.shared()
        scope = {'var.channel': 'stable', 'var.pin': 'v1.4.2'}
        hosts = ('web-01', 'web-02')
        for h in hosts:
            feed.configure(self.m.host_root(h))
        results = self.run_file(os.path.join(DOCS, 'examples', 'remote-host', 'main.tf'), scope, hosts=hosts)
        for h in hosts:
            self.assertEqual(feed.installed(self.m.host_root(h)), 'v1.4.2', h)
            result = results[(h, 'cmdop_agent')]
            self.assertEqual((result['in_sync'], result['installed_version']), ('true', 'v1.4.2'), h)

    def test_status_example_reads_without_changing(self):
        text = read(os.path.join(DOCS, 'examples', 'status', 'main.tf'))
        self.assertEqual(local_execs(text), [])
        before = self.m.snapshot()
        name, attrs = data_sources(text)[0]
        scope = {'var.cmdop_update': cli()}
        proc, result = self.m.data_source(tfmini.evaluate(attrs['program'], scope),
                                          tfmini.evaluate(attrs['query'], scope), CMDOP_ROOT=self.m.root)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertEqual(result['in_sync'], 'false')
        self.assertIn('auto', result['drift_settings'].split(','))
        self.assertEqual(json.loads(result['result_json'])['schema_version'], 1)
        self.assertEqual(self.m.snapshot(), before)

    def test_status_example_shows_a_modified_binary_as_drift_and_a_held_one_as_custom(self):
        feed = feedfixture.shared()
        feed.configure(self.m.root)
        text = read(os.path.join(DOCS, 'examples', 'status', 'main.tf'))
        # the outputs the status guide documents read these flat attributes (the same as result_json's agent)
        fields = re.findall(r'value = data\.external\.cmdop\.result\.(binary|held)\b', text)
        self.assertEqual(sorted(fields), ['binary', 'held'])
        name, attrs = data_sources(text)[0]
        scope = {'var.cmdop_update': cli()}

        def read_agent(desired):
            proc = run([cli(), '--root', self.m.root, 'converge', '--state', '-', '--json'], stdin=json.dumps(desired))
            self.assertEqual(proc.returncode, 0, describe(proc))
            proc, result = self.m.data_source(tfmini.evaluate(attrs['program'], scope), {}, CMDOP_ROOT=self.m.root)
            self.assertEqual(proc.returncode, 0, describe(proc))
            agent = json.loads(result['result_json'])['agent']
            self.assertEqual((result['binary'], result['held']), (agent['binary'], str(agent['held']).lower()))
            return result, agent

        result, agent = read_agent({'pin': 'v1.4.2'})
        self.assertEqual((result['in_sync'], agent['binary'], agent['held']), ('true', 'signed', False))
        with open(feed.agent(self.m.root), 'a') as f:
            f.write('# patched by hand\n')
        proc, result = self.m.data_source(tfmini.evaluate(attrs['program'], scope), {}, CMDOP_ROOT=self.m.root)
        agent = json.loads(result['result_json'])['agent']
        self.assertEqual((result['in_sync'], result['drift_settings'], agent['binary']), ('false', 'binary', 'modified'))
        result, agent = read_agent({'pin': None, 'hold': True})
        self.assertEqual((result['in_sync'], agent['binary'], agent['held']), ('true', 'custom', True))


class DocsTest(unittest.TestCase):
    def docs(self):
        return sorted(glob.glob(os.path.join(DOCS, 'docs', '*.md')) + glob.glob(os.path.join(DOCS, 'docs', '*', '*.md')))

    def test_every_terraform_block_of_the_docs_is_an_excerpt_of_a_tested_file(self):
        files = [read(p) for p in TF_FILES]
        count = 0
        for doc in self.docs():
            for block in re.findall(r'```(?:terraform|hcl)\n(.*?)```', read(doc), re.S):
                count += 1
                self.assertTrue(any(block in f for f in files), '%s: block not found in any .tf file:\n%s' % (doc, block))
        self.assertGreaterEqual(count, 6)

    def test_pages_have_front_matter_and_links_resolve(self):
        self.assertGreaterEqual(len(self.docs()), 5)
        for doc in self.docs():
            text = read(doc)
            self.assertRegex(text, r'\A---\npage_title: ".+"\n', doc)
            for link in re.findall(r'\]\(([^)#]+)(?:#[^)]*)?\)', text):
                if not link.startswith('http'):
                    self.assertTrue(os.path.exists(os.path.join(os.path.dirname(doc), link)), '%s: %s' % (doc, link))

    def test_the_data_source_guide_lists_every_result_attribute(self):
        text = read(os.path.join(DOCS, 'docs', 'guides', 'status-data-source.md'))
        table = set(re.findall(r'^\| `(\w+)` \| `', text, re.M))
        self.assertEqual(table, RESULT_KEYS)


if __name__ == '__main__':
    unittest.main()
