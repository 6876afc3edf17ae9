"""Neutralise untrusted text (tool output, logs, pastes, project files) before display.

Terminals obey ESC/CSI/OSC sequences and bidi controls; rich and Textual strip only a few
control characters and parse `[markup]` in plain strings. Everything shown to a person passes
through `clean()` and is then rendered as literal text (rich `Text`, Textual `markup=False`).
"""

from __future__ import annotations

import re

# DEL, C1 controls, and the Unicode bidi/formatting controls that can reorder what a line
# appears to say (CVE-2021-42574): a regex class body, also used by the JSON renderer.
INVISIBLE = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
# ... and the C0 controls but tab and newline.
# ... and lone surrogates: a file name that is not UTF-8 reaches Python as \udcXX
# (surrogateescape), which no UTF-8 output can write
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f{INVISIBLE}\ud800-\udfff]")
# A whole ANSI sequence (CSI ... final byte, OSC ... BEL/ST, or a two-byte ESC Fe) reads better
# removed than escaped; the log matcher removes the same ones before matching.
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def _show(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if code == 0x0D:
        return ""  # CRLF and progress-bar carriage returns
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """Colour sequences removed, every other control character made visible as an escape."""
    return _UNSAFE.sub(_show, ANSI.sub("", text))


def as_terminal_shows(text: str) -> str:
    """Line ends as a terminal shows them: CR-only text (what a terminal sends for a paste)
    has CR line ends; in LF text a CRLF ends a line, and a lone CR (a progress bar) returns to
    the line's start, so what is after the last one is what the line says."""
    if "\n" not in text:
        return text.replace("\r", "\n")
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(next((p for p in reversed(line.split("\r")) if p), "") for line in lines)


def clean_line(text: str) -> str:
    """As clean(), for places that must stay on one line."""
    return clean(text).replace("\n", " ").replace("\t", " ")
