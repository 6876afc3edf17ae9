"""Every registered format renders one hand-built report in-process: what each must keep,
and what none may let through (escape sequences, markup read as markup)."""

from __future__ import annotations

import io
import json

import jsonschema
import pytest
from support import REPO

from pyo3_doctor import render
from pyo3_doctor.model import (
    Applicability,
    Evidence,
    Finding,
    FixStep,
    ProbeResult,
    Report,
    Severity,
    Status,
    fail,
)

HOSTILE = "[bold]not bold[/] \x1b[31mred\x1b[0m \x1b]0;title\x07 \u202eevil"
SCHEMA = json.loads((REPO / "doctor" / "schema" / "report.schema.json").read_text())


def report() -> Report:
    probe = ProbeResult(
        "linker",
        Status.FAIL,
        f"linker `cc` not found {HOSTILE}",
        {"linker": "cc"},
        (Evidence(("cc", "--version"), None, HOSTILE, "not found"),),
        (fail("linker-missing"),),
        title="C linker",
    )
    finding = Finding(
        id="linker-missing",
        severity=Severity.FAIL,
        title="No C linker",
        why=f"rustc needs cc {HOSTILE}",
        source="probe:linker",
        evidence=(HOSTILE,),
        fixes=(
            FixStep("Install a C compiler", argv=("sudo", "apt-get", "install", "build-essential")),
            FixStep("Set it", env={"CC": "gcc"}, applicability=Applicability.MANUAL),
        ),
        docs=("https://example.org",),
        location="Cargo.toml:3:1",
        recheck=("linker",),
    )
    context = {
        "platform": {
            "system": "linux",
            "machine": "x86_64",
            "distro": None,
            "package_manager": "apt",
        },
        "interpreter": {"path": None, "version": None, "implementation": None, "source": None},
        "rust": {"rustc": None, "host": None, "cargo": None},
        "project": "/p",
    }
    return Report(context, (probe,), (finding,))


CASES = [(name, kind) for name in render.FORMATS for kind in render.kinds(name)]


@pytest.mark.parametrize(("name", "kind"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_each_format_renders_the_report_safely(name, kind):
    out = io.StringIO()
    render.write(name, report(), render.Options(kind=kind, log_file="build.log"), out)
    text = out.getvalue()
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "linker-missing" in text
    if name == "json":
        doc = json.loads(text)
        jsonschema.validate(doc, SCHEMA)
        assert doc["kind"] == kind and doc["probes"][0]["title"] == "C linker"
    elif name == "github":
        assert all(
            line.startswith(("::error ", "::warning ", "pyo3-doctor: "))
            for line in text.splitlines()
        )
    else:
        assert "[bold]not bold[/]" in text  # markup shown as written, not applied


def test_every_format_module_names_what_it_renders():
    for name in render.FORMATS:
        assert set(render.kinds(name)) <= {"check", "diagnose"}
