"""Every tool-backed probe in each state a tool can be in: ok, missing, unparsable, hanging."""

from __future__ import annotations

import pytest
from helpers import ids, result, run

from doctor.model import Status

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


@pytest.mark.parametrize(("probe_id", "tool", "_status", "_finding"), TOOLS)
def test_hanging_tool_is_cut_at_the_deadline(
    pyo3_project, staged_path, probe_id, tool, _status, _finding
):
    without = ("python",) if tool == "python3" else ()
    report = run(
        pyo3_project(),
        ("project", probe_id),
        timeout=1.5,
        PATH=staged_path(without=without, extra={tool: HANG}),
    )
    got = result(report, probe_id)
    # the runner reports the deadline, or the probe reports its killed tool; never ok
    assert got.status in (Status.TIMEOUT, Status.FAIL, Status.WARN), got.summary
    assert got.seconds < 10


@pytest.mark.parametrize(("probe_id", "tool", "_status", "_finding"), TOOLS)
def test_tool_printing_garbage_is_reported_not_crashed(
    pyo3_project, staged_path, probe_id, tool, _status, _finding
):
    without = ("python",) if tool == "python3" else ()
    report = run(
        pyo3_project(),
        ("project", probe_id),
        PATH=staged_path(without=without, extra={tool: GARBAGE}),
    )
    got = result(report, probe_id)
    assert got.status is not Status.CRASH, got.error
    if tool != "cc":  # a linker's --version text is not judged, only that it runs
        assert got.status is not Status.OK, got.summary
