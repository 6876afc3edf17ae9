"""A small Rust lexer: just enough to find module entry points without being fooled.

Comments (line, doc, nested block), strings (normal, byte, C, raw with any number of `#`),
char literals and lifetimes are told apart here so that text inside them never looks like
code. Raw identifiers (`r#type`) come out as the plain name, as the compiler sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RAW_STRING = re.compile(r'(?:b|c)?r(#*)"')
_PREFIXED_STRING = re.compile(r'(?:b|c)"')
_NUMBER = re.compile(r"[0-9][0-9A-Za-z_.]*")


@dataclass(frozen=True)
class Token:
    """One Rust token, enough to find attributes, items and their names."""

    kind: str  # "ident" | "punct" | "string" | "char" | "lifetime" | "number"
    text: str  # identifier name, the punctuation character, or a string's contents
    line: int


def _string_end(src: str, start: int) -> int:
    """Index just past the closing quote of a normal string whose body starts at `start`."""
    i, n = start, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            return i + 1
        i += 1
    return n


def _block_comment_end(src: str, start: int) -> int:
    """Index past the `*/` closing the block comment opened at `start` (they nest)."""
    depth, i, n = 0, start, len(src)
    while i < n:
        if src.startswith("/*", i):
            depth += 1
            i += 2
        elif src.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


def tokenize(src: str) -> list[Token]:
    tokens: list[Token] = []
    i, n, line = 0, len(src), 1
    while i < n:
        ch = src[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch.isspace():
            i += 1
        elif src.startswith("//", i):
            end = src.find("\n", i)
            i = n if end < 0 else end
        elif src.startswith("/*", i):
            end = _block_comment_end(src, i)
            line += src.count("\n", i, end)
            i = end
        elif (raw := _RAW_STRING.match(src, i)) is not None:
            closing = '"' + raw.group(1)
            body = raw.end()
            end = src.find(closing, body)
            end = n if end < 0 else end
            tokens.append(Token("string", src[body:end], line))
            line += src.count("\n", i, end)
            i = min(n, end + len(closing))
        elif ch == '"' or (prefixed := _PREFIXED_STRING.match(src, i)) is not None:
            body = i + 1 if ch == '"' else prefixed.end()
            end = _string_end(src, body)
            tokens.append(Token("string", src[body : end - 1], line))
            line += src.count("\n", i, end)
            i = end
        elif src.startswith("r#", i) and (name := IDENT.match(src, i + 2)) is not None:
            tokens.append(Token("ident", name.group(0), line))  # raw identifier r#type
            i = name.end()
        elif ch == "'" or src.startswith("b'", i):
            i = _quote(src, i + (ch == "b"), line, tokens)
        elif (name := IDENT.match(src, i)) is not None:
            tokens.append(Token("ident", name.group(0), line))
            i = name.end()
        elif (num := _NUMBER.match(src, i)) is not None:
            tokens.append(Token("number", num.group(0), line))
            i = num.end()
        else:
            tokens.append(Token("punct", ch, line))
            i += 1
    return tokens


def _quote(src: str, i: int, line: int, tokens: list[Token]) -> int:
    """A char literal ('a', '\\n', '\\u{..}', b'x') or a lifetime ('a, 'static)."""
    n = len(src)
    if i + 1 < n and src[i + 1] == "\\":
        end = src.find("'", i + 3)  # '\'' has its quote at i+2 escaped: search past it
        end = n - 1 if end < 0 else end
        tokens.append(Token("char", src[i + 1 : end], line))
        return end + 1
    if i + 2 < n and src[i + 2] == "'":
        tokens.append(Token("char", src[i + 1], line))
        return i + 3
    name = IDENT.match(src, i + 1)
    if name is not None:
        tokens.append(Token("lifetime", name.group(0), line))
        return name.end()
    tokens.append(Token("punct", "'", line))
    return i + 1


def matching(toks: list[Token], open_at: int) -> int:
    pairs = {"(": ")", "[": "]", "{": "}"}
    opener = toks[open_at].text
    closer, depth = pairs[opener], 0
    for k in range(open_at, len(toks)):
        text = toks[k].text if toks[k].kind == "punct" else ""
        if text == opener:
            depth += 1
        elif text == closer:
            depth -= 1
            if depth == 0:
                return k
    return len(toks) - 1


def item_end(toks: list[Token], j: int, end: int) -> int:
    """Past the item: its `;` or its (first top-level) braced body."""
    k = j
    while k < end:
        tok = toks[k]
        if tok.kind == "punct":
            if tok.text == ";":
                return k + 1
            if tok.text in "([":
                k = matching(toks, k) + 1
                continue
            if tok.text == "{":
                return matching(toks, k) + 1
        k += 1
    return end
