"""The collection as a whole: ansible-doc renders its modules, ansible-lint passes, it builds."""

import os
import shutil
import tempfile
import unittest

import yaml

from cmdoptest import COLLECTION, COLLECTIONS, Sandbox, describe, run


class CollectionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sandbox = Sandbox([])
        cls.env = cls.sandbox.env()

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.cleanup()

    def ansible_doc(self, name):
        proc = run(['ansible-doc', '--type', 'module', name], env=self.env)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertNotIn('ERROR', proc.stderr)
        return proc.stdout

    def test_ansible_doc_renders_update(self):
        out = self.ansible_doc('cmdop.agent.update')
        for word in ('CMDOP.AGENT.UPDATE', 'OPTIONS', 'channel', 'choices: [stable, beta, nightly]', 'trusted_keys',
                     'executable', 'default: cmdop-update', 'EXAMPLES', 'RETURN VALUES', 'drift', 'advisories'):
            self.assertIn(word, out)

    def test_ansible_doc_renders_update_info(self):
        out = self.ansible_doc('cmdop.agent.update_info')
        for word in ('CMDOP.AGENT.UPDATE_INFO', 'OPTIONS', 'root', 'EXAMPLES', 'RETURN VALUES', 'settings', 'schedule'):
            self.assertIn(word, out)

    def test_ansible_doc_lists_both_modules(self):
        proc = run(['ansible-doc', '--list', 'cmdop.agent'], env=self.env)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertIn('cmdop.agent.update ', proc.stdout)
        self.assertIn('cmdop.agent.update_info ', proc.stdout)

    def test_ansible_lint_passes_on_the_collection(self):
        env = dict(self.env, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS)
        env.pop('ANSIBLE_HOME', None)
        proc = run(['ansible-lint', '--offline', '--nocolor', '--project-dir', '.'], env=env, cwd=COLLECTION)
        self.assertEqual(proc.returncode, 0, describe(proc))
        self.assertRegex(proc.stdout + proc.stderr, r'Passed with \w+ profile')

    def test_galaxy_metadata_and_the_collection_builds(self):
        with open(os.path.join(COLLECTION, 'galaxy.yml')) as f:
            galaxy = yaml.safe_load(f)
        major = int(str(galaxy['version']).split('.')[0])
        self.assertGreaterEqual(major, 1)
        with open(os.path.join(COLLECTION, 'meta', 'runtime.yml')) as f:
            self.assertEqual(yaml.safe_load(f)['requires_ansible'], '>=2.14.0')
        for doc in ('README.md', 'CHANGELOG.md'):
            self.assertTrue(os.path.getsize(os.path.join(COLLECTION, doc)) > 0, doc)
        out = tempfile.mkdtemp()
        try:
            proc = run(['ansible-galaxy', 'collection', 'build', COLLECTION, '--output-path', out], env=self.env)
            self.assertEqual(proc.returncode, 0, describe(proc))
            self.assertTrue(os.path.exists(os.path.join(out, 'cmdop-agent-%s.tar.gz' % galaxy['version'])))
        finally:
            shutil.rmtree(out)


if __name__ == '__main__':
    unittest.main()
