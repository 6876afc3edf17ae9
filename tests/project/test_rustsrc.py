"""The entry-point scanner on sources written to mislead it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pyo3_doctor.project.rust.lex import tokenize
from pyo3_doctor.project.rust.source import scan


def crate(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path / "src" / "lib.rs"


def names(tmp_path: Path, files: dict[str, str]) -> list[str]:
    return [e.name for e in scan(crate(tmp_path, files)).entries]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("#[pymodule]\nfn plain(m: &Bound<'_, PyModule>) -> PyResult<()> { Ok(()) }", ["plain"]),
        ('#[pymodule]\n#[pyo3(name = "renamed")]\nfn inner() {}', ["renamed"]),
        ('#[pymodule(name = "fast", gil_used = false)]\nfn slow() {}', ["fast"]),
        ("#[pyo3::pymodule]\nfn qualified() {}", ["qualified"]),
        ("#[pymodule]\nmod decl { #[pymodule] mod child {} }", ["decl"]),
        ("#[pymodule]\npub mod outer { #[pymodule] fn sub(m: &Bound<PyModule>) {} }", ["outer"]),
        ("#[pymodule]\nfn r#type() {}", ["type"]),
        ('#[no_mangle]\npub unsafe extern "C" fn PyInit_hand() -> *mut u8 { 0 as _ }', ["hand"]),
        ('#[unsafe(no_mangle)]\npub(crate) unsafe extern "C" fn PyInit_ed2024() {}', ["ed2024"]),
        ('#[export_name = "PyInit_exp"]\nextern "C" fn init() {}', ["exp"]),
        ("#[pymodule(submodule)]\nfn only_sub() {}", []),
        ('#[cfg_attr(feature = "py", pymodule)]\nfn gated() {}', ["gated"]),
        (
            '#[cfg_attr(feature = "py", pymodule, pyo3(name = "renamed"))]\nfn inner() {}',
            ["renamed"],
        ),
        ("#[cfg_attr(test, pymodule)]\nfn only_in_tests() {}", []),
        ("fn PyInit_not_exported() {}", []),
    ],
)
def test_entry_point_forms(tmp_path: Path, source: str, expected: list[str]) -> None:
    assert names(tmp_path, {"src/lib.rs": source}) == expected


TRAPS = r"""
//! #[pymodule] fn in_inner_doc() {}
/// #[pymodule] fn in_doc() {}
// #[pymodule] fn in_line_comment() {}
/* outer /* nested #[pymodule] fn in_nested() {} */ still a comment #[pymodule] fn after() {} */
const A: &str = "#[pymodule] fn in_string() {} \" still";
const B: &str = r#"#[pymodule] fn "in_raw"() {}"#;
const C: &str = r##"a "# #[pymodule] fn in_raw2() {}"##;
const D: &[u8] = b"#[pymodule] fn in_bytes() {}";
const E: char = '"';
const F: char = '\'';
const G: char = '{';
fn lifetimes<'a, 'b: 'a>(x: &'a str, _y: &'b str) -> &'a str { x }
#[cfg(any())]
#[pymodule]
fn cfg_any() {}
#[cfg(FALSE)]
mod gone { #[pymodule] fn in_false_mod() {} }
#[cfg(test)]
mod tests { #[pymodule] fn in_tests() {} }
#[cfg(all(unix, not(all())))]
#[pymodule]
fn cfg_not_all() {}
#[cfg(feature = "python")]
#[pymodule]
fn real(m: &Bound<'_, PyModule>) -> PyResult<()> { let s = "}"; Ok(()) }
"""


def test_comments_strings_chars_and_cfg_do_not_fool_it(tmp_path: Path) -> None:
    assert names(tmp_path, {"src/lib.rs": TRAPS}) == ["real"]


def test_follows_mod_declarations_to_files(tmp_path: Path) -> None:
    files = {
        "src/lib.rs": 'mod a;\nmod b;\n#[path = "custom/where.rs"]\nmod c;\nmod missing;\n',
        "src/a.rs": "mod deeper;\n",
        "src/a/deeper.rs": "#[pymodule]\nfn from_deeper() {}\n",
        "src/b/mod.rs": "#[pymodule]\nfn from_mod_rs() {}\n",
        "src/custom/where.rs": "#[pymodule]\nfn from_path() {}\n",
    }
    result = scan(crate(tmp_path, files))
    assert [e.name for e in result.entries] == ["from_deeper", "from_mod_rs", "from_path"]
    assert result.entries[0].file == tmp_path / "src" / "a" / "deeper.rs"
    assert result.entries[0].line == 2
    assert result.missing_mods == ("missing",)


def test_a_mod_file_inside_a_declarative_module_exports_nothing(tmp_path: Path) -> None:
    files = {
        "src/lib.rs": "#[pymodule]\nmod top {\n    #[pymodule_export]\n    use super::x;\n}\n"
        "mod sub;\n",
        "src/sub.rs": "#[pymodule]\npub mod sub {}\n",
    }
    result = scan(crate(tmp_path, files))
    assert [e.name for e in result.entries] == ["top", "sub"]  # sub is a separate top level


def test_reports_lines_of_name_and_attribute(tmp_path: Path) -> None:
    src = '\n\n#[pymodule]\n#[pyo3(name = "n")]\nfn f() {}\n'
    (entry,) = scan(crate(tmp_path, {"src/lib.rs": src})).entries
    assert (entry.attr_line, entry.name_line, entry.line, entry.renamed) == (3, 4, 5, True)


def test_not_found_says_why(tmp_path: Path) -> None:
    src = "pub use polars_python::c_api::*;\nmake_module!(fast);\n"
    result = scan(crate(tmp_path, {"src/lib.rs": src}))
    assert result.entries == ()
    assert "polars_python" in result.why_not_found
    assert "make_module!" in result.why_not_found


def test_lexer_keeps_line_numbers_across_multiline_tokens() -> None:
    toks = tokenize('/* a\nb */ "x\ny" r#"\n"# fn')
    assert toks[-1].text == "fn" and toks[-1].line == 4
