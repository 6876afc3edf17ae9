"""Where does the lib crate export its `PyInit_<name>`? Read from the sources, not built.

Starting at the lib target's root file, the scanner walks items, follows `mod x;` to `x.rs`,
`x/mod.rs` or a `#[path]`, and records every module entry point: `#[pymodule] fn`,
`#[pymodule] mod` (declarative; nested ones export nothing), the name set by
`#[pymodule(name = "...")]` or `#[pyo3(name = "...")]`, and hand-written
`#[no_mangle] extern "C" fn PyInit_x`. Items under a cfg that is false in every normal build
(`cfg(any())`, `cfg(FALSE)`, `cfg(test)`) are skipped. When nothing is found the result says
why it may be elsewhere (a macro, another crate) instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyo3_doctor.project.rust.attrs import (
    Attr,
    cfg_value,
    expand_cfg_attr,
    has_flag,
    name_arg,
    parse_attr,
)
from pyo3_doctor.project.rust.items import macro_body, macro_name, wrapped_modules
from pyo3_doctor.project.rust.lex import Token, item_end, matching, tokenize
from pyo3_doctor.system.files import read_text_bounded

MAX_FILES = 400  # a big crate is fine; a symlink loop or a vendored tree is not
MAX_BYTES = 1024 * 1024  # per file: the tokenizer is Python, and a generated file is no entry
TOTAL_BYTES = 8 * 1024 * 1024  # over every file read: a crate of thousands stays seconds
MAX_NESTING = 64  # modules in modules followed; deeper ones are not read (no real crate nests so)


@dataclass(frozen=True)
class EntryPoint:
    """An item that exports PyInit_<name>: a #[pymodule] or a hand-written extern fn."""

    name: str  # the module name: PyInit_<name>
    kind: str  # "fn" | "mod" | "extern"
    item: str  # "fn my_mod", "mod my_mod", "extern fn PyInit_x"
    file: Path
    line: int  # the item's name
    attr_line: int  # the #[pymodule] attribute (or the item for extern fns)
    attr_end_line: int
    attr_text: str  # the #[pymodule...] attribute as written, one line
    renamed: bool  # the name comes from name = "..."
    name_line: int = 0  # where name = "..." is written


@dataclass(frozen=True)
class Scan:
    """What scanning a crate's sources found: entry points and what could hide one."""

    root: Path
    entries: tuple[EntryPoint, ...]  # exporting entry points, source order
    nested: tuple[EntryPoint, ...]  # #[pymodule]s inside a declarative module: no PyInit_
    files: tuple[Path, ...]
    missing_mods: tuple[str, ...]  # `mod x;` whose file was not found
    macro_items: tuple[str, ...]  # item-level macro calls (`foo!{...}`) that may define one
    reexports: tuple[str, ...]  # `pub use other_crate::...` at the crate root
    # words (identifiers, strings) passed to item-level macro calls
    macro_words: frozenset[str] = frozenset()
    # local macro_rules whose body writes #[pymodule] or a PyInit_ function
    entry_macros: tuple[str, ...] = ()
    # Rust names given to wrap_pymodule!(...): modules added to another, not the top one
    wrapped: frozenset[str] = frozenset()

    @property
    def top_level(self) -> tuple[EntryPoint, ...]:
        """The entries no other module adds as a submodule (all of them if every one is)."""
        top = tuple(e for e in self.entries if e.item.split(" ")[-1] not in self.wrapped)
        return top or self.entries

    def may_define(self, name: str) -> str:
        """Why `name`'s entry point may exist without being seen here, or ""."""
        if self.missing_mods:
            return f"modules not found: {', '.join(self.missing_mods[:3])}"
        if "include!" in self.macro_items:
            return "include!() pulls in code that is not scanned"
        called = [m for m in self.entry_macros if f"{m}!" in self.macro_items]
        if called:
            return f"macro {called[0]}! writes #[pymodule] items"
        if name in self.macro_words or f"PyInit_{name}" in self.macro_words:
            return f"a macro call is given the name {name!r}"
        return ""

    @property
    def why_not_found(self) -> str:
        if self.entries:
            return ""
        parts = [f"no #[pymodule] or PyInit_ function in {len(self.files)} file(s)"]
        if self.reexports:
            parts.append(f"the crate re-exports {', '.join(self.reexports[:3])} (may hold it)")
        if self.macro_items:
            parts.append(f"macros may generate it: {', '.join(self.macro_items[:3])}")
        if self.missing_mods:
            parts.append(f"modules not found: {', '.join(self.missing_mods[:3])}")
        return "; ".join(parts)


class _Walker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.entries: list[EntryPoint] = []
        self.nested: list[EntryPoint] = []
        self.files: list[Path] = []
        self.missing: list[str] = []
        self.macros: list[str] = []
        self.reexports: list[str] = []
        self.macro_words: set[str] = set()
        self.entry_macros: list[str] = []
        self.wrapped: set[str] = set()
        self.depth = 0  # modules inside modules, inline or in files, on the way here
        self.read = 0  # bytes of source read so far

    def file(self, path: Path, mod_dir: Path, in_pymodule: bool) -> None:
        try:
            resolved = path.resolve()
            if resolved in self.files or len(self.files) >= MAX_FILES:
                return
            text = read_text_bounded(path, MAX_BYTES + 1)  # None: a FIFO, a device, ...
            if text is None or len(text) > MAX_BYTES or self.read + len(text) > TOTAL_BYTES:
                return
            self.read += len(text)
            src = text.removeprefix("\ufeff")  # rustc skips a byte-order mark
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop, on Python < 3.13
            return
        self.files.append(resolved)
        toks = tokenize(src)
        self.wrapped.update(wrapped_modules(toks))
        self.block(toks, 0, len(toks), path, src.splitlines(), mod_dir, in_pymodule)

    def block(
        self,
        toks: list[Token],
        i: int,
        end: int,
        path: Path,
        lines: list[str],
        mod_dir: Path,
        in_pymodule: bool,
    ) -> None:
        attrs: list[Attr] = []
        while i < end:
            tok = toks[i]
            if tok.text == "#" and i + 1 < end:
                inner = toks[i + 1].text == "!"
                start = i + 2 if inner else i + 1
                if start < end and toks[start].text == "[":
                    close = matching(toks, start)
                    inside = toks[start + 1 : close]
                    attr = parse_attr(inside, toks[i].line, toks[close].line, lines)
                    if inner and attr.name == "cfg" and cfg_value(attr.args) is False:
                        return  # #![cfg(FALSE)]: the whole module is compiled out
                    if not inner and attr.name == "cfg_attr":
                        attrs += expand_cfg_attr(attr, lines)
                    elif not inner:
                        attrs.append(attr)
                    i = close + 1
                    continue
            i, attrs = self.item(toks, i, end, path, lines, mod_dir, in_pymodule, attrs), []

    def item(self, toks, i, end, path, lines, mod_dir, in_pymodule, attrs) -> int:
        """Handle one item starting at toks[i]; return the index just past it."""
        disabled = any(a.name == "cfg" and cfg_value(a.args) is False for a in attrs)
        j = _past_modifiers(toks, i, end)
        if j >= end:
            return end
        head = toks[j]
        stop = item_end(toks, j, end)
        if disabled:
            return stop
        keyword = head.text if head.kind == "ident" else ""
        name_tok = toks[j + 1] if j + 1 < end and toks[j + 1].kind == "ident" else None
        if keyword == "mod" and name_tok is not None:
            return self._module(toks, j, end, stop, path, lines, mod_dir, in_pymodule, attrs)
        if keyword == "fn" and name_tok is not None:
            self._function(head, name_tok, path, in_pymodule, attrs)
            return stop
        if keyword == "use" and path.resolve() == self.files[0] and toks[i].text == "pub":
            crate = toks[j + 1].text if j + 1 < end else ""
            if crate not in ("crate", "self", "super", "std", "core") and crate:
                self.reexports.append(crate)
        self._macro(toks, j, end, stop)
        return stop

    def _module(self, toks, j, end, stop, path, lines, mod_dir, in_pymodule, attrs) -> int:
        """`mod name;` (followed to its file) or `mod name { ... }` (walked in place)."""
        name_tok = toks[j + 1]
        name = name_tok.text
        pymod = next((a for a in attrs if a.name == "pymodule"), None)
        pyo3 = next((a for a in attrs if a.name == "pyo3"), None)
        explicit = next((a for a in attrs if a.name == "path" and a.args), None)
        if pymod is not None:
            self._entry("mod", name, name_tok, pymod, pyo3, path, in_pymodule)
        inside = in_pymodule or pymod is not None
        after = toks[j + 2].text if j + 2 < end else ";"
        if self.depth >= MAX_NESTING:  # each level is a frame: real crates nest a few deep
            return matching(toks, j + 2) + 1 if after == "{" else stop
        self.depth += 1
        try:
            if after == ";":
                self._follow(name, explicit, path, mod_dir, inside)
            elif after == "{":
                close = matching(toks, j + 2)
                self.block(toks, j + 3, close, path, lines, mod_dir / name, inside)
                return close + 1
            return stop
        finally:
            self.depth -= 1

    def _function(self, head, name_tok, path, in_pymodule, attrs) -> None:
        """A `#[pymodule] fn`, or a hand-written `extern fn PyInit_x`."""
        pymod = next((a for a in attrs if a.name == "pymodule"), None)
        pyo3 = next((a for a in attrs if a.name == "pyo3"), None)
        if pymod is not None:
            self._entry("fn", name_tok.text, name_tok, pymod, pyo3, path, in_pymodule)
            return
        symbol = _exported_symbol(name_tok.text, attrs)
        if not symbol.startswith("PyInit_"):
            return
        shown = f"extern fn {name_tok.text}" + (f" ({symbol})" if symbol != name_tok.text else "")
        ep = EntryPoint(
            symbol[len("PyInit_") :],
            "extern",
            shown,
            path,
            name_tok.line,
            head.line,
            head.line,
            "",
            False,
        )
        (self.nested if in_pymodule else self.entries).append(ep)

    def _macro(self, toks, j, end, stop) -> None:
        """A macro invocation: one that defines PyInit_ or #[pymodule] is an entry macro;
        others are remembered with the words they use (a module may be made by one)."""
        macro = macro_name(toks, j, end)
        if not macro:
            return
        body = toks[macro_body(toks, j, end) : stop]
        if macro == "macro_rules" and body and body[0].kind == "ident":
            if any(t.text == "pymodule" or t.text.startswith("PyInit_") for t in body):
                self.entry_macros.append(body[0].text)
        elif macro != "macro_rules":
            self.macros.append(f"{macro}!")
            if macro not in _NO_MODULE_MACROS:
                self.macro_words.update(t.text for t in body if t.kind in ("ident", "string"))

    def _entry(self, kind, name, name_tok, pymod, pyo3, path, nested) -> None:
        options = [*pymod.args, *(pyo3.args if pyo3 else [])]
        if has_flag(options, "submodule"):
            nested = True
        renamed = name_arg(options)
        ep = EntryPoint(
            name=renamed[0] if renamed else name,
            kind=kind,
            item=f"{kind} {name}",
            file=path,
            line=name_tok.line,
            attr_line=pymod.line,
            attr_end_line=pymod.end_line,
            attr_text=pymod.text,
            renamed=renamed is not None,
            name_line=renamed[1] if renamed else 0,
        )
        (self.nested if nested else self.entries).append(ep)

    def _follow(self, name, explicit, path, mod_dir, in_pymodule) -> None:
        if explicit is not None and explicit.args and explicit.args[-1].kind == "string":
            target = path.parent / explicit.args[-1].text
            candidates = [(target, target.parent / target.stem)]
        else:
            candidates = [
                (mod_dir / f"{name}.rs", mod_dir / name),
                (mod_dir / name / "mod.rs", mod_dir / name),
            ]
        for file, sub_dir in candidates:
            if file.is_file():
                self.file(file, sub_dir, in_pymodule)
                return
        self.missing.append(name)


# Item macros that never define a module, though they are given its name
# (`create_exception!(my_module, MyError, PyException)`).
_NO_MODULE_MACROS = {
    "create_exception",
    "import_exception",
    "import_exception_bound",
    "intern",
    "py_run",
    "thread_local",
    "lazy_static",
    "compile_error",
    "include_str",
    "include_bytes",
    "const_assert",
    "assert_impl_all",
    "define_stub_info_gatherer",
}
_MODIFIERS = {"pub", "crate", "unsafe", "async", "const", "extern", "default", "safe"}


def _exported_symbol(fn_name: str, attrs: list[Attr]) -> str:
    """The symbol a fn is exported under, or "" when it is not exported unmangled."""
    for a in attrs:
        if a.name == "export_name" and a.args and a.args[-1].kind == "string":
            return a.args[-1].text
    return fn_name if any(a.name == "no_mangle" for a in attrs) else ""


def scan(lib_root: Path) -> Scan:
    """Scan the crate whose library root file is `lib_root` (usually src/lib.rs)."""
    walker = _Walker(lib_root)
    walker.file(lib_root, lib_root.parent, False)
    return Scan(
        root=lib_root,
        entries=tuple(walker.entries),
        nested=tuple(walker.nested),
        files=tuple(walker.files),
        missing_mods=tuple(walker.missing),
        macro_items=tuple(dict.fromkeys(walker.macros)),
        reexports=tuple(dict.fromkeys(walker.reexports)),
        macro_words=frozenset(walker.macro_words),
        entry_macros=tuple(dict.fromkeys(walker.entry_macros)),
        wrapped=frozenset(walker.wrapped),
    )


def _past_modifiers(toks, i: int, end: int) -> int:
    """The index of an item's keyword after `pub(crate)`, `unsafe`, `extern "C"` and the like."""
    j = i
    while j < end and toks[j].kind == "ident" and toks[j].text in _MODIFIERS:
        j += 1
    if j < end and toks[j].text == "(":  # pub(crate)
        j = matching(toks, j) + 1
        while j < end and toks[j].kind == "ident" and toks[j].text in _MODIFIERS:
            j += 1
    if j < end and toks[j].kind == "string":  # extern "C"
        j += 1
        while j < end and toks[j].kind == "ident" and toks[j].text in _MODIFIERS:
            j += 1
    return j
