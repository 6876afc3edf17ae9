"""pyo3_compat and extension_module against staged project files (platform injected)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from support import clean_env, write_project

from pyo3_doctor.context import Context, detect_platform
from pyo3_doctor.probes import extension_module, pyo3_compat

LIB = (
    "use pyo3::prelude::*;\n#[pymodule]\n"
    "fn ext(m: &Bound<'_, PyModule>) -> PyResult<()> {\n    Ok(())\n}\n"
)


def project(root: Path, pyo3: str, py_extra: str = "", cargo_extra: str = "") -> Path:
    return write_project(
        root,
        {
            "pyproject.toml": '[build-system]\nrequires = ["maturin>=1,<2"]\n'
            f'build-backend = "maturin"\n[project]\nname = "ext"\nversion = "1"\n{py_extra}',
            "Cargo.toml": '[package]\nname = "ext"\nversion = "1.0.0"\n[lib]\n'
            f'crate-type = ["cdylib"]\n[dependencies]\npyo3 = {pyo3}\n{cargo_extra}',
            "src/lib.rs": LIB,
        },
    )


def ctx(root: Path, system: str | None = None) -> Context:
    platform = detect_platform()
    if system:
        platform = replace(platform, system=system)
    env = clean_env(PYO3_PYTHON=sys.executable)
    return Context(env=env, cwd=root, platform=platform, project_dir=root)


def ids(result) -> list[str]:
    return [d.id for d in result.detected]


def test_abi3_above_the_interpreter(tmp_path: Path) -> None:
    root = project(tmp_path, '{ version = "0.27", features = ["abi3-py314"] }')
    result = pyo3_compat.probe(ctx(root))
    assert sys.version_info < (3, 14)
    assert ids(result) == ["abi3-misuse"]
    assert "cannot set a minimum Python version 3.14" in result.detected[0].details["abi3_problem"]


def test_abi3_against_requires_python_through_a_feature(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        '"0.27"',
        'requires-python = ">=3.8"\n[tool.maturin]\nfeatures = ["abi3"]\n',
        '[features]\nabi3 = ["pyo3/abi3", "pyo3/abi3-py39"]\n',
    )
    result = pyo3_compat.probe(ctx(root))
    assert ids(result) == ["abi3-misuse"]
    assert result.detected[0].details["abi3_suggested"] == "py38"


def test_requires_python_excluding_the_interpreter(tmp_path: Path) -> None:
    root = project(tmp_path, '"0.27"', 'requires-python = ">=3.99"\n')
    assert ids(pyo3_compat.probe(ctx(root))) == ["requires-python-excludes-interpreter"]


def test_old_pyo3_without_extension_module(tmp_path: Path) -> None:
    result = extension_module.probe(ctx(project(tmp_path, '"0.21"')))
    assert ids(result) == ["extension-module-missing"]


def test_old_pyo3_with_the_feature_through_maturin_is_fine(tmp_path: Path) -> None:
    root = project(tmp_path, '"0.21"', '[tool.maturin]\nfeatures = ["pyo3/extension-module"]\n')
    assert ids(extension_module.probe(ctx(root))) == []


def test_new_pyo3_with_maturin_pinned_below_the_env_var(tmp_path: Path) -> None:
    root = project(tmp_path, '"0.27"')
    text = (root / "pyproject.toml").read_text().replace("maturin>=1,<2", "maturin>=1,<1.9")
    (root / "pyproject.toml").write_text(text)
    assert ids(extension_module.probe(ctx(root))) == ["extension-module-missing"]


def test_always_on_extension_module_with_rust_tests(tmp_path: Path) -> None:
    root = project(tmp_path, '{ version = "0.27", features = ["extension-module", "abi3"] }')
    write_project(root, {"tests/it.rs": "use pyo3::prelude::*;\n#[test]\nfn t() {}\n"})
    result = extension_module.probe(ctx(root))
    assert ids(result) == ["extension-module-cargo-test"]
    details = result.detected[0].details
    assert "Remove" in details["extension_module_fix"]
    # one edit does it: maturin (>= 1.9.4 here) sets PYO3_BUILD_EXTENSION_MODULE for 0.27
    assert details["extension_module_edit_file"] == "Cargo.toml"
    assert details["extension_module_edit_key"] == "dependencies.pyo3.features"
    assert details["extension_module_edit_value"] == '["abi3"]'
    assert "PYO3_BUILD_EXTENSION_MODULE" in details["extension_module_edit_why"]


def test_old_pyo3_loses_the_feature_from_cargo_toml_only_where_maturin_enables_it(
    tmp_path: Path,
) -> None:
    maturin = '[tool.maturin]\nfeatures = ["pyo3/extension-module"]\n'
    root = project(tmp_path, '{ version = "0.22", features = ["extension-module"] }', maturin)
    write_project(root, {"src/main.rs": "use pyo3::prelude::*;\nfn main() {}\n"})
    details = extension_module.probe(ctx(root)).detected[0].details
    assert details["extension_module_edit_value"] == "[]"
    assert "[tool.maturin] features" in details["extension_module_edit_why"]
    # without [tool.maturin] features, PyO3 0.22 needs two files changed: said in words
    (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text().replace(maturin, ""))
    details = extension_module.probe(ctx(root)).detected[0].details
    assert "extension_module_edit_key" not in details


def test_default_feature_on_old_pyo3_gets_the_maturin_features_fix(tmp_path: Path) -> None:
    root = project(
        tmp_path, '"0.22"', "", '[features]\ndefault = ["ext"]\next = ["pyo3/extension-module"]\n'
    )
    write_project(root, {"src/main.rs": "use pyo3::prelude::*;\nfn main() {}\n"})
    result = extension_module.probe(ctx(root))
    assert ids(result) == ["extension-module-cargo-test"]
    assert "[tool.maturin]" in result.detected[0].details["extension_module_fix_text"]
    assert "extension_module_edit_key" not in result.detected[0].details


def test_default_feature_on_new_pyo3_is_taken_out_of_default(tmp_path: Path) -> None:
    features = '[features]\ndefault = ["ext", "fast"]\next = ["pyo3/extension-module"]\nfast = []\n'
    root = project(tmp_path, '"0.27"', "", features)
    write_project(root, {"src/main.rs": "use pyo3::prelude::*;\nfn main() {}\n"})
    details = extension_module.probe(ctx(root)).detected[0].details
    assert details["extension_module_edit_key"] == "features.default"
    assert details["extension_module_edit_value"] == '["fast"]'


def test_macos_link_args_advice_only_on_macos(tmp_path: Path) -> None:
    root = project(tmp_path, '"0.27"')
    assert "macos-undefined-symbols" in ids(extension_module.probe(ctx(root, "macos")))
    assert "macos-undefined-symbols" not in ids(extension_module.probe(ctx(root, "linux")))
    write_project(
        root,
        {
            ".cargo/config.toml": '[target.aarch64-apple-darwin]\nrustflags = ["-C", '
            '"link-arg=-undefined", "-C", "link-arg=dynamic_lookup"]\n'
        },
    )
    assert "macos-undefined-symbols" not in ids(extension_module.probe(ctx(root, "macos")))
