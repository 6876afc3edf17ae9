"""Real error texts: the labelled corpus, and per-entry positive samples and near misses."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from pyo3_doctor.diagnosis.anchors import ANCHORS
from pyo3_doctor.diagnosis.diagnose import root_causes
from pyo3_doctor.engine import knowledge_base
from pyo3_doctor.system.tomlfile import parse_toml

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ENTRIES = [json.loads(line) for line in (CORPUS / "errors.jsonl").read_text("utf-8").splitlines()]
SAMPLES = parse_toml((CORPUS / "samples.toml").read_text("utf-8"))

# Labelled differently from what the text alone can show: the warning is maturin's PyInit
# warning, which pyo3-doctor attributes to maturin-spurious-warning; the thread resolved it by
# installing the maturin version the project expects. Kept visible rather than tuned away.
DISAGREE = {"rust-circuit-1-pyinit-warning-maturin-version"}


def top(text: str) -> str:
    found = root_causes(io.BytesIO(text.encode("utf-8")))
    return found[0].entry.id if found else "none"


def found(text: str) -> set[str]:
    return {c.entry.id for c in root_causes(io.BytesIO(text.encode("utf-8")))}


@pytest.mark.parametrize("case", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_corpus_top_finding_is_the_labelled_cause(case):
    if case["id"] in DISAGREE:
        pytest.xfail("label and text disagree; see DISAGREE")
    assert top(case["text"]) == case["category"]


def test_corpus_accuracy_overall():
    right = sum(top(c["text"]) == c["category"] for c in ENTRIES)
    assert right / len(ENTRIES) >= 0.95


POSITIVE = [(i, t) for i, d in SAMPLES.items() for t in d.get("positive", [])]
NEGATIVE = [(i, t) for i, d in SAMPLES.items() for t in d.get("negative", [])]


@pytest.mark.parametrize(("entry_id", "text"), POSITIVE, ids=[i for i, _ in POSITIVE])
def test_positive_sample(entry_id, text):
    assert top(text) == entry_id


@pytest.mark.parametrize(("entry_id", "text"), NEGATIVE, ids=[i for i, _ in NEGATIVE])
def test_near_miss_does_not_match(entry_id, text):
    assert entry_id not in found(text)


def test_every_entry_with_patterns_has_samples():
    # an entry that needs the project's facts to match is tested where a project is
    # (test_diagnose_cli.py), since root_causes asks this machine nothing
    with_patterns = {e.id for e in knowledge_base().values() if e.patterns and not e.project_match}
    labelled = {c["category"] for c in ENTRIES}
    missing = with_patterns - set(SAMPLES) - labelled
    assert not missing, sorted(missing)


def test_anchors_stay_few():
    # each anchor is one memchr pass over a small log (a big one goes to grep as one regex)
    assert len(ANCHORS) <= 80
