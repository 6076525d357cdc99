"""Runs the tests of examples/ and terraform-provider-docs/; closes with 'N passed, N failed'."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE, os.path.join(REPO, 'ansible-module', 'tests', 'lib'),
                os.path.join(REPO, 'terraform-provider-docs', 'tests')]

import runner  # noqa: E402

GROUPS = {'examples': ['test_examples'], 'terraform': ['test_terraform']}

if __name__ == '__main__':
    sys.exit(runner.main(GROUPS, sys.argv[1:]))
