"""Runs the collection's unit tests and the integration tests; closes with 'N passed, N failed'."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, 'lib'), os.path.join(HERE, 'integration'), os.path.dirname(HERE)]


def suite(names):
    loader = unittest.defaultTestLoader
    all_tests = unittest.TestSuite()
    unit = os.path.join(os.path.dirname(HERE), 'ansible_collections', 'cmdop', 'agent', 'tests', 'unit',
                        'plugins', 'modules')
    sys.path.insert(0, unit)
    groups = {'unit': ['test_update'], 'integration': ['test_collection', 'test_playbooks']}
    for group in names or ['unit', 'integration']:
        for module in groups.get(group, [group]):
            all_tests.addTests(loader.loadTestsFromName(module))
    return all_tests


def main(argv):
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite(argv))
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    line = '%d passed, %d failed' % (passed, failed)
    if skipped:
        line += ', %d skipped' % skipped
    print(line)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
