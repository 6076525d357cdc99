"""Runs the collection's unit tests and the integration tests; closes with 'N passed, N failed'."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = os.path.join(os.path.dirname(HERE), 'ansible_collections', 'cmdop', 'agent', 'tests', 'unit', 'plugins',
                    'modules')
sys.path[:0] = [os.path.join(HERE, 'lib'), os.path.join(HERE, 'integration'), UNIT, os.path.dirname(HERE)]

import runner  # noqa: E402

GROUPS = {'unit': ['test_update'], 'integration': ['test_collection', 'test_playbooks', 'test_states'], 'role': ['test_role']}

# 'role' installs the packages `mvn package` builds; packaging/tests/run.sh runs it after building them
DEFAULT = ['unit', 'integration']

if __name__ == '__main__':
    sys.exit(runner.main(GROUPS, sys.argv[1:] or DEFAULT))
