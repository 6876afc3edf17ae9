"""Real broken crates, end to end: check names the fault, the fix clears it, the crate then builds
and imports.

Each scenario stages one fault for real in a crate made as `maturin new -b pyo3` makes one
(`pyo3 = "0.27"`, `[tool.maturin] features = ["pyo3/extension-module"]`), built into the run's
shared cargo target dir. For each: `check --json` names the id, and no other at fail level;
`fix ID --yes` applies the default fix (an environment step is carried out as its printed line
says); the re-check no longer names it; `maturin develop` and the import then work.
`pytest tests/scenarios -s` prints the matrix.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import support
import tomlkit
from support import clean_env, pyenv_python, run_cli, write_project

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("maturin") and shutil.which("cargo")), reason="needs maturin and cargo"
    ),
]

MATRIX: list[str] = []

# as `maturin new -b pyo3` writes it: support's project, with maturin enabling extension-module
PYPROJECT = (
    support.PYPROJECT
    + """
    [tool.maturin]
    features = ["pyo3/extension-module"]
"""
)
CARGO, LIB_RS = support.CARGO, support.LIB_RS
OLD_LIB_RS = """
    use pyo3::prelude::*;

    #[pyfunction]
    fn double(x: i64) -> i64 {{ x * 2 }}

    #[pymodule]
    fn {pymodule}(_py: Python, m: &PyModule) -> PyResult<()> {{
        m.add_function(wrap_pyfunction!(double, m)?)
    }}
"""


def crate(root: Path, name: str, pyo3: str = "0.27", pymodule: str = "", **files: str) -> Path:
    lib = name.replace("-", "_")
    source = OLD_LIB_RS if pyo3 < "0.21" else LIB_RS
    base = {
        "pyproject.toml": PYPROJECT.format(name=name),
        "Cargo.toml": CARGO.format(name=name, lib=lib, pyo3=pyo3),
        "src/lib.rs": source.format(pymodule=pymodule or lib),
    }
    return write_project(root / name, {**base, **files})


def venv(where: Path, python: str = sys.executable) -> Path:
    subprocess.run([python, "-m", "venv", str(where)], check=True, capture_output=True)
    return where


def env_for(venv_dir: Path | None, target: Path, **extra: str) -> dict[str, str]:
    env = clean_env(CARGO_TARGET_DIR=str(target), **extra)
    if venv_dir is not None:
        env["VIRTUAL_ENV"] = str(venv_dir)
        env["PATH"] = f"{venv_dir / 'bin'}{os.pathsep}{env['PATH']}"
    return env


def check(root: Path, env: dict[str, str]) -> tuple[list[str], list[str], dict]:
    ran = run_cli("check", "--json", cwd=root, env=env, timeout=180)
    doc = json.loads(ran.stdout)
    fails = [f["id"] for f in doc["findings"] if f["severity"] == "fail"]
    warns = [f["id"] for f in doc["findings"] if f["severity"] == "warn"]
    return fails, warns, doc


def fix(root: Path, finding: str, env: dict[str, str]) -> str:
    ran = run_cli("fix", finding, "--yes", cwd=root, env=env, timeout=600)
    return ran.stdout + ran.stderr


def develop(root: Path, env: dict[str, str]) -> None:
    built = subprocess.run(
        ["maturin", "develop"], cwd=root, env=env, capture_output=True, text=True, timeout=900
    )
    assert built.returncode == 0, built.stderr[-3000:]


def imports(python: Path, module: str, env: dict[str, str]) -> None:
    code = f"import {module}; assert {module}.double(21) == 42"
    ran = subprocess.run(
        [str(python), "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr[-2000:]


def found(wanted: str, fails: list[str], warns: list[str]) -> None:
    assert wanted in fails + warns, (fails, warns)
    assert [f for f in fails if f != wanted] == [], f"another fail besides {wanted}: {fails}"


def failing(wanted: str, fails: list[str], warns: list[str]) -> None:
    """The id at fail level, and no other fail: a state certain to break the build."""
    found(wanted, fails, warns)
    assert wanted in fails, f"{wanted} is only a warning: {warns}"


def refused(root: Path, env: dict[str, str], said: str, *args: str) -> None:
    """`maturin develop` fails here, saying `said`: what the check's fail level promises."""
    built = subprocess.run(
        ["maturin", "develop", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode != 0 and said in built.stderr, built.stderr[-3000:]


def record(finding: str, state: str) -> None:
    MATRIX.append(f"{finding:28} | {state:52} | found | fixed | imports")


def test_module_name_mismatch(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "mm-demo", pymodule="other_name")
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    develop(root, env)  # builds, with maturin's warning; the import fails
    fails, warns, _ = check(root, env)
    found("module-name-mismatch", fails, warns)
    out = fix(root, "module-name-mismatch", env)
    assert "is fixed" in out, out
    fails, warns, _ = check(root, env)
    assert "module-name-mismatch" not in fails + warns
    develop(root, env)
    # the default fix keeps the project's import name: the Rust side was renamed
    imports(tmp_path / "env" / "bin" / "python", "mm_demo", env)
    record("module-name-mismatch", "#[pymodule] fn other_name, [lib] name mm_demo")


@pytest.mark.parametrize("wanted", ["maturin>=99", "maturin>=2.0"])
def test_maturin_requirement_no_release_meets(tmp_path, cargo_target_dir, wanted):
    # no maturin 2 exists (the version policy's releases_below): pip cannot install one, so
    # the requirement is what to fix, never `pip install 'maturin>=2.0'`
    root = crate(tmp_path, "m99-demo")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("maturin>=1.0,<2.0", wanted))
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    fails, warns, _ = check(root, env)
    # pip finds no maturin to build with: a fail, and no false extension-module-missing
    failing("maturin-version", fails, warns)
    out = fix(root, "maturin-version", env)
    assert "is fixed" in out and "pip install" not in out, out
    assert '"maturin>=1.0,<2.0"' in pyproject.read_text()
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "m99_demo", env)
    record("maturin-version", f'requires = ["{wanted}"]')


def lock(root: Path) -> None:
    """Cargo.lock as an earlier build left it (cargo resolves it, from its cache if it can)."""
    for offline in (["--offline"], []):
        made = subprocess.run(
            ["cargo", "generate-lockfile", *offline], cwd=root, capture_output=True, timeout=300
        )
        if made.returncode == 0:
            return
    raise AssertionError(made.stderr.decode()[-2000:])


def test_python_newer_than_the_pyo3_in_use(tmp_path, cargo_target_dir):
    new = pyenv_python("3.13")
    root = crate(tmp_path, "old-pyo3", pyo3="0.20")
    lock(root)  # the re-check must not read the lock the edit left behind
    env = env_for(venv(tmp_path / "env", new), cargo_target_dir)
    fails, warns, _ = check(root, env)
    found("python-version-unsupported", fails, warns)
    assert "is fixed" in fix(root, "python-version-unsupported", env)
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "old_pyo3", env)
    record("python-version-unsupported", 'pyo3 = "0.20" (GIL-refs code) locked, a 3.13 venv')


def test_python_older_than_the_pyo3_in_use(tmp_path, cargo_target_dir):
    old = pyenv_python("3.7")
    root = crate(tmp_path, "new-pyo3", pyo3="0.29")
    lock(root)
    env = env_for(venv(tmp_path / "env", old), cargo_target_dir)
    fails, warns, _ = check(root, env)
    found("python-version-too-old", fails, warns)
    # step 1 (PYO3_PYTHON) is the user's; moving to PyO3 0.28 fixes it on its own
    assert "is fixed" in fix(root, "python-version-too-old", env)
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "new_pyo3", env)
    record("python-version-too-old", 'pyo3 = "0.29" locked, a Python 3.7 venv')


def test_package_init_imports_a_module_the_build_does_not_make(tmp_path, cargo_target_dir):
    extra = 'python-source = "python"\nmodule-name = "mixed_demo._native"\n'
    root = crate(
        tmp_path,
        "mixed-demo",
        pymodule="_native",
        **{"python/mixed_demo/__init__.py": "from ._core import double\n"},
    )
    (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text() + extra)
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    develop(root, env)
    fails, warns, _ = check(root, env)
    found("package-import-error", fails, warns)
    assert "is fixed" in fix(root, "package-import-error", env)
    imports(tmp_path / "env" / "bin" / "python", "mixed_demo", env)
    record("package-import-error", "python/pkg/__init__.py imports ._core, build is _native")


def test_module_renamed_without_a_rebuild(tmp_path, cargo_target_dir):
    extra = 'python-source = "python"\nmodule-name = "renamed_demo._native"\n'
    root = crate(
        tmp_path,
        "renamed-demo",
        pymodule="_native",
        **{"python/renamed_demo/__init__.py": "from ._native import double\n"},
    )
    (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text() + extra)
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    develop(root, env)
    for rel in ("pyproject.toml", "src/lib.rs", "python/renamed_demo/__init__.py"):
        (root / rel).write_text((root / rel).read_text().replace("_native", "_core"))
    fails, warns, _ = check(root, env)
    failing("stale-extension-build", fails, warns)  # the package imports the new name
    assert "is fixed" in fix(root, "stale-extension-build", env)
    imports(tmp_path / "env" / "bin" / "python", "renamed_demo", env)
    record("stale-extension-build", "module renamed, old .so left in the package")


def test_cc_installed_but_off_path(tmp_path, cargo_target_dir, staged_path):
    if not os.path.isfile("/usr/bin/cc"):
        pytest.skip("needs /usr/bin/cc")
    root = crate(tmp_path, "nocc-demo")
    env_dir = venv(tmp_path / "env")
    path = staged_path(without=("cc", "gcc", "ld", "collect2"))
    env = env_for(env_dir, cargo_target_dir, PATH=path)
    fails, warns, doc = check(root, env)
    found("linker-missing", fails, warns)
    # cc is installed: the PATH line is the one step, and `fix --yes` says it and stops
    (step,) = next(f for f in doc["findings"] if f["id"] == "linker-missing")["fixes"]
    assert step["env"] == {"PATH": "/usr/bin:$PATH"}, step
    ran = run_cli("fix", "linker-missing", "--yes", cwd=root, env=env, timeout=180)
    assert ran.returncode == 2 and "export PATH=/usr/bin:" in ran.stdout, ran.stderr
    env["PATH"] = "/usr/bin" + os.pathsep + env["PATH"]  # the printed line, carried out
    fails, warns, _ = check(root, env)
    assert "linker-missing" not in fails + warns
    develop(root, env)
    imports(env_dir / "bin" / "python", "nocc_demo", env)
    record("linker-missing", "cc in /usr/bin, /usr/bin not on PATH")


def test_conda_prefix_left_over_in_a_virtualenv(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "conda-demo")
    (tmp_path / "gone-conda" / "conda-meta").mkdir(parents=True)  # conda itself is not here
    env = env_for(
        venv(tmp_path / "env"), cargo_target_dir, CONDA_PREFIX=str(tmp_path / "gone-conda")
    )
    fails, warns, _ = check(root, env)
    found("venv-conda-conflict", fails, warns)
    ran = run_cli("fix", "venv-conda-conflict", "--yes", cwd=root, env=env, timeout=180)
    assert ran.returncode == 2 and ran.stdout.strip() == "unset CONDA_PREFIX", ran.stderr
    del env["CONDA_PREFIX"]  # the printed line, carried out
    fails, warns, _ = check(root, env)
    assert "venv-conda-conflict" not in fails + warns
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "conda_demo", env)
    record("venv-conda-conflict", "a virtualenv and CONDA_PREFIX, conda not installed")


def test_pyo3_python_naming_a_missing_interpreter(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "nopy-demo")
    missing = str(tmp_path / "opt" / "python3.12" / "bin" / "python3.12")
    env = env_for(venv(tmp_path / "env"), cargo_target_dir, PYO3_PYTHON=missing)
    fails, warns, _ = check(root, env)
    # maturin develop builds for the virtualenv (it sets PYO3_PYTHON itself); cargo build
    # takes PYO3_PYTHON first and fails: a warning, with the virtualenv's Python as the fix
    found("pyo3-python-not-found", fails, warns)
    assert fails == [], fails
    python = tmp_path / "env" / "bin" / "python"
    ran = run_cli("fix", "pyo3-python-not-found", "--yes", cwd=root, env=env, timeout=180)
    assert ran.returncode == 2 and ran.stdout.startswith(f"export PYO3_PYTHON={python}"), (
        ran.stdout + ran.stderr
    )
    env["PYO3_PYTHON"] = str(python)  # the printed line, carried out
    fails, warns, _ = check(root, env)
    assert "pyo3-python-not-found" not in fails + warns
    develop(root, env)
    imports(python, "nopy_demo", env)
    record("pyo3-python-not-found", "PYO3_PYTHON names a missing file, a virtualenv active")


def test_cargo_and_rustc_off_path(tmp_path, cargo_target_dir, staged_path):
    cargo_bin = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo")) / "bin"
    if not (cargo_bin / "cargo").exists():
        pytest.skip(f"no rustup-installed Rust in {cargo_bin}")
    root = crate(tmp_path, "norust-demo")
    env_dir = venv(tmp_path / "env")
    path = staged_path(without=("rustc", "cargo", "rustup"))
    env = env_for(env_dir, cargo_target_dir, PATH=path)
    fails, warns, _ = check(root, env)
    found("rust-not-installed", fails, warns)
    ran = run_cli("fix", "rust-not-installed", "--yes", cwd=root, env=env, timeout=180)
    assert ran.returncode == 2 and ran.stdout.startswith(f"export PATH={cargo_bin}:"), ran.stderr
    env["PATH"] = f"{cargo_bin}{os.pathsep}{env['PATH']}"  # the printed line, carried out
    fails, warns, _ = check(root, env)
    assert "rust-not-installed" not in fails + warns
    develop(root, env)
    imports(env_dir / "bin" / "python", "norust_demo", env)
    record("rust-not-installed", "cargo, rustc and rustup in ~/.cargo/bin, not on PATH")


def test_toolchain_pinned_below_the_pyo3_msrv(tmp_path, cargo_target_dir):
    listed = subprocess.run(["rustup", "toolchain", "list"], capture_output=True, text=True)
    if not any(line.startswith("1.80-") for line in listed.stdout.splitlines()):
        pytest.skip("needs the rustup toolchain 1.80 (rustup toolchain install 1.80)")
    pin = '[toolchain]\nchannel = "1.80"\n'
    root = crate(tmp_path, "pin-demo", pyo3="0.29", **{"rust-toolchain.toml": pin})
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    fails, warns, doc = check(root, env)
    found("rustc-too-old", fails, warns)
    if not next(p for p in doc["probes"] if p["id"] == "rust")["facts"]["rust_toolchain_fit"]:
        pytest.skip("no installed toolchain is new enough to pin (nothing is downloaded)")
    assert "is fixed" in fix(root, "rustc-too-old", env)
    assert 'channel = "1.80"' not in (root / "rust-toolchain.toml").read_text()
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "pin_demo", env)
    record("rustc-too-old", "rust-toolchain.toml pins 1.80, PyO3 0.29 needs 1.83")


RUST_TEST = """
#[cfg(test)]
mod tests {
    use pyo3::prelude::*;

    #[test]
    fn python_adds() {
        Python::initialize();
        Python::attach(|py| {
            let two: i64 = py.eval(c"1 + 1", None, None).unwrap().extract().unwrap();
            assert_eq!(two, 2);
        });
    }
}
"""


def cargo_test(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["cargo", "test", "--lib"], cwd=root, env=env, capture_output=True, text=True, timeout=900
    )


def test_extension_module_always_on_with_a_rust_test(tmp_path, cargo_target_dir):
    # as `maturin new` writes it today (no [tool.maturin] features), with the feature put on
    # the pyo3 dependency and a Rust test that runs Python
    dep = 'pyo3 = { version = "0.27", features = ["extension-module"] }'
    root = crate(
        tmp_path, "emtest-demo", **{"pyproject.toml": support.PYPROJECT.format(name="emtest-demo")}
    )
    cargo = root / "Cargo.toml"
    cargo.write_text(cargo.read_text().replace('pyo3 = "0.27"', dep))
    with (root / "src" / "lib.rs").open("a") as fh:
        fh.write(RUST_TEST)
    state = str(tmp_path / "state")  # the backup `--undo` restores stays in the test
    env = env_for(venv(tmp_path / "env"), cargo_target_dir, XDG_STATE_HOME=state)
    assert cargo_test(root, env).returncode != 0  # the fault, for real: the test cannot link
    fails, warns, _ = check(root, env)
    found("extension-module-cargo-test", fails, warns)
    assert "is fixed" in fix(root, "extension-module-cargo-test", env)
    tested = cargo_test(root, env)
    assert tested.returncode == 0, tested.stderr[-3000:]
    fails, warns, _ = check(root, env)
    assert fails == [], fails  # and the wheel still does not link libpython
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "emtest_demo", env)
    undo = run_cli("fix", "--undo", cwd=root, env=env)
    assert undo.returncode == 0 and dep in cargo.read_text(), undo.stderr
    record("extension-module-cargo-test", "extension-module on pyo3, a #[test] using Python")


def test_no_virtualenv_for_maturin_develop(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "novenv-demo")
    env = env_for(None, cargo_target_dir)
    fails, warns, _ = check(root, env)
    failing("virtualenv-missing", fails, warns)
    refused(root, env, "Couldn't find a virtualenv or conda environment")
    assert "is fixed" in fix(root, "virtualenv-missing", env)
    develop(root, env)  # finds the new .venv without activation
    imports(root / ".venv" / "bin" / "python", "novenv_demo", env)
    record("virtualenv-missing", "no VIRTUAL_ENV, no .venv")


def test_crate_type_without_cdylib(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "rlib-demo")
    cargo = root / "Cargo.toml"
    cargo.write_text(cargo.read_text().replace('crate-type = ["cdylib"]', 'crate-type = ["rlib"]'))
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    fails, warns, _ = check(root, env)
    found("crate-type-not-cdylib", fails, warns)
    assert "is fixed" in fix(root, "crate-type-not-cdylib", env)
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "rlib_demo", env)
    record("crate-type-not-cdylib", 'crate-type = ["rlib"]')


def test_crate_type_under_package(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "pkgtype-demo")
    cargo = root / "Cargo.toml"
    text = cargo.read_text().replace('crate-type = ["cdylib"]\n', "")
    cargo.write_text(
        text.replace('edition = "2021"\n', 'edition = "2021"\ncrate-type = ["cdylib"]\n')
    )
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    fails, warns, _ = check(root, env)
    found("crate-type-not-cdylib", fails, warns)
    assert "is fixed" in fix(root, "crate-type-not-cdylib", env)
    assert "crate-type" not in tomlkit.parse(cargo.read_text())["package"]
    again = run_cli("fix", "crate-type-not-cdylib", "--yes", cwd=root, env=env, timeout=180)
    assert again.returncode == 0 and "nothing to fix" in again.stderr, again.stderr
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "pkgtype_demo", env)
    record("crate-type-not-cdylib", "crate-type under [package], no [lib]")


def test_abi3_feature_above_the_interpreter(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "abi-demo")
    cargo = root / "Cargo.toml"
    minor = sys.version_info[1]
    too_high = f'pyo3 = {{ version = "0.27", features = ["abi3-py3{minor + 1}"] }}'
    cargo.write_text(cargo.read_text().replace('pyo3 = "0.27"', too_high))
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    fails, warns, _ = check(root, env)
    found("abi3-misuse", fails, warns)
    assert "is fixed" in fix(root, "abi3-misuse", env)
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "abi_demo", env)
    record("abi3-misuse", "abi3-py3(X+1) with a Python 3.X venv")


def test_pyproject_without_build_system(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "nobs-demo")
    pyproject = root / "pyproject.toml"
    written = pyproject.read_text()
    pyproject.write_text(written.split("[project]")[1].join(["[project]", ""]))
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    fails, warns, doc = check(root, env)
    failing("project-file-invalid", fails, warns)
    assert doc["findings"][0]["location"] == f"{pyproject}:1:1"
    refused(root, env, "missing field `build-system`")
    pyproject.write_text(written)  # the correction the finding asks for, by hand
    assert check(root, env)[0] == []
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "nobs_demo", env)
    record("project-file-invalid", "pyproject.toml without [build-system]")


def test_maturin_features_as_a_string(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "fstr-demo")
    pyproject = root / "pyproject.toml"
    written = pyproject.read_text()
    as_list = 'features = ["pyo3/extension-module"]'
    pyproject.write_text(written.replace(as_list, 'features = "pyo3/extension-module"'))
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    fails, warns, doc = check(root, env)
    failing("project-file-invalid", fails, warns)
    line = next(i for i, t in enumerate(pyproject.read_text().splitlines(), 1) if "features" in t)
    assert doc["findings"][0]["location"] == f"{pyproject}:{line}:12"
    refused(root, env, "expected a sequence")
    pyproject.write_text(written)
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "fstr_demo", env)
    record("project-file-invalid", '[tool.maturin] features = "pyo3/extension-module"')


def test_pyo3_requirement_cargo_cannot_parse(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "req-demo", pyo3="0.2x")
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    fails, warns, _ = check(root, env)
    failing("project-file-invalid", fails, warns)
    assert "extension-module-missing" not in warns  # no finding built on a PyO3 "0.2"
    refused(root, env, "failed to parse the version requirement `0.2x`")
    cargo = root / "Cargo.toml"
    cargo.write_text(cargo.read_text().replace('"0.2x"', '"0.27"'))
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "req_demo", env)
    record("project-file-invalid", 'pyo3 = "0.2x" (cargo cannot parse it)')


def test_workspace_root_without_pyproject(tmp_path, cargo_target_dir):
    root = tmp_path / "ws"
    crate(root, "wsext-demo")
    (root / "wsext-demo" / "pyproject.toml").unlink()  # a Cargo-only extension crate
    (root / "Cargo.toml").write_text('[workspace]\nmembers = ["wsext-demo"]\nresolver = "2"\n')
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    fails, warns, doc = check(root, env)
    failing("maturin-workspace-root", fails, warns)
    step = doc["findings"][0]["fixes"][0]
    assert step["text"].startswith("maturin develop -m wsext-demo/Cargo.toml"), step
    refused(root, env, "missing field `package`")
    develop_args = ["-m", "wsext-demo/Cargo.toml"]  # the printed step, carried out
    built = subprocess.run(
        ["maturin", "develop", *develop_args], cwd=root, env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr[-3000:]
    imports(tmp_path / "env" / "bin" / "python", "wsext_demo", env)
    record("maturin-workspace-root", "[workspace] root, no pyproject.toml, one pyo3 member")


def test_module_named_like_a_stdlib_module(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "datetime")
    env_dir = venv(tmp_path / "env")
    env = env_for(env_dir, cargo_target_dir)
    fails, warns, _ = check(root, env)
    failing("module-name-shadows-stdlib", fails, warns)
    develop(root, env)  # installs fine, and `import datetime` still gives the stdlib's
    fails, warns, doc = check(root, env)
    failing("module-name-shadows-stdlib", fails, warns)
    built = next(p for p in doc["probes"] if p["id"] == "artifact")["summary"]
    assert "is installed" in built and "standard library" in built, built
    # the rename the finding asks for: a module name the standard library does not use
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            "[tool.maturin]", '[tool.maturin]\nmodule-name = "datetime_rs"'
        )
    )
    lib = root / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace("fn datetime(", "fn datetime_rs("))
    assert check(root, env)[0] == []
    develop(root, env)
    imports(env_dir / "bin" / "python", "datetime_rs", env)
    record("module-name-shadows-stdlib", "crate and module named datetime")


def test_pyo3_python_missing_beside_a_virtualenv(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "p3p-demo")
    env_dir = venv(tmp_path / "env")
    env = env_for(env_dir, cargo_target_dir, PYO3_PYTHON=str(tmp_path / "opt" / "python3.12"))
    fails, warns, _ = check(root, env)
    # maturin develop builds for the virtualenv: only cargo build and maturin build break
    assert fails == [] and warns == ["pyo3-python-not-found"], (fails, warns)
    develop(root, env)
    imports(env_dir / "bin" / "python", "p3p_demo", env)
    cargo = subprocess.run(
        ["cargo", "build"], cwd=root, env=env, capture_output=True, text=True, timeout=900
    )
    assert cargo.returncode != 0 and "failed to run the Python interpreter" in cargo.stderr
    record("pyo3-python-not-found", "PYO3_PYTHON names no file, a venv is active")


def test_virtualenv_python_too_old_whatever_pyo3_python_says(tmp_path, cargo_target_dir):
    old, new = pyenv_python("3.7"), pyenv_python("3.12")
    root = crate(tmp_path, "old37-demo", pyo3="0.29")
    env = env_for(venv(tmp_path / "env", old), cargo_target_dir, PYO3_PYTHON=new)
    fails, warns, doc = check(root, env)
    failing("python-version-too-old", fails, warns)
    refused(root, env, "lower than PyO3's minimum supported version")  # PYO3_PYTHON ignored
    finding = next(f for f in doc["findings"] if f["id"] == "python-version-too-old")
    assert not any((f.get("env") or {}).get("PYO3_PYTHON") for f in finding["fixes"])
    # the virtualenv the finding suggests, made with the Python it names
    step = next(f for f in finding["fixes"] if "virtualenv" in f["summary"])
    python, _, rest = step["text"].partition(" -m venv ")
    python = python.rsplit(" ", 1)[-1]
    fresh = Path(rest.split(",")[0])
    env = env_for(venv(fresh, python), cargo_target_dir, PYO3_PYTHON=new)
    develop(root, env)
    imports(fresh / "bin" / "python", "old37_demo", env)
    record("python-version-too-old", "a Python 3.7 venv, PYO3_PYTHON a 3.12, PyO3 0.29")


def test_requires_python_excludes_the_virtualenv_python(tmp_path, cargo_target_dir):
    root = crate(tmp_path, "rp-demo")
    pyproject = root / "pyproject.toml"
    written = pyproject.read_text()
    minor = sys.version_info[1]
    pyproject.write_text(
        written.replace("[tool.maturin]", f'requires-python = ">=3.{minor + 1}"\n\n[tool.maturin]')
    )
    env_dir = venv(tmp_path / "env")
    env = env_for(env_dir, cargo_target_dir)
    fails, warns, _ = check(root, env)
    failing("requires-python-excludes-interpreter", fails, warns)
    refused(root, env, "requires a different Python")  # pip refuses the wheel after the build
    pyproject.write_text(written)  # widened, by hand
    develop(root, env)
    imports(env_dir / "bin" / "python", "rp_demo", env)
    record("requires-python-excludes-interpreter", "requires-python above the venv's Python")


def test_zz_print_the_matrix():
    print("\nid                           | state" + " " * 48 + "| check | fix   | import")
    for row in MATRIX:
        print(row)


@pytest.mark.parametrize("moved", ["py", "src/python"])
def test_python_source_naming_a_folder_that_is_not_there(tmp_path, cargo_target_dir, moved):
    # the package was moved (python/ -> py/) and pyproject.toml still says python-source
    package = {f"{moved}/pysrc_demo/__init__.py": "from .pysrc_demo import *\n"}
    root = crate(tmp_path, "pysrc-demo", **package)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'python-source = "python"\n')
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    refused(root, env, "python-source is set to")
    fails, warns, _ = check(root, env)
    failing("maturin-path-missing", fails, warns)
    assert "is fixed" in fix(root, "maturin-path-missing", env)
    assert f'python-source = "{moved}"' in pyproject.read_text()
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "pysrc_demo", env)
    record("maturin-path-missing", f"python-source = python, the package in {moved}/")


def test_manifest_path_naming_a_crate_that_moved(tmp_path, cargo_target_dir):
    # a workspace whose extension crate moved from crates/py to crates/bindings
    member = crate(tmp_path / "ws", "bindings")
    root = tmp_path / "ws"
    (root / "crates").mkdir()
    member.rename(root / "crates" / "bindings")
    (root / "crates" / "bindings" / "pyproject.toml").rename(root / "pyproject.toml")
    (root / "Cargo.toml").write_text('[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n')
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'manifest-path = "crates/py/Cargo.toml"\n')
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    refused(root, env, "does not exist")
    fails, warns, _ = check(root, env)
    failing("maturin-path-missing", fails, warns)
    assert "is fixed" in fix(root, "maturin-path-missing", env)
    assert 'manifest-path = "crates/bindings/Cargo.toml"' in pyproject.read_text()
    develop(root, env)
    imports(tmp_path / "env" / "bin" / "python", "bindings", env)
    record("maturin-path-missing", "manifest-path names crates/py, the crate is crates/bindings")


def test_an_old_build_left_in_the_project_root(tmp_path, cargo_target_dir):
    # an earlier `cargo build` output copied next to Cargo.toml, for another Python
    root = crate(tmp_path, "stray-demo")
    env = env_for(venv(tmp_path / "env"), cargo_target_dir)
    (root / "stray_demo.so").write_bytes(b"\x7fELF not a loadable module")
    develop(root, env)
    python = tmp_path / "env" / "bin" / "python"
    code = "import stray_demo"
    ran = subprocess.run([str(python), "-c", code], cwd=root, env=env, capture_output=True)
    assert ran.returncode != 0  # from the root, the stray file is what Python loads
    fails, warns, doc = check(root, env)
    found("stray-extension-shadows", fails, warns)
    finding = next(f for f in doc["findings"] if f["id"] == "stray-extension-shadows")
    assert finding["fixes"][0]["text"].startswith("rm stray_demo.so"), finding["fixes"]
    (root / "stray_demo.so").unlink()  # the printed step, carried out
    fails, warns, _ = check(root, env)
    assert "stray-extension-shadows" not in fails + warns
    ran = subprocess.run([str(python), "-c", code], cwd=root, env=env, capture_output=True)
    assert ran.returncode == 0, ran.stderr
    record("stray-extension-shadows", "an old stray_demo.so in the project root")


def test_requires_python_excluding_the_virtualenvs_python(tmp_path, cargo_target_dir):
    old = pyenv_python("3.10")
    root = crate(tmp_path, "reqpy-demo")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text().replace(
        'version = "0.1.0"', 'version = "0.1.0"\nrequires-python = ">=3.11"', 1
    )
    pyproject.write_text(text)
    env = env_for(venv(tmp_path / "env", old), cargo_target_dir)
    refused(root, env, "requires a different Python")
    fails, warns, doc = check(root, env)
    failing("requires-python-excludes-interpreter", fails, warns)
    finding = next(f for f in doc["findings"] if f["id"] == "requires-python-excludes-interpreter")
    step = finding["fixes"][0]["text"]
    python, _, rest = step.partition(" -m venv ")
    new_env = Path(rest.split(",")[0])
    assert Path(python).is_file() and new_env.parent == root, step
    subprocess.run([python, "-m", "venv", str(new_env)], check=True)  # the step, carried out
    env = env_for(new_env, cargo_target_dir)
    fails, warns, _ = check(root, env)
    assert "requires-python-excludes-interpreter" not in fails + warns
    develop(root, env)
    imports(new_env / "bin" / "python", "reqpy_demo", env)
    record("requires-python-excludes-interpreter", "requires-python >=3.11, a 3.10 virtualenv")
