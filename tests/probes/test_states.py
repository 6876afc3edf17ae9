"""Every tool-backed probe in each state a tool can be in: ok, missing, unparsable, hanging."""

from __future__ import annotations

import pytest
from helpers import ids, result, run

from pyo3_doctor.model import Status

HANG = "#!/bin/sh\nsleep 60\n"
GARBAGE = "#!/bin/sh\nprintf 'no version here \\377\\n'\n"
# (probe, the tool it runs, the state a missing tool gives, the finding it gives)
TOOLS = [
    ("linker", "cc", Status.FAIL, "linker-missing"),
    ("python", "python3", Status.FAIL, "interpreter-not-found"),
    ("maturin", "maturin", Status.WARN, "maturin-not-installed"),
    ("rust", "rustc", Status.FAIL, "rust-not-installed"),
]


# maturin missing from PATH falls back to the target environment's own (tested with a bare
# venv in test_environment.py), so it is not a "missing" case here
@pytest.mark.parametrize(
    ("probe_id", "tool", "status", "finding"), [t for t in TOOLS if t[1] != "maturin"]
)
def test_missing_tool(pyo3_project, staged_path, tmp_path, probe_id, tool, status, finding):
    without = (tool, "python") if tool == "python3" else (tool,)
    report = run(
        pyo3_project(),
        ("project", probe_id),
        PATH=staged_path(without=without),
        CARGO_HOME=str(tmp_path / "none"),
    )
    assert result(report, probe_id).status is status
    assert finding in ids(report)


@pytest.mark.parametrize("script", [HANG, GARBAGE], ids=["hanging", "garbage"])
@pytest.mark.parametrize(("probe_id", "tool", "_status", "_finding"), TOOLS)
def test_misbehaving_tool_is_reported_never_ok_never_a_crash(
    pyo3_project, staged_path, probe_id, tool, _status, _finding, script
):
    without = ("python",) if tool == "python3" else ()
    report = run(
        pyo3_project(),
        ("project", probe_id),
        timeout=1.5,
        PATH=staged_path(without=without, extra={tool: script}),
    )
    got = result(report, probe_id)
    assert got.status is not Status.CRASH, got.error
    assert got.seconds < 10  # a hanging tool is cut at the deadline, with its process group
    if not (tool == "cc" and script is GARBAGE):  # a linker's --version text is not judged
        assert got.status is not Status.OK, got.summary
