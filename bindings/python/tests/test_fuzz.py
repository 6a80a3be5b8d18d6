"""Bad input never crashes: mutated inputs through every JSON entry point, each
surface in a child process so a crash is reported with the input behind it."""

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("surface", ["enable", "queue", "loadtest", "topology"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mutated_inputs_never_crash(surface, seed, tmp_path):
    last = tmp_path / "last-input.json"
    result = subprocess.run([sys.executable, str(HERE / "fuzz_inputs.py"), surface, str(seed), "300", str(last)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (
        f"{surface} crashed (exit {result.returncode}) on input:\n"
        f"{last.read_text() if last.exists() else '(none)'}\n{result.stderr[-2000:]}")


def test_a_scenario_scheduled_at_the_end_of_time_is_a_clear_error():
    # Found by the mutation test: formatting a start time of 1e308 s for the
    # error message trapped.
    import syslab
    from syslab import simulation
    test = {"system": {"template": "simple"},
            "workload": {"executor": "constant-arrival-rate", "rate": 10, "duration": "2s"},
            "scenarios": [{"name": "fixed-latency", "at": 1e308, "duration": "1s"}]}
    with pytest.raises(syslab.SyslabError) as info:
        simulation.loadtest(test)
    assert info.value.status == syslab.ERANGE
    assert "at must be between 0s and" in info.value.message and "1e+308s" in info.value.message
