"""Held-out style evaluation: real texts collected apart from the shipped corpus and samples.

tests/corpus/fresh.jsonl has the same fields as errors.jsonl. Nothing in the knowledge base
was written from these texts' incidental words; they measure how the entries generalise. The
misses are printed (pytest -s, or on failure) so a reader sees what still fails and why.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from doctor.diagnose import matcher

FRESH = Path(__file__).resolve().parent.parent / "corpus" / "fresh.jsonl"
CASES = [json.loads(line) for line in FRESH.read_text("utf-8").splitlines() if line.strip()]
POSITIVE = [c for c in CASES if c["category"] != "none"]
NEAR_MISSES = [c for c in CASES if c["category"] == "none"]


def found(text: str) -> list[str]:
    scan = matcher().scan(io.BytesIO(text.encode("utf-8")))
    return [h.entry.id for h in scan.hits]


def report() -> tuple[float, float, list[str]]:
    misses = []
    right = 0
    for case in POSITIVE:
        ids = found(case["text"])
        if ids[:1] == [case["category"]]:
            right += 1
        else:
            misses.append(f"{case['id']}: want {case['category']}, got {ids or 'nothing'}")
    hit = 0
    for case in NEAR_MISSES:
        ids = found(case["text"])
        if ids:
            hit += 1
            misses.append(f"{case['id']}: near miss, got {ids}")
    return right / len(POSITIVE), hit / len(NEAR_MISSES), misses


def test_fresh_corpus_is_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    for case in CASES:
        assert set(case) == {"id", "source", "category", "text", "fix"}, case["id"]
        assert case["text"].strip() and case["source"].strip(), case["id"]


def test_fresh_corpus_accuracy():
    top1, near_miss_rate, misses = report()
    print(f"\nfresh corpus: top-1 {top1:.1%} of {len(POSITIVE)}, ", end="")
    print(f"near misses with a finding {near_miss_rate:.1%} of {len(NEAR_MISSES)}")
    for line in misses:
        print("  miss:", line)
    assert top1 >= 0.85, misses
    assert near_miss_rate <= 0.10, misses
