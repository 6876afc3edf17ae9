"""Token-level reading of items for the entry-point scanner: macro calls and submodules."""

from __future__ import annotations

from pyo3_doctor.project.rust.lex import Token, matching


def wrapped_modules(toks: list[Token]) -> set[str]:
    """`x` of every `wrap_pymodule!(path::x)` in a file, wherever it is written."""
    found = set()
    for k in range(len(toks) - 3):
        if toks[k].text == "wrap_pymodule" and toks[k + 1].text == "!":
            opener = toks[k + 2]
            close = (
                matching(toks, k + 2)
                if opener.kind == "punct" and opener.text in ("(", "[", "{")
                else k + 2
            )
            idents = [t.text for t in toks[k + 3 : close] if t.kind == "ident"]
            if idents:
                found.add(idents[-1])
    return found


def macro_name(toks: list[Token], j: int, end: int) -> str:
    """The macro an item calls (`foo!`, `pyo3::create_exception!`), or ""."""
    k = j
    while k + 3 < end and toks[k].kind == "ident" and toks[k + 1].text == ":" == toks[k + 2].text:
        k += 3
    if k + 1 < end and toks[k].kind == "ident" and toks[k + 1].text == "!":
        return toks[k].text
    return ""


def macro_body(toks: list[Token], j: int, end: int) -> int:
    """Index just past the `!` of the macro call starting at toks[j]."""
    k = j
    while k < end and toks[k].text != "!":
        k += 1
    return k + 1
