"""The command line fuzzed (issue 13): valid lines give a whole result, each corrupted line
exit 2 and one line naming its key, and nothing written. A modest size here;
``benchmarks/fuzz_cli.py`` runs thousands."""

import tempfile
from pathlib import Path

from cli_cases import cases, check, invoke
from hypothesis import HealthCheck, Phase, given, settings


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same cases in every run of the suite
    phases=[Phase.explicit, Phase.generate],  # a failing line is shown whole, not shrunk (slow)
    suppress_health_check=[HealthCheck.too_slow],
)
@given(case=cases())
def test_fuzzed_command_lines(case):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        outcome = invoke(case, folder)
        problem = check(case, outcome, folder)
    assert problem is None, f"{case.command} {' '.join(case.argv)} ({case.kind}): {problem}"
