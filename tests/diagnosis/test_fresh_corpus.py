"""Held-out style evaluation: real texts collected apart from the shipped corpus and samples.

tests/corpus/fresh.jsonl has the same fields as errors.jsonl. Nothing in the knowledge base
was written from these texts' incidental words; they measure how the entries generalise. The
misses are printed (pytest -s, or on failure) so a reader sees what still fails and why.

tests/corpus/fresh-weak.jsonl was collected later, aimed at the ids with the fewest texts. It
scored 39.4% top-1 when first run; two entries then learned a tool wording they had missed
(maturin's "is not a valid python interpreter", an import asking for Rust's libstd), so it is
development data now, and its floor only guards against going back.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from pyo3_doctor.diagnosis.diagnose import root_causes
from pyo3_doctor.engine import knowledge_base

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def cases(name: str) -> list[dict]:
    text = (CORPUS / name).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


CASES = cases("fresh.jsonl")
WEAK = cases("fresh-weak.jsonl")


def found(text: str) -> list[str]:
    return [c.entry.id for c in root_causes(io.BytesIO(text.encode("utf-8")))]


def report(collected: list[dict]) -> tuple[float, float, list[str]]:
    positive = [c for c in collected if c["category"] != "none"]
    near_misses = [c for c in collected if c["category"] == "none"]
    misses = []
    right = 0
    for case in positive:
        ids = found(case["text"])
        if ids[:1] == [case["category"]]:
            right += 1
        else:
            misses.append(f"{case['id']}: want {case['category']}, got {ids or 'nothing'}")
    hit = 0
    for case in near_misses:
        ids = found(case["text"])
        if ids:
            hit += 1
            misses.append(f"{case['id']}: near miss, got {ids}")
    return right / len(positive), hit / len(near_misses), misses


def test_fresh_corpora_are_well_formed_and_apart():
    ids = [c["id"] for c in CASES + WEAK]
    assert len(ids) == len(set(ids))
    for case in CASES + WEAK:
        assert set(case) == {"id", "source", "category", "text", "fix"}, case["id"]
        assert case["text"].strip() and case["source"].strip(), case["id"]
    assert not {c["source"] for c in CASES} & {c["source"] for c in WEAK}


def accuracy(name: str, collected: list[dict]) -> tuple[float, float, list[str]]:
    top1, near_miss_rate, misses = report(collected)
    positive = sum(c["category"] != "none" for c in collected)
    print(f"\n{name}: top-1 {top1:.1%} of {positive}, ", end="")
    print(f"near misses with a finding {near_miss_rate:.1%} of {len(collected) - positive}")
    for line in misses:
        print("  miss:", line)
    return top1, near_miss_rate, misses


def test_fresh_corpus_accuracy():
    top1, near_miss_rate, misses = accuracy("fresh corpus", CASES)
    assert top1 >= 0.85, misses
    assert near_miss_rate <= 0.10, misses


def test_weak_ids_batch_does_not_go_back():
    top1, near_miss_rate, misses = accuracy("weak-ids batch", WEAK)
    assert top1 >= 15 / 33, misses
    assert near_miss_rate <= 1 / 7, misses


# tests/corpus/public-dev.jsonl and public-heldout.jsonl: 185 texts from public issue threads
# (maturin, PyO3, setuptools-rust, uv, maturin-action and downstream projects), split at random
# (seed 2026, stratified by id). Held-out scored 58.1% (36/62) before any entry was written
# from the development half, and 59.7% after the development half reached 78.2%; it was then
# opened as development data too (the remaining misses named mechanisms: needles no anchor
# covered, producers' older wordings, prose forms). Floors only guard against going back.
PUBLIC_DEV = cases("public-dev.jsonl")
PUBLIC_HELDOUT = cases("public-heldout.jsonl")


def test_public_corpora_are_well_formed_and_apart():
    ids = [c["id"] for c in PUBLIC_DEV + PUBLIC_HELDOUT]
    assert len(ids) == len(set(ids))
    for case in PUBLIC_DEV + PUBLIC_HELDOUT:
        assert {"id", "source", "category", "text"} <= set(case), case["id"]
    known = set(knowledge_base()) | {"none"}
    assert {c["category"] for c in PUBLIC_DEV + PUBLIC_HELDOUT} <= known


def test_public_dev_does_not_go_back():
    top1, near_miss_rate, misses = accuracy("public dev", PUBLIC_DEV)
    assert top1 >= 0.85, misses
    assert near_miss_rate == 0, misses


def test_public_heldout_does_not_go_back():
    top1, near_miss_rate, misses = accuracy("public held-out (opened)", PUBLIC_HELDOUT)
    assert top1 >= 0.90, misses
    assert near_miss_rate == 0, misses
