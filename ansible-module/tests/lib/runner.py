"""A unittest runner that closes with the plain line 'N passed, N failed[, N skipped]'.

Expected failures (known CLI bugs, marked @unittest.expectedFailure with a note) count as skipped;
one that starts to pass counts as failed, so its marker gets removed."""

import sys
import time
import unittest


class TimedResult(unittest.TextTestResult):
    """Remembers how long each test took, so the slowest can be named at the end."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.durations = []

    def startTest(self, test):
        self._started = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        self.durations.append((time.monotonic() - self._started, test.id()))
        super().stopTest(test)


def main(groups, argv):
    """groups: {name: [test module names]}; argv: group names or test names (default: every group)."""
    loader = unittest.defaultTestLoader
    tests = unittest.TestSuite()
    for name in argv or list(groups):
        for module in groups.get(name, [name]):
            tests.addTests(loader.loadTestsFromName(module))
    started = time.monotonic()
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout, resultclass=TimedResult).run(tests)
    print('slowest tests:')
    for seconds, name in sorted(result.durations, reverse=True)[:5]:
        print('  %6.1f s  %s' % (seconds, name))
    print('total %.1f s' % (time.monotonic() - started))
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped) + len(result.expectedFailures)
    passed = result.testsRun - failed - skipped
    line = '%d passed, %d failed' % (passed, failed)
    if skipped:
        line += ', %d skipped' % skipped
    print(line)
    return 0 if failed == 0 and passed > 0 else 1
