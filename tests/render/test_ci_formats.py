"""The CI formats as their platforms read them: SARIF against the published 2.1.0 schema (shipped
in tests/data), JUnit as XML with the counts CI shows, GitHub annotations capped as GitHub caps
them and a job summary in $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import dataclasses
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
from test_renderers import report

from pyo3_doctor import render
from pyo3_doctor.model import Severity
from pyo3_doctor.render import github

SARIF_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text()
)


def rendered(name: str, rep=None, **options) -> str:
    out = io.StringIO()
    render.write(name, rep or report(), render.Options(**options), out)
    return out.getvalue()


def test_sarif_is_valid_2_1_0_and_anchored_with_stable_fingerprints():
    doc = json.loads(rendered("sarif"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)
    (result,) = doc["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "Cargo.toml"
    assert location["region"] == {"startLine": 3, "startColumn": 1}
    again = json.loads(rendered("sarif"))["runs"][0]["results"][0]
    assert again["partialFingerprints"] == result["partialFingerprints"]
    assert doc["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "linker-missing"


def test_sarif_of_a_diagnosed_log_points_at_the_log_line():
    rep = report()
    finding = dataclasses.replace(rep.findings[0], source="log:42", location=None)
    rep = dataclasses.replace(rep, findings=(finding,))
    doc = json.loads(rendered("sarif", rep, kind="diagnose", log_file="build.log"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)
    location = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "build.log"
    assert location["region"]["startLine"] == 42


def test_junit_is_valid_against_the_published_schema_for_check_and_diagnose():
    import xmlschema

    schema = xmlschema.XMLSchema(str(Path(__file__).resolve().parents[1] / "data" / "junit.xsd"))
    schema.validate(rendered("junit"))
    schema.validate(rendered("junit", kind="diagnose", log_file="build.log"))
    strict = rendered("junit", strict=True)
    schema.validate(strict)
    rep = report()
    warned = dataclasses.replace(rep.findings[0], severity=Severity.WARN)
    text = rendered("junit", dataclasses.replace(rep, findings=(warned,)))
    schema.validate(text)
    root = ET.fromstring(text)
    assert root.find("testsuite/testcase/failure") is None  # a warning passes
    assert "linker-missing" in (root.findtext("testsuite/system-out") or "")


def test_junit_has_one_case_per_check_and_the_failure_with_its_evidence():
    root = ET.fromstring(rendered("junit"))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "1" and suite.get("failures") == "1"
    failure = suite.find("testcase/failure")
    assert failure is not None and failure.get("type") == "linker-missing"
    assert "seen:" in (failure.text or "") and "fix: Install a C compiler" in (failure.text or "")


def test_github_annotations_are_capped_as_github_shows_them(tmp_path, monkeypatch):
    rep = report()
    many = tuple(dataclasses.replace(rep.findings[0], id=f"linker-missing-{i}") for i in range(30))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    text = rendered("github", dataclasses.replace(rep, findings=many))
    errors = [line for line in text.splitlines() if line.startswith("::error ")]
    assert len(errors) == github.PER_LEVEL
    assert "20 more not shown as annotations" in text
    written = summary.read_text()
    assert written.startswith("## pyo3-doctor") and "| C linker | fail |" in written
    assert "linker-missing-29" in written and "\x1b" not in written


def test_the_job_summary_keeps_a_projects_text_literal(tmp_path, monkeypatch):
    # a module name or a message cannot add a heading, a link, an image or close a code block
    rep = report()
    hostile = 'x\n\n## ✅ All checks passed\n\n<img src="https://attacker.example/x.png">[a](b)'
    finding = dataclasses.replace(rep.findings[0], title=hostile, why=hostile)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    rendered("github", dataclasses.replace(rep, findings=(finding,)))
    written = summary.read_text()
    assert "\n## ✅" not in written and "<img" not in written and "](b)" not in written
    assert "&lt;img" in written


GITLAB_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "gitlab-code-quality.schema.json").read_text()
)


def test_gitlab_code_quality_has_the_fields_gitlab_reads_anchored_as_sarif_is():
    doc = json.loads(rendered("gitlab"))
    jsonschema.Draft7Validator(GITLAB_SCHEMA).validate(doc)
    (issue,) = doc
    assert issue["check_name"] == "linker-missing" and issue["severity"] == "critical"
    assert issue["location"] == {"path": "Cargo.toml", "lines": {"begin": 3}}
    sarif = json.loads(rendered("sarif"))["runs"][0]["results"][0]
    assert issue["fingerprint"] == sarif["partialFingerprints"]["pyo3DoctorFinding/v1"]
    assert json.loads(rendered("gitlab")) == doc  # stable across runs
