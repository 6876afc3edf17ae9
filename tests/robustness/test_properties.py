"""Property tests: the log matcher, the TOML reader and the text sanitiser on arbitrary input."""

from __future__ import annotations

import contextlib
import io
import re
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyo3_doctor.diagnosis.diagnose import matcher, scan_log
from pyo3_doctor.diagnosis.matcher import BinaryInput
from pyo3_doctor.system.tomlfile import TomlError, read_toml
from pyo3_doctor.textsafe import clean

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
# Log-shaped text: real needles and anchors among noise, escapes, CRs and long runs.
PIECES = st.sampled_from(
    [
        "error: linker `cc` not found",
        "error[E0425]: cannot find value",
        "Caused by:",
        "warning: unused",
        "\x1b[31m",
        "\x1b]0;title\x07",
        "\r",
        "\n",
        "\u202e",
        "x" * 70_000,
        "ImportError: dynamic module does not define module export function",
    ]
)
# NUL makes a log binary, which the first test covers; lone surrogates cannot be UTF-8 at all
# (invalid bytes are the first test's business)
NOISE = st.text(
    st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40
)
LOGS = st.lists(st.one_of(PIECES, NOISE), max_size=30).map("".join)


@FAST
@given(st.binary(max_size=4096))
def test_matcher_takes_any_bytes(data: bytes) -> None:
    try:
        scan = scan_log(matcher(), io.BytesIO(data))
    except BinaryInput:
        return
    assert scan.lines >= 0
    for hit in scan.hits:
        assert hit.line_no >= 1


@FAST
@given(LOGS)
def test_matcher_takes_any_log_text(text: str) -> None:
    data = text.encode("utf-8")
    scan = scan_log(matcher(), io.BytesIO(data))
    # a log with no LF but CRs (a terminal paste) has one line per CR
    ends = b"\n" if b"\n" in data[: 1 << 20] or b"\r" not in data[: 1 << 20] else b"\r"
    assert scan.lines <= data.count(ends) + 1
    assert all(1 <= h.line_no <= max(scan.lines, 1) for h in scan.hits)


def test_matcher_memory_stays_flat_on_a_large_log() -> None:
    """Peak memory over a 24 MB log stays near the block size, not the log size."""
    m = matcher()
    block = (
        b"   Compiling demo v0.1.0\nerror: linker `cc` not found\n" + b"x" * 200 + b"\n"
    ) * 1000

    class Stream:
        remaining = 100

        def read(self, size: int = -1) -> bytes:
            if self.remaining == 0:
                return b""
            self.remaining -= 1
            return block  # ~250 KB a read, 100 reads

    tracemalloc.start()
    try:
        scan = scan_log(m, Stream())  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert scan.hits and scan.hits[0].count > 1000
    assert peak < 16 * 1024 * 1024


@FAST
@given(st.binary(max_size=2048))
def test_read_toml_raises_only_toml_error(tmp_path_factory, data: bytes) -> None:
    path: Path = tmp_path_factory.mktemp("toml") / "pyproject.toml"
    path.write_bytes(data)
    try:
        assert isinstance(read_toml(path), dict)
    except TomlError as exc:
        assert exc.path == str(path) and exc.line >= 0 and exc.column >= 0


@FAST
@given(st.text(max_size=300).map(lambda s: "[tool]\n" + s))
def test_read_toml_on_toml_like_text(tmp_path_factory, text: str) -> None:
    path: Path = tmp_path_factory.mktemp("toml") / "Cargo.toml"
    path.write_bytes(text.encode("utf-8"))
    with contextlib.suppress(TomlError):
        read_toml(path)


@FAST
@given(st.text(max_size=500))
def test_clean_leaves_no_control_and_is_idempotent(text: str) -> None:
    out = clean(text)
    assert not UNSAFE.search(out), repr(out)
    assert "\x1b" not in out
    assert clean(out) == out


@FAST
@given(
    st.lists(
        st.sampled_from(
            [
                "\x1b[1;31m",
                "\x1b]8;;http://x\x07",
                "\x1b]0;t\x1b\\",
                "\x9b2J",
                "\u2067",
                "a",
                "\n",
                "\t",
                "\r",
            ]
        ),
        max_size=20,
    ).map("".join)
)
def test_clean_on_escape_soup(text: str) -> None:
    out = clean(text)
    assert not UNSAFE.search(out)
    assert clean(out) == out
