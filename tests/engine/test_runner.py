"""The runner: concurrency, deadlines, crashes, order."""

from __future__ import annotations

import sys
import threading
import time
from types import SimpleNamespace

import pytest

from pyo3_doctor.context import Context
from pyo3_doctor.engine import build_report, run_probes
from pyo3_doctor.model import ProbeResult, Status
from pyo3_doctor.system.proc import feed, prestart, run_tool, stream_tool


def fake(probe_id: str, body):
    return SimpleNamespace(ID=probe_id, TITLE=probe_id, FACTS=(), probe=body)


def ctx(timeout: float = 10.0) -> Context:
    return Context.from_process(timeout=timeout)


def test_a_crashing_probe_is_reported_and_the_others_go_on():
    def boom(_ctx):
        raise ValueError("unexpected shape")

    ok = fake("fine", lambda c: ProbeResult("fine", Status.OK, "all good"))
    results = {r.probe: r for r in run_probes([fake("boom", boom), ok], ctx())}
    assert results["fine"].status is Status.OK
    crashed = results["boom"]
    assert crashed.status is Status.CRASH
    assert "ValueError: unexpected shape" in crashed.summary
    assert "Traceback" in (crashed.error or "")
    assert [d.id for d in crashed.detected] == ["probe-crash"]


def test_cancelled_runs_stop_waiting_for_a_probe_that_hangs():
    # the TUI quitting: its worker must not hold the exit until a hung probe's deadline
    release, finished = threading.Event(), threading.Event()

    def hangs(_c):
        release.wait(30)
        finished.set()
        return ProbeResult("hangs", Status.OK, "too late")

    cancelled = threading.Event()
    quick = fake("quick", lambda c: ProbeResult("quick", Status.OK, "done"))
    seen = []
    for result in run_probes([fake("hangs", hangs), quick], ctx(timeout=60), cancelled):
        seen.append(result.probe)
        cancelled.set()
    assert seen == ["quick"]
    assert not finished.is_set(), "the run waited for the hung probe"
    release.set()


def test_a_hanging_tool_is_cut_at_the_deadline_and_killed_with_its_group(tmp_path):
    marker = tmp_path / "survived"
    # The tool forks a grandchild that would outlive a plain kill of its parent.
    script = f"(sleep 3; touch {marker}) & sleep 30"

    def hangs(c):
        ran = run_tool(["sh", "-c", script], c.env)
        return ProbeResult("hangs", Status.OK, ran.note)

    quick = fake("quick", lambda c: ProbeResult("quick", Status.OK, "done"))
    started = time.monotonic()
    results = list(run_probes([fake("hangs", hangs), quick], ctx(timeout=1.0)))
    assert time.monotonic() - started < 5
    by_id = {r.probe: r for r in results}
    assert by_id["quick"].status is Status.OK
    assert by_id["hangs"].status is Status.TIMEOUT
    assert "1s" in by_id["hangs"].summary
    assert [d.id for d in by_id["hangs"].detected] == ["probe-timeout"]
    time.sleep(3.5)
    assert not marker.exists(), "the hanging tool's process group survived its deadline"


def test_probes_run_concurrently():
    def slow(name):
        def body(_c):
            time.sleep(0.5)
            return ProbeResult(name, Status.OK, "slept")

        return fake(name, body)

    started = time.monotonic()
    results = list(run_probes([slow(f"p{i}") for i in range(6)], ctx()))
    assert len(results) == 6
    assert time.monotonic() - started < 2.0


def test_report_lists_probes_in_registry_order_and_fail_findings_first():
    from pyo3_doctor.probes import ALL

    c = ctx(timeout=30)
    results = list(run_probes(ALL, c))
    report = build_report(list(reversed(results)), c)
    assert [r.probe for r in report.probes] == [p.ID for p in ALL]
    severities = [f.severity.value for f in report.findings]
    assert severities == sorted(severities)  # "fail" sorts before "warn"


def test_a_tool_whose_reader_is_interrupted_is_killed_with_its_group(tmp_path):
    # Ctrl-C arrives while a fix command streams its output: the tool runs in its own
    # session, so nothing but pyo3-doctor can stop it.
    marker = tmp_path / "survived"
    script = f"echo started; (sleep 2; touch {marker}) & sleep 30"

    def interrupted(_chunk: str) -> None:
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        stream_tool(["sh", "-c", script], ctx().env, interrupted)
    assert time.monotonic() - started < 5
    time.sleep(2.5)
    assert not marker.exists(), "the interrupted tool's process group survived"


@pytest.mark.parametrize("text", ["", "bench\n"])
def test_a_prestarted_tool_reads_what_it_is_fed_and_never_waits_for_more(text):
    env = ctx().env
    argv = [sys.executable, "-c", "import sys; print(repr(sys.stdin.read()))"]
    prestart(argv, env, feed=True)
    if text:
        feed(argv, env, None, text)
    started = time.monotonic()
    ran = run_tool(argv, env, timeout=5)  # not fed: collecting it closes its stdin
    assert time.monotonic() - started < 4
    assert (ran.exit_code, ran.output.strip()) == (0, repr(text))
