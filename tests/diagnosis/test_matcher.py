"""The log matcher: CI noise, ranking, context, block boundaries, odd input."""

from __future__ import annotations

import codecs
import io

import pytest

from pyo3_doctor.diagnosis.diagnose import matcher, scan_log
from pyo3_doctor.diagnosis.matcher import BLOCK, BinaryInput, Scan, normalise


def scan(data: bytes | str) -> Scan:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return scan_log(matcher(), io.BytesIO(raw))


def ids(result: Scan) -> list[str]:
    return [h.entry.id for h in result.hits]


@pytest.mark.parametrize(
    "line",
    [
        "\x1b[1m\x1b[31merror\x1b[0m\x1b[1m: linker `cc` not found\x1b[0m",
        "2024-01-01T00:00:00.0000000Z error: linker `cc` not found",
        "error: linker `cc` not found\r",
        "      │ error: linker `cc` not found",
        "  ╰─> error: linker `cc` not found",
        "cargo:warning=error: linker `cc` not found",
        "##[error]error: linker `cc` not found",
        "progress 10%\rprogress 99%\rerror: linker `cc` not found",
    ],
)
def test_ci_noise_is_removed(line):
    assert normalise(line) == "error: linker `cc` not found"
    result = scan(line + "\n")
    assert ids(result) == ["linker-missing"]
    assert result.hits[0].line == "error: linker `cc` not found"


def test_root_cause_beats_the_louder_later_lines():
    log = (
        "   Compiling proc-macro2 v1.0.86\n"
        "error: linker `cc` not found\n"
        "  |\n"
        "  = note: No such file or directory (os error 2)\n"
        "error: could not compile `proc-macro2` (build script) due to 1 previous error\n"
        "💥 maturin failed\n"
        "  Caused by: Failed to build a native library through cargo\n"
    )
    result = scan(log)
    assert ids(result) == ["linker-missing"]
    hit = result.hits[0]
    assert hit.line_no == 2
    assert [n for n, _ in hit.before] == [1] and [n for n, _ in hit.after] == [3, 4]


def test_several_causes_best_first_with_counts():
    log = (
        "ValueError: embedded null byte\n" * 3
        + "noise\n" * 10
        + "💥 maturin failed\n  Caused by: Couldn't find a virtualenv or conda environment, but"
        " you need one to use this command.\n"
    )
    result = scan(log)
    assert ids(result) == ["virtualenv-missing", "embedded-null-byte"]
    assert result.hits[1].count == 3 and result.hits[1].line_no == 1
    assert result.hits[0].line_no == 15


def test_equal_priority_goes_to_the_earliest_line():
    log = "RuntimeError: Already borrowed\nTypeError: No constructor defined for P\n"
    assert ids(scan(log)) == ["borrow-mut-error", "pyclass-no-constructor"]
    log = "TypeError: No constructor defined for P\nRuntimeError: Already borrowed\n"
    assert ids(scan(log)) == ["pyclass-no-constructor", "borrow-mut-error"]


def test_no_known_cause_keeps_the_first_error_lines():
    log = "ok\n" + "error[E0382]: use of moved value: `a`\n" * 10 + "npm ERR! code ERESOLVE\n"
    result = scan(log)
    assert result.hits == ()
    assert [n for n, _ in result.error_lines] == [2, 3, 4, 5, 6]


def test_hits_across_block_boundaries_keep_line_numbers_and_context():
    filler = b"x" * 99 + b"\n"
    lines = BLOCK // len(filler)
    pad = filler * lines + b"y" * (BLOCK - lines * len(filler) - 10)  # a line split by the block
    log = pad + b"\nbefore\nerror: linker `cc` not found\nafter one\nafter two\n"
    result = scan(log)
    hit = result.hits[0]
    assert hit.line_no == lines + 3
    assert [t for _, t in hit.before][-1] == "before"
    assert [t for _, t in hit.after] == ["after one", "after two"]
    assert result.lines == lines + 5


def test_message_on_the_line_after_caused_by_or_panicked_at():
    assert ids(scan("Caused by:\n  lock file version 4 requires `-Znext-lockfile-bump`")) == [
        "rustc-too-old"
    ]
    log = "thread '<unnamed>' panicked at src/x.rs:1:2:\nPython API call failed\n"
    assert ids(scan(log))[0] == "pyo3-bug"


def test_last_line_without_newline():
    assert ids(scan("x\nValueError: embedded null byte")) == ["embedded-null-byte"]


def test_huge_single_line_is_truncated_not_loaded():
    blob = b"a" * (3 * BLOCK + 123)
    result = scan(blob + b"\nerror: linker `cc` not found\n")
    assert ids(result) == ["linker-missing"]
    assert result.hits[0].line_no == 2
    assert result.truncated_lines == 1


def test_binary_and_undecodable_input_is_refused():
    with pytest.raises(BinaryInput):
        scan(b"\x7fELF\x02\x01\x01\x00\x00\x00")
    with pytest.raises(BinaryInput):
        scan(bytes(range(128, 256)) * 100)


def test_invalid_utf8_later_is_replaced_and_utf16_is_read():
    assert ids(scan(b"ok\n\xff\xfe bad\nValueError: embedded null byte\n")) == [
        "embedded-null-byte"
    ]
    utf16 = codecs.BOM_UTF16_LE + "error: linker `cc` not found\r\n".encode("utf-16-le")
    assert ids(scan(utf16)) == ["linker-missing"]


def test_empty_input():
    result = scan(b"")
    assert result.hits == () and result.lines == 0


@pytest.mark.parametrize(
    ("line", "entry_id"),
    [
        (
            "**the configured Python interpreter version (3.5) is lower than PyO3's "
            "minimum supported version (3.6)**",
            "python-version-too-old",
        ),
        (
            'the build failed with "your Rust target architecture (64-bit) does not match '
            'your python interpreter (32-bit)"',
            "arch-mismatch",
        ),
        (
            "Must provide PYO3_CROSS_LIB_DIR environment variable when cross-compiling",
            "cross-compile-config",
        ),
        (
            "> Your library is not manylinux compliant because it links the following "
            'forbidden libraries: ["libc.so.6"]',
            "manylinux-audit",
        ),
    ],
)
def test_tool_messages_quoted_in_prose_without_error_prefix(line, entry_id):
    assert ids(scan(f"Some prose first.\n{line}\nmore prose\n".encode())) == [entry_id]


def test_version_check_wrapped_before_its_number():
    text = (
        "error: the configured Python interpreter version (3.14) is newer than PyO3's "
        "maximum supported version\n      (3.13)\n"
    )
    assert ids(scan(text.encode())) == ["python-version-unsupported"]
