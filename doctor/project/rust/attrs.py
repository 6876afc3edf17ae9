"""Rust attributes for the entry-point scanner: their parts, `name = "..."`, and cfg logic."""

from __future__ import annotations

from dataclasses import dataclass

from pyo3_doctor.project.rust.lex import Token

# cfg names that are never set in a build maturin makes of the library.
FALSE_CFGS = {"false", "FALSE", "test", "miri", "doc", "doctest"}


def cfg_value(tokens: list[Token]) -> bool | None:
    """Evaluate a cfg predicate: True, False, or None when it depends on the build."""
    pos = 0

    def pred() -> bool | None:
        nonlocal pos
        tok = tokens[pos] if pos < len(tokens) else None
        if tok is None:
            return None
        pos += 1
        if tok.kind != "ident":
            return None
        if pos < len(tokens) and tokens[pos].text == "(":
            pos += 1
            args: list[bool | None] = []
            while pos < len(tokens) and tokens[pos].text != ")":
                if tokens[pos].text == ",":
                    pos += 1
                    continue
                args.append(pred())
            pos += 1
            if tok.text == "any":
                return True if True in args else (False if all(a is False for a in args) else None)
            if tok.text == "all":
                return False if False in args else (True if all(args) else None)
            if tok.text == "not" and len(args) == 1:
                return None if args[0] is None else not args[0]
            return None
        if pos < len(tokens) and tokens[pos].text == "=":
            pos += 2  # key = "value": depends on the target or features
            return None
        if tok.text == "true":
            return True
        return False if tok.text in FALSE_CFGS else None

    return pred()


@dataclass
class Attr:
    """One `#[...]` attribute: its name, its arguments and where it is written."""

    name: str  # last path segment: "pymodule", "pyo3", "cfg", "no_mangle", "path", ...
    args: list[Token]  # inside the parentheses, or after `=`
    line: int
    end_line: int
    text: str


def parse_attr(toks: list[Token], first: int, last: int, src_lines: list[str]) -> Attr:
    """`toks` is what sits between `#[` and `]`."""
    path, i = [], 0
    while i < len(toks) and (toks[i].kind == "ident" or toks[i].text == ":"):
        if toks[i].kind == "ident":
            path.append(toks[i].text)
        i += 1
    args = toks[i + 1 : -1] if i < len(toks) and toks[i].text == "(" else toks[i + 1 :]
    if path == ["unsafe"] and args:  # #[unsafe(no_mangle)], #[unsafe(export_name = "..")]
        return parse_attr(args, first, last, src_lines)
    text = src_lines[first - 1].strip() if first == last and first <= len(src_lines) else ""
    return Attr(path[-1] if path else "", args, first, last, text)


def split_commas(tokens: list[Token]) -> list[list[Token]]:
    """Split at the commas outside any brackets: `cfg_attr(pred, a, b(c, d))` args."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.kind == "punct" and tok.text in "([{":
            depth += 1
        elif tok.kind == "punct" and tok.text in ")]}":
            depth -= 1
        if depth == 0 and tok.kind == "punct" and tok.text == ",":
            parts.append([])
            continue
        parts[-1].append(tok)
    return [part for part in parts if part]


def expand_cfg_attr(attr: Attr, src_lines: list[str]) -> list[Attr]:
    """The attributes `#[cfg_attr(pred, a, b)]` may apply: none when pred is never true.

    Crates that build for Rust users too write `#[cfg_attr(feature = "python", pymodule)]`;
    a feature's value is unknown here, so its attributes count as present.
    """
    parts = split_commas(attr.args)
    if len(parts) < 2 or cfg_value(parts[0]) is False:
        return []
    found = []
    for part in parts[1:]:
        inner = parse_attr(part, attr.line, attr.end_line, src_lines)
        found += expand_cfg_attr(inner, src_lines) if inner.name == "cfg_attr" else [inner]
    return found


def name_arg(args: list[Token]) -> tuple[str, int] | None:
    for i in range(len(args) - 2):
        if args[i].text == "name" and args[i + 1].text == "=" and args[i + 2].kind == "string":
            return args[i + 2].text, args[i + 2].line
    return None


def has_flag(args: list[Token], flag: str) -> bool:
    return any(t.kind == "ident" and t.text == flag for t in args)
