"""Project layouts as real projects use them, each with the finding it should get (or none).

Modelled on maturin's test-crates (pure, mixed, src-layout, workspace, cffi, uniffi, bin),
pydantic-core (dotted module-name + python-source + declarative module), orjson (hand-written
PyInit_ with pyo3-ffi), tokenizers (many declarative modules, abi3 through a feature), polars
(entry point in a dependency crate). Written from scratch; small on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import clean_env, write_project

from pyo3_doctor.context import Context, detect_platform
from pyo3_doctor.engine import check
from pyo3_doctor.probes import BY_ID, crate_type, module_name

PY = '[build-system]\nrequires = ["maturin>=1,<2"]\nbuild-backend = "maturin"\n'


def pyproject(name: str, extra: str = "") -> str:
    return f'{PY}[project]\nname = "{name}"\nversion = "1.0"\n{extra}'


def cargo(package: str, lib: str | None = None, dep: str = 'pyo3 = "0.27"', more: str = "") -> str:
    lib_line = f'name = "{lib}"\n' if lib else ""
    return (
        f'[package]\nname = "{package}"\nversion = "1.0.0"\nedition = "2021"\n\n'
        f'[lib]\n{lib_line}crate-type = ["cdylib"]\n\n[dependencies]\n{dep}\n{more}'
    )


def fn(name: str, attr: str = "#[pymodule]") -> str:
    sig = "(m: &Bound<'_, PyModule>) -> PyResult<()> { Ok(()) }"
    return f"use pyo3::prelude::*;\n\n{attr}\nfn {name}{sig}\n"


def decl(name: str, attr: str = "#[pymodule]") -> str:
    return (
        f"use pyo3::prelude::*;\n\n{attr}\nmod {name} {{\n    #[pyfunction]\n    fn f() {{}}\n}}\n"
    )


# polars' runtime crates: a thin cdylib re-exporting a workspace crate's module
PATH_DEP_TREE = {
    "Cargo.toml": '[workspace]\nmembers = ["py", "crates/core-py"]\n'
    '[workspace.dependencies]\npyo3 = "0.27"\n'
    'core-py = { path = "crates/core-py", default-features = false }\n',
    "py/pyproject.toml": pyproject("rt", '[tool.maturin]\nmodule-name = "rt._rt"\n'),
    "py/Cargo.toml": cargo(
        "rt-py",
        "_rt",
        dep='pyo3 = { workspace = true }\ncore-py = { workspace = true, features = ["c_api"] }',
    ),
    "py/rt/__init__.py": "",
    "py/src/lib.rs": "pub use core_py::c_api::*;\n",
    "crates/core-py/Cargo.toml": cargo("core-py", dep="pyo3 = { workspace = true }"),
    "crates/core-py/src/lib.rs": '#[cfg(feature = "c_api")]\npub mod c_api;\n',
    # the top module adds the other as a submodule: both export PyInit_
    "crates/core-py/src/c_api.rs": fn("_nodes")
    + "#[pymodule(gil_used = false)]\nfn _rt(m: &Bound<'_, PyModule>) -> PyResult<()> {\n"
    + "    m.add_wrapped(wrap_pymodule!(_nodes))\n}\n",
}

LAYOUTS = {
    # name: (files, expected module_name status, expected ids, location or None)
    "pure-fn": (
        {
            "pyproject.toml": pyproject("pure-demo"),
            "Cargo.toml": cargo("pure-demo", "pure_demo"),
            "src/lib.rs": fn("pure_demo"),
        },
        "ok",
        [],
        None,
    ),
    "pure-no-pyproject": (
        {"Cargo.toml": cargo("hello_world"), "src/lib.rs": fn("hello_world")},
        "ok",
        [],
        None,
    ),
    "declarative-template": (
        {
            "pyproject.toml": pyproject("tmpl"),
            "Cargo.toml": cargo("tmpl", "tmpl"),
            "src/lib.rs": decl("tmpl"),
        },
        "ok",
        [],
        None,
    ),
    "mixed-dotted-python-source": (
        {
            "pyproject.toml": pyproject(
                "core-x",
                '[tool.maturin]\npython-source = "python"\n'
                'module-name = "core_x._core_x"\nbindings = "pyo3"\n',
            ),
            "Cargo.toml": cargo("core-x", "_core_x", more="[lib.profile]\n"),
            "python/core_x/__init__.py": "from ._core_x import *\n",
            "src/lib.rs": decl("_core_x", "#[pymodule(gil_used = false)]"),
        },
        "ok",
        [],
        None,
    ),
    "mixed-beside-cargo": (
        {
            "pyproject.toml": pyproject("mixed", '[tool.maturin]\nmodule-name = "mixed._native"\n'),
            "Cargo.toml": cargo("mixed"),
            "mixed/__init__.py": "",
            "src/lib.rs": fn("native", '#[pymodule]\n#[pyo3(name = "_native")]'),
        },
        "ok",
        [],
        None,
    ),
    "python-first-src-rust": (
        {
            "pyproject.toml": pyproject(
                "py-first", '[tool.maturin]\nmodule-name = "py_first._lib"\n'
            ),
            "rust/Cargo.toml": cargo("py-first-rs"),
            "src/py_first/__init__.py": "",
            "rust/src/lib.rs": fn("_lib"),
        },
        "ok",
        [],
        None,
    ),
    "manifest-path": (
        {
            "pyproject.toml": pyproject(
                "mp", '[tool.maturin]\nmanifest-path = "crates/ext/Cargo.toml"\n'
            ),
            "crates/ext/Cargo.toml": cargo("mp"),
            "crates/ext/src/lib.rs": fn("mp"),
        },
        "ok",
        [],
        None,
    ),
    "workspace-inherited-pyo3": (
        {
            "Cargo.toml": '[workspace]\nmembers = ["py"]\n'
            '[workspace.dependencies]\npyo3 = { version = "0.27" }\n',
            "py/pyproject.toml": pyproject("ws-py"),
            "py/Cargo.toml": cargo(
                "ws-py", "ws_py", dep="pyo3 = { workspace = true, features = ['abi3-py39'] }"
            ),
            "py/src/lib.rs": "mod api;\n",
            "py/src/api.rs": fn("ws_py"),
        },
        "ok",
        [],
        None,
    ),
    "hand-written-pyinit-ffi": (
        {
            "pyproject.toml": pyproject("ffi-json", '[tool.maturin]\npython-source = "pysrc"\n'),
            "Cargo.toml": cargo("ffi-json", "ffi_json", dep='pyo3-ffi = { version = "0.27" }'),
            "pysrc/ffi_json/__init__.py": "",
            "src/lib.rs": "#[unsafe(no_mangle)]\n"
            'pub unsafe extern "C" fn PyInit_ffi_json() -> *mut u8 { 0 as _ }\n',
        },
        "ok",
        [],
        None,
    ),
    "many-declarative": (
        {
            "pyproject.toml": pyproject(
                "toks",
                '[tool.maturin]\npython-source = "py_src"\n'
                'module-name = "toks.toks"\nfeatures = ["pyo3/extension-module"]\n',
            ),
            "Cargo.toml": cargo("toks-py", "toks"),
            "py_src/toks/__init__.py": "",
            "src/lib.rs": "mod models;\n" + decl("toks", "#[pymodule(gil_used = false)]"),
            "src/models.rs": decl("models"),
        },
        "ok",
        [],
        None,
    ),
    "entry-in-dependency": (
        {
            "pyproject.toml": pyproject("rt", '[tool.maturin]\nmodule-name = "rt._rt"\n'),
            "Cargo.toml": cargo("rt", "_rt", more='core-py = { path = "../core" }\n'),
            "rt/__init__.py": "",
            "src/lib.rs": "pub use core_py::c_api::*;\n",
        },
        "skip",
        [],
        None,
    ),
    "cffi": (
        {
            "pyproject.toml": pyproject("cf"),
            "Cargo.toml": cargo("cf", dep=""),
            "src/lib.rs": '#[no_mangle]\npub extern "C" fn f() {}\n',
        },
        "skip",
        [],
        None,
    ),
    "uniffi": (
        {
            "pyproject.toml": pyproject("uf"),
            "Cargo.toml": cargo("uf", dep='uniffi = "0.28"'),
            "src/lib.rs": "uniffi::setup_scaffolding!();\n",
        },
        "skip",
        [],
        None,
    ),
    "bin-bindings": (
        {
            "pyproject.toml": pyproject("tool", '[tool.maturin]\nbindings = "bin"\n'),
            "Cargo.toml": '[package]\nname = "tool"\nversion = "1.0.0"\n',
            "src/main.rs": "fn main() {}\n",
        },
        "skip",
        [],
        None,
    ),
    "setuptools-rust": (
        {
            "pyproject.toml": '[build-system]\nrequires = ["setuptools", "setuptools-rust"]\n'
            'build-backend = "setuptools.build_meta"\n[project]\nname = "st"\nversion = "1"\n',
            "Cargo.toml": cargo("st", "other"),
            "src/lib.rs": fn("st"),
        },
        "skip",
        [],
        None,
    ),
    # polars' runtime crates: a thin cdylib re-exporting a workspace crate's module
    "workspace-entry-in-path-dependency": (
        PATH_DEP_TREE,
        "ok",
        [],
        None,
    ),
    # the same with pyo3 only through the dependency: maturin still detects pyo3 bindings
    "pyo3-through-path-dependency": (
        {
            "pyproject.toml": pyproject("thin"),
            "Cargo.toml": cargo("thin", "thin", dep='inner = { path = "inner" }'),
            "src/lib.rs": "pub use inner::*;\n",
            "inner/Cargo.toml": cargo("inner"),
            "inner/src/lib.rs": fn("thin"),
        },
        "ok",
        [],
        None,
    ),
    # a crate for Rust users too: the module attribute only under a feature
    "cfg-attr-pymodule": (
        {
            "pyproject.toml": pyproject("dual"),
            "Cargo.toml": cargo("dual", "dual", dep='pyo3 = { version = "0.27", optional = true }')
            + '[features]\ndefault = ["python"]\npython = ["dep:pyo3"]\n',
            "src/lib.rs": fn("helpers")
            + '#[cfg_attr(feature = "python", pyo3::pymodule)]\n'
            + "fn dual(m: &Bound<'_, PyModule>) -> PyResult<()> { Ok(()) }\n",
        },
        "ok",
        [],
        None,
    ),
    "macro-defined-entry": (
        {
            "pyproject.toml": pyproject("gen"),
            "Cargo.toml": cargo("gen", "gen"),
            "src/lib.rs": "macro_rules! module {\n    ($name:ident) => {\n"
            "        #[pymodule]\n        fn $name(m: &Bound<'_, PyModule>) -> PyResult<()> "
            "{ Ok(()) }\n    };\n}\n" + fn("helper") + "module!(gen);\n",
        },
        "skip",
        [],
        None,
    ),
    "entry-from-other-crate-macro": (
        {
            "pyproject.toml": pyproject("ext", '[tool.maturin]\nmodule-name = "ext._ext"\n'),
            "Cargo.toml": cargo("ext", more='bindgen-helpers = "1"\n'),
            "ext/__init__.py": "",
            "src/lib.rs": fn("sub") + "bindgen_helpers::python_module!(_ext, sub);\n",
        },
        "skip",
        [],
        None,
    ),
    "generated-module-file": (
        {
            "pyproject.toml": pyproject("built"),
            "Cargo.toml": cargo("built", "built"),
            "src/lib.rs": "mod generated;\n" + fn("helper"),
        },
        "skip",
        [],
        None,
    ),
    "other-build-backend": (
        {
            "pyproject.toml": '[build-system]\nrequires = ["hatchling"]\n'
            'build-backend = "hatchling.build"\n[project]\nname = "hb"\nversion = "1"\n',
            "Cargo.toml": cargo("hb", "other"),
            "src/lib.rs": fn("hb"),
        },
        "skip",
        [],
        None,
    ),
    # staged mistakes
    "lib-name-mismatch": (
        {
            "pyproject.toml": pyproject("demo"),
            "Cargo.toml": cargo("demo", "wrong"),
            "src/lib.rs": fn("demo"),
        },
        "fail",
        ["module-name-mismatch"],
        "src/lib.rs:4",
    ),
    "module-name-mismatch-dotted": (
        {
            "pyproject.toml": pyproject(
                "pk", '[tool.maturin]\npython-source = "python"\nmodule-name = "pk._pk"\n'
            ),
            "Cargo.toml": cargo("pk"),
            "python/pk/__init__.py": "",
            "src/lib.rs": "mod inner;\n",
            "src/inner.rs": decl("_native"),
        },
        "fail",
        ["module-name-mismatch"],
        "src/inner.rs:4",
    ),
    "rename-attr-mismatch": (
        {
            "pyproject.toml": pyproject("rn"),
            "Cargo.toml": cargo("rn", "rn"),
            "src/lib.rs": fn("rn", '#[pymodule(name = "other")]'),
        },
        "fail",
        ["module-name-mismatch"],
        "src/lib.rs:4",
    ),
    "project-name-dash": (
        {
            "pyproject.toml": pyproject("my-pkg"),
            "Cargo.toml": cargo("my-pkg").replace("[lib]\n", "[lib]\n", 1),
            "src/lib.rs": fn("my_pkg"),
        },
        "fail",
        ["module-name-dash"],
        None,
    ),
    "workspace-path-dependency-mismatch": (
        {
            **PATH_DEP_TREE,
            "py/pyproject.toml": pyproject("rt", '[tool.maturin]\nmodule-name = "rt._other"\n'),
        },
        "fail",
        ["module-name-mismatch"],
        "../crates/core-py/src/c_api.rs:6",
    ),
    "wrapped-submodule-mismatch": (
        {
            "pyproject.toml": pyproject("wr"),
            "Cargo.toml": cargo("wr", "wrong"),
            "src/lib.rs": fn("child")
            + "#[pymodule]\nfn wr(m: &Bound<'_, PyModule>) -> PyResult<()> {\n"
            "    m.add_wrapped(wrap_pymodule!(child))\n}\n",
        },
        "fail",
        ["module-name-mismatch"],
        "src/lib.rs:6",
    ),
    "exception-macro-names-module": (
        {
            "pyproject.toml": pyproject("exc"),
            "Cargo.toml": cargo("exc", "exc"),
            "src/lib.rs": "pyo3::create_exception!(exc, ExcError, PyException);\n\n"
            + fn("renamed_by_mistake").split("\n", 2)[2],
        },
        "fail",
        ["module-name-mismatch"],
        "src/lib.rs:4",
    ),
    "renamed-pyo3-dependency": (
        {
            "pyproject.toml": pyproject("rnd"),
            "Cargo.toml": cargo("rnd", "wrong", dep='py = { package = "pyo3", version = "0.27" }'),
            "src/lib.rs": fn("rnd", "#[py::pymodule]"),
        },
        "fail",
        ["module-name-mismatch"],
        "src/lib.rs:4",
    ),
    "misspelled-maturin-key": (
        {
            "pyproject.toml": pyproject("ms", '[tool.maturin]\nmodule_name = "ms"\n'),
            "Cargo.toml": cargo("ms", "ms"),
            "src/lib.rs": fn("ms"),
        },
        "warn",
        ["maturin-config-unknown-key"],
        None,
    ),
}


def run(root: Path, probe):
    ctx = Context(env=clean_env(), cwd=root, platform=detect_platform(), project_dir=root)
    return probe.probe(ctx)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layout(tmp_path: Path, name: str) -> None:
    files, status, ids, location = LAYOUTS[name]
    root = write_project(tmp_path / name, files)
    start = root / "py" if name.startswith("workspace") else root  # run from the member crate
    result = run(start, module_name)
    assert result.status.value == status, result.summary
    assert [d.id for d in result.detected] == ids
    if location:
        mismatch = result.detected[0]
        assert mismatch.location == location
        assert mismatch.details["pymodule_name"] in result.summary
        assert result.facts["module_name"] in result.summary


def test_mismatch_names_both_sides_and_shows_both_fixes(tmp_path: Path) -> None:
    files = LAYOUTS["lib-name-mismatch"][0]
    result = run(write_project(tmp_path / "p", files), module_name)
    details = result.detected[0].details
    assert (result.facts["module_name"], details["pymodule_name"]) == ("wrong", "demo")
    assert details["module_name_key"] == "lib.name" and details["module_name_file"] == "Cargo.toml"
    assert '-name = "wrong"' in details["toml_diff"] and '+name = "demo"' in details["toml_diff"]
    assert '+#[pymodule(name = "wrong")]' in details["rust_diff"]


def test_dotted_module_name_fix_keeps_the_package(tmp_path: Path) -> None:
    files = LAYOUTS["module-name-mismatch-dotted"][0]
    result = run(write_project(tmp_path / "p", files), module_name)
    details = result.detected[0].details
    assert details["pymodule_name_value"] == "pk._native"
    assert details["module_name_key"] == "tool.maturin.module-name"
    assert result.facts["layout"] == "mixed" and result.facts["module_place"] == "python/pk"


def _mismatch_fixes(root: Path):
    ctx = Context(env=clean_env(), cwd=root, platform=detect_platform(), project_dir=root)
    (finding,) = [f for f in check(ctx, [BY_ID["module_name"]]).findings]
    return finding.fixes


def test_the_default_fix_keeps_the_module_name_the_project_gives(tmp_path: Path) -> None:
    # [lib] name = "s08" (import s08), Rust exports PyInit_fancy: rename the Rust side
    files = {"pyproject.toml": pyproject("s08"), "Cargo.toml": cargo("s08", "s08")}
    files["src/lib.rs"] = fn("fancy")
    first, second, *_ = _mismatch_fixes(write_project(tmp_path / "p", files))
    assert first.patch and first.patch["new"] == '#[pymodule(name = "s08")]', first
    assert second.edit == {"file": "Cargo.toml", "key": "lib.name", "value": '"fancy"'}


@pytest.mark.parametrize(
    "line", ["from ._native import double", "from . import _native", "from pk._native import *"]
)
def test_a_package_that_imports_the_rust_name_keeps_it(tmp_path: Path, line: str) -> None:
    files = dict(LAYOUTS["module-name-mismatch-dotted"][0])
    files["python/pk/__init__.py"] = f'"""The package."""\n{line}\n'
    root = write_project(tmp_path / "p", files)
    result = run(root, module_name)
    assert result.detected[0].details["python_imports_pymodule"] == "python/pk/__init__.py:2"
    first, second, *_ = _mismatch_fixes(root)
    # renaming the Rust module would break that import: the TOML key follows the code
    assert first.edit and first.edit["value"] == '"pk._native"', first
    assert second.patch, second


def test_dash_fix_goes_to_module_name(tmp_path: Path) -> None:
    result = run(write_project(tmp_path / "p", LAYOUTS["project-name-dash"][0]), module_name)
    details = result.detected[0].details
    assert details["module_name_fixed"] == "my_pkg"
    assert details["module_name_fix_key"] == "tool.maturin.module-name"


@pytest.mark.parametrize(
    ("lib", "status"),
    [
        ('[lib]\ncrate-type = ["cdylib", "rlib"]\n', "ok"),
        ('[lib]\ncrate-type = ["rlib"]\n', "warn"),
        ("[lib]\n", "warn"),
    ],
)
def test_crate_type(tmp_path: Path, lib: str, status: str) -> None:
    files = {
        "pyproject.toml": pyproject("ct"),
        "Cargo.toml": f'[package]\nname = "ct"\nversion = "1.0.0"\n\n{lib}\n'
        '[dependencies]\npyo3 = "0.27"\n',
        "src/lib.rs": fn("ct"),
    }
    result = run(write_project(tmp_path / "p", files), crate_type)
    assert result.status.value == status


def test_crate_type_under_package(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": pyproject("ct"),
        "Cargo.toml": '[package]\nname = "ct"\nversion = "1.0.0"\ncrate-type = ["cdylib"]\n\n'
        '[dependencies]\npyo3 = "0.27"\n',
        "src/lib.rs": fn("ct"),
    }
    result = run(write_project(tmp_path / "p", files), crate_type)
    assert [d.id for d in result.detected] == ["crate-type-not-cdylib"]
    assert "[package]" in result.detected[0].details["crate_type_problem"]
    assert result.detected[0].details["crate_type_value"] == '["cdylib"]'
    # the fix moves the key: the one Cargo ignores goes in the same edit
    assert result.detected[0].details["crate_type_remove"] == "package.crate-type"


def test_plain_library_using_pyo3_is_no_extension(tmp_path: Path) -> None:
    """pyo3's own repository: a pyproject.toml for tooling, a library crate, no module."""
    files = {
        "pyproject.toml": '[project]\nname = "helper"\ndynamic = ["version"]\n',
        "Cargo.toml": '[package]\nname = "helper"\nversion = "1.0.0"\n\n'
        '[dependencies]\npyo3-ffi = "0.27"\n',
        "src/lib.rs": "pub mod types;\n",
        "src/types.rs": "pub struct Thing;\n",
    }
    assert run(write_project(tmp_path / "p", files), crate_type).status.value == "skip"


def test_setuptools_rust_with_nested_crate_names_the_builder(tmp_path: Path) -> None:
    """bcrypt: setuptools-rust, the crate in src/_pkg/ with no Cargo.toml at the root."""
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools", "setuptools-rust"]\n'
        'build-backend = "setuptools.build_meta"\n[project]\nname = "st"\nversion = "1"\n',
        "src/_st/Cargo.toml": cargo("st-rs", "_st"),
        "src/_st/src/lib.rs": fn("_st"),
    }
    result = run(write_project(tmp_path / "p", files), module_name)
    assert result.status.value == "skip" and "setuptools-rust" in result.summary
