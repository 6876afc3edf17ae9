"""Cargo's reading of a dependency's version requirement (`"0.27"`, `">=0.20, <0.30"`).

Cargo parses every requirement with the semver crate's `VersionReq` before it resolves
anything, and refuses the whole manifest when one does not parse ("failed to parse the
version requirement `0.2x` for dependency `pyo3`"). This follows that parser (semver's
src/parse.rs) and says what it says, so a requirement cargo rejects is never read as a
version here.
"""

from __future__ import annotations

MAJOR, MINOR, PATCH = "major version number", "minor version number", "patch version number"
PRE, BUILD = "pre-release identifier", "build metadata"
MAX_COMPARATORS = 32
U64_MAX = 2**64 - 1
_OPS = ("=", ">=", ">", "<=", "<", "~", "^")  # two-character ones before their prefixes


class _Refused(Exception):
    """semver's error, with its message."""


def requirement_error(text: str) -> str | None:
    """None when cargo reads `text` as a version requirement, else semver's message."""
    text = text.lstrip(" ")
    wild = _wildcard(text)
    if wild is not None:
        rest = wild[1].lstrip(" ")
        if not rest:
            return None
        if rest.startswith(","):
            return _only_wildcard(wild[0])
        return "unexpected character after wildcard in version req"
    try:
        _version_req(text)
    except _Refused as exc:
        return str(exc)
    return None


def _only_wildcard(char: str) -> str:
    return f"wildcard req ({char}) must be the only comparator in the version req"


def _version_req(text: str) -> None:
    """Comparators separated by commas, as semver's version_req reads them."""
    for depth in range(MAX_COMPARATORS):
        try:
            position, rest = _comparator(text)
        except _Refused:
            wild = _wildcard(text)
            if wild is not None:
                after = wild[1].lstrip(" ")
                if not after or after.startswith(","):
                    raise _Refused(_only_wildcard(wild[0])) from None
            raise
        if not rest:
            return
        if not rest.startswith(","):
            raise _Refused(f"expected comma after {position}, found {_quoted(rest[0])}")
        if depth + 1 == MAX_COMPARATORS:
            raise _Refused("excessive number of version comparators")
        text = rest[1:].lstrip(" ")


def _comparator(text: str) -> tuple[str, str]:
    """(the position reached, the text after it) of one comparator: an operator, then
    major[.minor[.patch[-pre][+build]]] with `*`, `x` or `X` for minor or patch."""
    op = next((o for o in _OPS if text.startswith(o)), "")
    text = text[len(op) :].lstrip(" ")
    position = MAJOR
    _, text = _number(text, position)
    wildcard_minor = False
    patch = False
    if text.startswith("."):
        position, text = MINOR, text[1:]
        wild = _wildcard(text)
        if wild is not None:
            wildcard_minor, text = True, wild[1]
        else:
            _, text = _number(text, position)
    if text.startswith("."):
        position, text = PATCH, text[1:]
        wild = _wildcard(text)
        if wild is not None:
            text = wild[1]
        elif wildcard_minor:
            raise _Refused("unexpected character after wildcard in version req")
        else:
            _, text = _number(text, position)
            patch = True
    for mark, where in (("-", PRE), ("+", BUILD)):
        if patch and text.startswith(mark):
            position = where
            ident, text = _identifier(text[1:], where)
            if not ident:
                raise _Refused(f"empty identifier segment in {where}")
    return position, text.lstrip(" ")


def _number(text: str, position: str) -> tuple[int, str]:
    """A numeric identifier: ASCII digits, no leading zero, within u64."""
    length, value = 0, 0
    while length < len(text) and "0" <= text[length] <= "9":
        if value == 0 and length > 0:
            raise _Refused(f"invalid leading zero in {position}")
        value = value * 10 + int(text[length])
        if value > U64_MAX:
            raise _Refused(f"value of {position} exceeds u64::MAX")
        length += 1
    if length:
        return value, text[length:]
    if text:
        raise _Refused(f"unexpected character {_quoted(text[0])} while parsing {position}")
    raise _Refused(f"unexpected end of input while parsing {position}")


def _identifier(text: str, position: str) -> tuple[str, str]:
    """Dot-separated segments of ASCII letters, digits and `-` (pre-release or build)."""
    taken, segment, letters = 0, 0, False
    while True:
        index = taken + segment
        char = text[index] if index < len(text) else ""
        if char and (("a" <= char.lower() <= "z") or char == "-"):
            segment, letters = segment + 1, True
        elif char and "0" <= char <= "9":
            segment += 1
        else:
            if segment == 0:
                if taken == 0 and char != ".":
                    return "", text
                raise _Refused(f"empty identifier segment in {position}")
            numeric_zero = not letters and segment > 1 and text[taken:].startswith("0")
            if position == PRE and numeric_zero:
                raise _Refused(f"invalid leading zero in {position}")
            taken += segment
            if char != ".":
                return text[:taken], text[taken:]
            taken, segment, letters = taken + 1, 0, False


def _wildcard(text: str) -> tuple[str, str] | None:
    return (text[0], text[1:]) if text[:1] in ("*", "x", "X") else None


def _quoted(char: str) -> str:
    """A character as Rust's `{:?}` prints it ('x'; '\\'' for a quote)."""
    escapes = {"'": "\\'", "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}
    return f"'{escapes.get(char, char)}'"
