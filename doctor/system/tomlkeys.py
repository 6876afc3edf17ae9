"""Where a key is written in a TOML file, to point at it the way cargo and maturin do.

A value can be wrong without the file failing to parse (a string where maturin wants a list,
a version requirement cargo cannot read); tomllib says nothing about where it was. This
scans the text line by line for table headers and `key = value` lines (dotted and quoted
keys, values spanning lines), enough to give the line and column of a key's value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def key_position(text: str, keys: Sequence[str]) -> tuple[int, int]:
    """(line, column), from 1, of the value of `keys` (a dotted path) in `text`; for a key
    that is not written, of the nearest table or key above it that is (the table a missing
    key belongs in), and (1, 1) when none is, as toml-rs reports a missing top-level key."""
    best, where = 0, (1, 1)
    for path, line, column, rest in _written(text):
        depth = len(path)
        if depth <= best or tuple(keys[:depth]) != path:
            continue
        best, where = depth, (line, column)
        if depth < len(keys) and rest:  # an inline table: look for the next keys in it
            found = _inline(rest, keys[depth:])
            if found:
                return line, column + found
    return where


def _written(text: str):
    """(path, line, column of the value, the value's text on that line) of every table
    header and key line, in file order."""
    table: tuple[str, ...] = ()
    open_string, depth = "", 0
    for number, line in enumerate(text.splitlines(), 1):
        if open_string:  # inside a multi-line string
            if open_string in line:
                open_string, depth = _scan(line[line.index(open_string) + 3 :], depth)
            continue
        if depth:  # inside an array spanning lines
            open_string, depth = _scan(line, depth)
            continue
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if stripped.startswith("["):
            inner = stripped[2:] if stripped.startswith("[[") else stripped[1:]
            keys, _ = _key(inner)
            if keys:
                table = tuple(keys)
                yield table, number, indent + 1, ""
            continue
        keys, after = _key(stripped)
        if not keys or not after.startswith("="):
            continue
        value = after[1:].lstrip()
        column = indent + len(stripped) - len(value) + 1
        yield (*table, *keys), number, column, value
        open_string, depth = _scan(value, 0)


def _key(text: str) -> tuple[list[str], str]:
    """A dotted key at the start of `text` and what follows it ([] when there is none)."""
    keys: list[str] = []
    rest = text.lstrip()
    while rest:
        if rest[0] in "\"'":
            end = _string_end(rest)
            if end < 0:
                return [], text
            keys.append(rest[1:end])
            rest = rest[end + 1 :].lstrip()
        else:
            bare = _BARE.match(rest)
            if bare is None:
                return [], text
            keys.append(bare.group(0))
            rest = rest[bare.end() :].lstrip()
        if not rest.startswith("."):
            return keys, rest
        rest = rest[1:].lstrip()
    return [], text


def _string_end(text: str) -> int:
    """The index of the quote closing the string `text` starts with (-1: not on the line)."""
    quote, index = text[0], 1
    while index < len(text):
        if quote == '"' and text[index] == "\\":
            index += 2
            continue
        if text[index] == quote:
            return index
        index += 1
    return -1


def _scan(value: str, depth: int) -> tuple[str, int]:
    """(the delimiter of a multi-line string left open, the bracket depth) after `value`."""
    index = 0
    while index < len(value):
        char = value[index]
        if char == "#":
            break
        if value.startswith(('"""', "'''"), index):
            close = value.find(value[index : index + 3], index + 3)
            if close < 0:
                return value[index : index + 3], depth
            index = close + 3
            continue
        if char in "\"'":
            end = _string_end(value[index:])
            index = len(value) if end < 0 else index + end + 1
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(0, depth - 1)
        index += 1
    return "", depth


def _inline(value: str, keys: Sequence[str]) -> int:
    """The offset in `value` (an inline table) of the value of the deepest of `keys` written
    in it, one table inside the other (0: not even the first)."""
    offset = 0
    for key in keys:
        found = re.compile(rf"(?:^|[{{,\s]){re.escape(key)}\s*=\s*").search(value, offset)
        if found is None:
            break
        offset = found.end()
    return offset
