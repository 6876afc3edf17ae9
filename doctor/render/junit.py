"""`--format junit`: a JUnit XML report, which CI systems (GitLab, Jenkins, Azure) show as tests.

The shape is the one CI systems agree on, Ant's JUnit schema (tests/data/junit.xsd checks it):
in a `check` each check is a test case: a failing one carries its findings as `<failure>` (the
title, why, the lines seen, the fix); a warning passes and its findings go to the suite's
`<system-out>` (`--strict` makes warnings fail, as the exit code does); a skipped check is
`<skipped>`; a crash or timeout is `<error>`. In a `diagnose` each cause found in the log is a
test case. Text is neutralised, and characters XML cannot hold are dropped; the host name is
not written (`localhost`), so a report can be shared.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import TextIO

from pyo3_doctor import __version__
from pyo3_doctor.about import TOOL
from pyo3_doctor.fixing.shell import fix_line
from pyo3_doctor.model import Finding, ProbeResult, Report, Severity, Status
from pyo3_doctor.render import Options
from pyo3_doctor.textsafe import clean

KINDS = ("check", "diagnose")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("", clean(value))


def _body(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(f"{f.id}: {f.title}")
        if f.why:
            lines.append(f"  why: {f.why}")
        lines += [f"  seen: {seen}" for seen in f.evidence[:6]]
        for step in f.fixes[:1]:
            command = fix_line(step, "")
            lines.append(
                f"  fix: {step.summary}" + (f": {command}" if command != step.summary else "")
            )
    return _text("\n".join(lines))


def _case(suite: ET.Element, name: str, classname: str, seconds: float) -> ET.Element:
    return ET.SubElement(
        suite, "testcase", name=_text(name), classname=classname, time=f"{seconds:.3f}"
    )


def _check_case(
    suite: ET.Element, result: ProbeResult, findings: list[Finding], strict: bool
) -> list[Finding]:
    """The check's test case; returns the findings that did not fail it (warnings)."""
    case = _case(suite, result.shown_title, f"{TOOL}.{result.probe}", result.seconds)
    failing = [f for f in findings if f.severity is Severity.FAIL or strict]
    if result.status in (Status.CRASH, Status.TIMEOUT):
        ET.SubElement(case, "error", message=_text(result.summary), type=result.status.value)
    elif failing:
        failure = ET.SubElement(case, "failure", message=_text(result.summary), type=failing[0].id)
        failure.text = _body(failing)
    elif result.status is Status.SKIP:
        ET.SubElement(case, "skipped", message=_text(result.summary))
    return [] if failing else findings


def to_xml(report: Report, options: Options, strict: bool = False) -> ET.Element:
    suites = ET.Element("testsuites")
    suite = ET.SubElement(
        suites,
        "testsuite",
        package=TOOL,
        id="0",
        name=f"{TOOL} {options.kind}",
        timestamp=datetime.now().strftime("%Y-%m-%dT%H:%M:%S"),
        hostname="localhost",
    )
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="pyo3-doctor.version", value=__version__)
    warnings: list[Finding] = []
    if options.kind == "diagnose":
        for f in report.findings:
            case = _case(suite, f"{f.id}: {f.title}", f"{TOOL}.log", 0.0)
            failure = ET.SubElement(case, "failure", message=_text(f.title), type=f.id)
            failure.text = _body([f])
        if not report.findings:
            _case(suite, "no known cause in the log", f"{TOOL}.log", 0.0)
    else:
        for result in report.probes:
            mine = [f for f in report.findings if f.source == f"probe:{result.probe}"]
            warnings += _check_case(suite, result, mine, strict)
    ET.SubElement(suite, "system-out").text = _body(warnings) if warnings else ""
    ET.SubElement(suite, "system-err").text = ""
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(c.find("failure") is not None for c in cases)))
    suite.set("errors", str(sum(c.find("error") is not None for c in cases)))
    suite.set("skipped", str(sum(c.find("skipped") is not None for c in cases)))
    suite.set("time", f"{sum(r.seconds for r in report.probes):.3f}")
    return suites


def write(report: Report, options: Options, out: TextIO) -> None:
    tree = to_xml(report, options, strict=options.strict)
    ET.indent(tree)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(tree, encoding="unicode") + "\n")
