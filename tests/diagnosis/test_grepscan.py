"""The grep-assisted scan of large files gives exactly the pure-Python scan's answer."""

from __future__ import annotations

import io
import shutil

import pytest
from test_corpus import ENTRIES, NEGATIVE, POSITIVE
from test_fresh_corpus import CASES as FRESH
from test_fresh_corpus import WEAK

from pyo3_doctor.diagnosis.anchors import MIN_BYTES, start_grep
from pyo3_doctor.diagnosis.diagnose import matcher, scan_log
from pyo3_doctor.diagnosis.grepscan import BATCH, grep_scan
from pyo3_doctor.diagnosis.matcher import Scan
from pyo3_doctor.system import proc

pytestmark = pytest.mark.skipif(shutil.which("grep") is None, reason="no grep on PATH")

NOISE = "   Compiling serde v1.0.200\nwarning: unused variable: `x`\n"
TEXTS = (
    [c["text"] for c in ENTRIES]
    + [t for _, t in POSITIVE]
    + [t for _, t in NEGATIVE]
    + [c["text"] for c in FRESH + WEAK]
)


def shape(scan: Scan) -> tuple:
    hits = [
        (h.entry.id, h.line_no, h.line, h.groups, h.before, h.after, h.count) for h in scan.hits
    ]
    return hits, scan.error_lines


def both(tmp_path, data: bytes) -> tuple[Scan, Scan]:
    path = tmp_path / "build.log"
    path.write_bytes(data)
    m = matcher()
    with open(path, "rb") as fh:
        fast = grep_scan(m, fh, min_bytes=0)
    assert fast is not None
    return fast, scan_log(m, io.BytesIO(data))


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_same_answer_on_every_sample(tmp_path, index):
    # noise around the sample moves it off line 1 and gives it context on both sides
    data = (NOISE * 3 + TEXTS[index] + "\n" + NOISE * 2).encode("utf-8")
    fast, slow = both(tmp_path, data)
    assert shape(fast) == shape(slow)


def test_same_answer_with_crlf_long_lines_and_a_missing_final_newline(tmp_path):
    data = (
        "error: linker `cc` not found\r\n" + "x" * 50_000 + " error here\n"
        "💥 maturin failed\n  Caused by:\n"
        "Couldn't find a virtualenv or conda environment, but you need one to use this command"
    ).encode("utf-8")
    fast, slow = both(tmp_path, data)
    assert shape(fast) == shape(slow)
    assert {h.entry.id for h in fast.hits} == {"linker-missing", "virtualenv-missing"}


def test_lines_longer_than_the_match_limit_give_the_same_causes(tmp_path):
    data = ("x" * 300_000 + "\nerror: linker `cc` not found\n" + "y" * 300_000).encode()
    fast, slow = both(tmp_path, data)
    assert [(h.entry.id, h.line_no) for h in fast.hits] == [("linker-missing", 2)]
    assert [(h.entry.id, h.line_no) for h in slow.hits] == [("linker-missing", 2)]


def test_binary_file_is_refused_the_same_way(tmp_path):
    from pyo3_doctor.diagnosis.matcher import BinaryInput

    path = tmp_path / "core"
    path.write_bytes(b"\x7fELF\x00\x00" * 100)
    with open(path, "rb") as fh, pytest.raises(BinaryInput):
        grep_scan(matcher(), fh, min_bytes=0)


def test_small_files_and_streams_stay_in_python(tmp_path):
    path = tmp_path / "small.log"
    path.write_text("error: linker `cc` not found\n")
    with open(path, "rb") as fh:
        assert grep_scan(matcher(), fh) is None
    assert grep_scan(matcher(), io.BytesIO(b"error\n"), min_bytes=0) is None


def test_the_head_of_a_huge_line_is_matched(tmp_path):
    data = b"error: linker `cc` not found " + b"x" * (3 << 20) + b"\nok\n"
    fast, slow = both(tmp_path, data)
    assert [(h.entry.id, h.line_no) for h in fast.hits] == [("linker-missing", 1)]
    assert [(h.entry.id, h.line_no) for h in slow.hits] == [("linker-missing", 1)]


def test_same_answer_when_causes_sit_across_batches_of_listed_lines(tmp_path):
    # thousands of anchored lines without a needle, causes on both sides of a batch boundary
    lines = ["warning: unused variable: `x`"] * 5000
    lines[BATCH - 1] = "error: linker `cc` not found"
    lines[BATCH] = "  Caused by:"
    lines[BATCH + 1] = "Couldn't find a virtualenv or conda environment, but you need one"
    lines[-1] = "ImportError: dynamic module does not define module export function (PyInit_x)"
    fast, slow = both(tmp_path, "\n".join(lines).encode() + b"\n")
    assert shape(fast) == shape(slow)
    assert {h.entry.id for h in fast.hits} >= {"linker-missing", "virtualenv-missing"}


def big_log(tmp_path, data: bytes) -> str:
    path = tmp_path / "big.log"
    path.write_bytes(data * (MIN_BYTES // len(data) + 1))
    return str(path)


def prestarted(path: str) -> list:
    return [p for key, p in proc._prestarted.items() if key[0][-1] == path]


def test_a_grep_started_before_the_imports_is_the_one_read(tmp_path):
    path = big_log(tmp_path, b"   Compiling foo v0.1.0\nerror: linker `cc` not found\n")
    start_grep(path)
    assert len(prestarted(path)) == 1
    with open(path, "rb") as fh:
        scan = grep_scan(matcher(), fh)
    assert scan is not None and [h.entry.id for h in scan.hits] == ["linker-missing"]
    assert prestarted(path) == []


def test_a_grep_started_early_for_a_log_python_must_read_is_killed(tmp_path):
    path = big_log(tmp_path, "error: linker `cc` not found\n".encode("utf-16"))
    start_grep(path)
    [early] = prestarted(path)
    with open(path, "rb") as fh:
        assert grep_scan(matcher(), fh) is None  # UTF-16: transcoded in Python
    assert prestarted(path) == [] and early.poll() is not None
