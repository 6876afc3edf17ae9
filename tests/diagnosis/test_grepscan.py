"""The grep-assisted scan of big logs gives exactly the pure-Python scan's answer."""

from __future__ import annotations

import io
import os
import shutil
import threading

import pytest
from test_corpus import ENTRIES, NEGATIVE, POSITIVE
from test_fresh_corpus import CASES as FRESH
from test_fresh_corpus import WEAK

from pyo3_doctor.diagnosis import grepscan
from pyo3_doctor.diagnosis.diagnose import matcher
from pyo3_doctor.diagnosis.grepscan import BATCH, MIN_BYTES
from pyo3_doctor.diagnosis.matcher import Scan, Scanner

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
    first = scan.first_error
    error = (first.line_no, first.line, first.before, first.after) if first else None
    facts = {k: [(f.value, f.line_no) for f in v] for k, v in scan.facts.items()}
    return hits, scan.error_lines, error, facts, scan.lines, scan.truncated_lines


@pytest.fixture(params=["file", "pipe"])
def via(request):
    """grep reading a file itself (its listing has byte offsets, the context is read from the
    file), or the log piped through this process to grep (its listing has the context)."""
    return request.param


def both(tmp_path, data: bytes, via: str = "file") -> tuple[Scan, Scan]:
    m = matcher()
    if via == "pipe":
        read, write = os.pipe()

        def writer() -> None:
            with os.fdopen(write, "wb") as out:
                out.write(data)

        threading.Thread(target=writer, daemon=True).start()
        with os.fdopen(read, "rb") as fh:
            fast = grepscan.scan(m, fh, min_bytes=0)
    else:
        path = tmp_path / "build.log"
        path.write_bytes(data)
        with open(path, "rb") as fh:
            fast = grepscan.scan(m, fh, min_bytes=0)
    return fast, Scanner(m).run(io.BytesIO(data))


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_same_answer_on_every_sample(tmp_path, index):
    # noise around the sample moves it off line 1 and gives it context on both sides
    data = (NOISE * 3 + TEXTS[index] + "\n" + NOISE * 2).encode("utf-8")
    fast, slow = both(tmp_path, data)
    assert shape(fast) == shape(slow)


def test_same_answer_on_all_samples_in_one_log(tmp_path, via):
    data = "".join(NOISE * 2 + text + "\n" for text in TEXTS).encode("utf-8")
    fast, slow = both(tmp_path, data, via)
    assert shape(fast) == shape(slow)


def test_same_answer_with_crlf_long_lines_and_a_missing_final_newline(tmp_path, via):
    data = (
        "error: linker `cc` not found\r\n" + "x" * 50_000 + " error here\n"
        "💥 maturin failed\n  Caused by:\n"
        "Couldn't find a virtualenv or conda environment, but you need one to use this command"
    ).encode("utf-8")
    fast, slow = both(tmp_path, data, via)
    assert shape(fast) == shape(slow)
    assert {h.entry.id for h in fast.hits} == {"linker-missing", "virtualenv-missing"}


def test_lines_longer_than_the_match_limit_give_the_same_causes(tmp_path, via):
    data = ("x" * 300_000 + "\nerror: linker `cc` not found\n" + "y" * 300_000).encode()
    fast, slow = both(tmp_path, data, via)
    assert [(h.entry.id, h.line_no) for h in fast.hits] == [("linker-missing", 2)]
    assert [(h.entry.id, h.line_no) for h in slow.hits] == [("linker-missing", 2)]


def test_binary_file_is_refused_the_same_way(tmp_path):
    from pyo3_doctor.diagnosis.matcher import BinaryInput

    path = tmp_path / "core"
    path.write_bytes(b"\x7fELF\x00\x00" * 100)
    with open(path, "rb") as fh, pytest.raises(BinaryInput):
        grepscan.scan(matcher(), fh, min_bytes=0)


def test_the_head_of_a_huge_line_is_matched(tmp_path, via):
    data = b"error: linker `cc` not found " + b"x" * (3 << 20) + b"\nok\n"
    fast, slow = both(tmp_path, data, via)
    assert [(h.entry.id, h.line_no) for h in fast.hits] == [("linker-missing", 1)]
    assert [(h.entry.id, h.line_no) for h in slow.hits] == [("linker-missing", 1)]


def test_same_answer_when_causes_sit_across_batches_of_listed_lines(tmp_path, via):
    # thousands of anchored lines without a needle, causes on both sides of a batch boundary
    lines = ["warning: unused variable: `x`"] * 5000
    lines[BATCH - 1] = "error: linker `cc` not found"
    lines[BATCH] = "  Caused by:"
    lines[BATCH + 1] = "Couldn't find a virtualenv or conda environment, but you need one"
    lines[-1] = "ImportError: dynamic module does not define module export function (PyInit_x)"
    fast, slow = both(tmp_path, "\n".join(lines).encode() + b"\n", via)
    assert shape(fast) == shape(slow)
    assert {h.entry.id for h in fast.hits} >= {"linker-missing", "virtualenv-missing"}


def test_a_big_pipe_is_read_through_grep_like_a_file(tmp_path):
    data = b"   Compiling foo v0.1.0\n" * (MIN_BYTES // 24 + 10) + b"error: linker `cc` not found\n"
    read, write = os.pipe()

    def writer() -> None:
        with os.fdopen(write, "wb") as out:
            out.write(data)

    threading.Thread(target=writer, daemon=True).start()
    with os.fdopen(read, "rb") as fh:
        fast = grepscan.scan(matcher(), fh)
    slow = Scanner(matcher()).run(io.BytesIO(data))
    assert shape(fast) == shape(slow)
    assert [h.entry.id for h in fast.hits] == ["linker-missing"]


def test_utf16_is_transcoded_on_its_way_to_grep(tmp_path, via):
    text = "   Compiling foo v0.1.0\n" * 100 + "error: linker `cc` not found\n"
    fast, slow = both(tmp_path, text.encode("utf-16"), via)
    assert shape(fast) == shape(slow)
    assert [(h.entry.id, h.line_no) for h in fast.hits] == [("linker-missing", 101)]


@pytest.mark.parametrize("ends", ["\r", "\r\n"])
def test_carriage_return_line_ends_are_line_ends(tmp_path, ends, via):
    text = ends.join(["   Compiling foo v0.1.0", "error: linker `cc` not found", "done", ""])
    fast, slow = both(tmp_path, text.encode(), via)
    assert shape(fast) == shape(slow)
    assert [(h.entry.id, h.line_no) for h in fast.hits] == [("linker-missing", 2)]


def test_a_line_beyond_greps_memory_cap_falls_back_to_cut_lines(tmp_path):
    # grep reading the file itself runs under early.GREP_MEMORY: a longer line makes it fail
    # at once, and the log is read again through the cutting feeder, with the same answer
    from pyo3_doctor.diagnosis.early import GREP_MEMORY

    data = b"   Compiling foo v0.1.0\n" + b"x" * (GREP_MEMORY + (1 << 20)) + b"\n"
    data += b"error: linker `cc` not found\n"
    fast, _ = both(tmp_path, data)
    assert [(h.entry.id, h.line_no) for h in fast.hits] == [("linker-missing", 3)]
    assert fast.lines == 3


def test_early_grep_is_taken_only_for_the_same_file_and_arguments(tmp_path):
    from pyo3_doctor.diagnosis import early

    log = tmp_path / "build.log"
    log.write_bytes(
        b"   Compiling foo v0.1.0\n" * (MIN_BYTES // 24 + 10) + b"error: linker `cc` not found\n"
    )
    other = tmp_path / "other.log"
    other.write_bytes(log.read_bytes())
    grep = shutil.which("grep")
    argv = early.capped(grep, ("-n", "-b", "-a", "-E", "--", "linker"))
    fd = os.open(log, os.O_RDONLY)
    try:
        proc = grepscan.spawn(argv, early.c_locale(), stdin_fd=fd)
        info = os.fstat(fd)
        early._started[(info.st_dev, info.st_ino)] = (argv, proc)
        with open(other, "rb") as fh:
            assert early.take(fh.fileno(), argv) is None  # another file
        assert early.take(fd, (*argv[:-1], "cc")) is None  # other arguments: ended
        assert proc.poll() is not None
    finally:
        os.close(fd)
