"""The log fact rules (knowledge/facts.toml) on their producers' own wordings.

tests/corpus/facts.toml holds, per rule, lines as the producing program prints them with the
value the rule must read, and near misses that must state no fact of the rule's kind.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pyo3_doctor.diagnosis.diagnose import matcher, scan_log
from pyo3_doctor.kb.entries import fact_rules
from pyo3_doctor.kb.facts import Condition, conditions
from pyo3_doctor.system.tomlfile import parse_toml

SAMPLES = parse_toml((Path(__file__).parents[1] / "corpus" / "facts.toml").read_text("utf-8"))
SAYS = [(rule, text, value) for rule, d in SAMPLES.items() for text, value in d.get("says", [])]
NOT = [(rule, text) for rule, d in SAMPLES.items() for text in d.get("not", [])]


def facts_of(text: str) -> dict[str, list[str]]:
    scan = scan_log(matcher(), io.BytesIO(("noise\n" + text + "\nnoise\n").encode("utf-8")))
    return {kind: [f.value for f in found] for kind, found in scan.facts.items()}


def test_every_rule_has_samples_and_every_sample_a_rule():
    assert set(SAMPLES) == set(fact_rules())


@pytest.mark.parametrize(("rule", "text", "value"), SAYS, ids=[r for r, _, _ in SAYS])
def test_a_producer_line_states_its_fact(rule, text, value):
    kind = fact_rules()[rule].fact
    assert value in facts_of(text).get(kind, []), facts_of(text)


@pytest.mark.parametrize(("rule", "text"), NOT, ids=[r for r, _ in NOT])
def test_a_near_miss_states_no_such_fact(rule, text):
    kind = fact_rules()[rule].fact
    assert kind not in facts_of(text), facts_of(text)


def test_conditions_take_globs_and_exclusions():
    class F:
        def __init__(self, value: str) -> None:
            self.value = value

    [sys_crate] = conditions([{"build_script_failed": ["*-sys", "!pyo3-*"]}], "t")
    assert sys_crate.matches({"build_script_failed": [F("openssl-sys")]})
    assert sys_crate.matches({"build_script_failed": [F("pyo3-ffi")]}) is None
    both = Condition({"missing_program": ("cargo",), "link_target": ("test",)})
    assert both.matches({"missing_program": [F("cargo")]}) is None
