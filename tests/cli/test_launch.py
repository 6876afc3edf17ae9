"""The console script's early start: its reading of the raw arguments never disagrees with
argparse's when it says a run probes, and a wrong guess changes nothing but a wasted start."""

from __future__ import annotations

import ast
import json

import pytest
from support import fresh_python, run_cli

from pyo3_doctor.cli.main import build_parser
from pyo3_doctor.engine import knowledge_base
from pyo3_doctor.launch import probing_run

CASES = [
    ([], True, None),
    (["--json"], True, None),
    (["check", "--strict", "-v"], True, None),
    (["check", "--python", "/opt/py/bin/python3"], True, "/opt/py/bin/python3"),
    (["--python=py3", "--format", "json"], True, "py3"),
    # diagnose runs its checks as under --no-exec: nothing starts early in the project
    (["diagnose", "build.log", "--json"], False, None),
    (["diagnose", "-", "--python", "python3.12"], False, "python3.12"),
    (["--project", "knowledge", "--timeout", "5"], True, None),  # a value, not the command
    (["diagnose", "--no-probes", "build.log"], False, None),
    (["knowledge", "linker-missing"], False, None),
    (["fix", "module-name-mismatch", "--yes"], False, None),
    (["--pyth", "python3.12"], False, None),  # argparse takes abbreviations; we do not guess
    (["--help"], False, None),
    (["--version"], False, None),
]


@pytest.mark.parametrize(("argv", "probes", "python"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_the_raw_arguments_say_whether_and_how_the_run_probes(argv, probes, python):
    assert probing_run(argv) == (probes, python)


@pytest.mark.parametrize(
    "argv", [c[0] for c in CASES if c[1]], ids=[" ".join(c[0]) for c in CASES if c[1]]
)
def test_argparse_agrees_whenever_the_early_reading_says_probe(argv):
    args = build_parser().parse_args(argv)
    assert args.command in (None, "check", "diagnose")
    assert not getattr(args, "no_probes", False)
    assert args.python == probing_run(argv)[1]


def test_an_abbreviated_python_option_still_picks_that_interpreter(tmp_path):
    # No early start (the reading declines), so the usual start picks what argparse parsed.
    report = run_cli("--json", "--pyth", "/no/such/python3", cwd=tmp_path, home=tmp_path)
    python = next(p for p in json.loads(report.stdout)["probes"] if p["id"] == "python")
    assert "/no/such/python3" in python["summary"], python


EARLY = """
import os, sys
before = set(sys.modules)
from pyo3_doctor.machine.prefetch import start_early
started = start_early(None, os.environ, os.getcwd())
print(sorted(set(sys.modules) - before))
"""


def test_the_first_tools_start_before_anything_heavy_is_imported(tmp_path):
    # Whatever Python itself loaded at start (a .pth hook may load much) is not counted.
    loaded = set(ast.literal_eval(fresh_python(EARLY, cwd=tmp_path).strip().splitlines()[-1]))
    own = {
        "pyo3_doctor",
        "pyo3_doctor.system",
        "pyo3_doctor.machine",
        "pyo3_doctor.machine.prefetch",
        "pyo3_doctor.system.proc",
        "pyo3_doctor.system.spawn",
        "pyo3_doctor.machine.target",
    }
    assert loaded - own == set(), "imported before the first tool starts"


@pytest.mark.parametrize("extra", [[], ["--redact"]])
def test_the_exit_without_teardown_loses_no_output(extra, tmp_path):
    # --redact holds back an unfinished line until the end; the exit must not drop it.
    ran = run_cli("knowledge", "--json", *extra, cwd=tmp_path, timeout=60)
    assert (ran.returncode, ran.stderr) == (0, "")
    assert len(json.loads(ran.stdout)) == len(knowledge_base())
    assert ran.stdout.endswith("]\n")
