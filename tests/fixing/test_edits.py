"""Real edits on copies of rich-format projects: only the edited line changes, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixkit import (
    CARGO,
    CARGO_INLINE_LIB,
    PYPROJECT,
    changed_lines,
    context,
    edit,
    mismatch_project,
    patch,
)

from pyo3_doctor.fixing import steps as fixes
from pyo3_doctor.model import FixStep


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Backups and the undo record go under the test's folder, never the user's."""
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state


def apply_step(root: Path, step: FixStep) -> fixes.Outcome:
    ctx = context(root)
    return fixes.apply(fixes.plan(step, ctx), ctx)


def eol(crlf: bool) -> str:
    return "\r\n" if crlf else "\n"


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_lib_name_edit_changes_only_that_line(tmp_path: Path, crlf: bool) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name", crlf=crlf)
    before = (root / "Cargo.toml").read_bytes()
    outcome = apply_step(root, edit("Cargo.toml", "lib.name", '"demo"'))
    assert outcome.ok, outcome.message
    removed, added = changed_lines(before, (root / "Cargo.toml").read_bytes())
    assert removed == [f'name = "wrong"     # the crate\'s lib name{eol(crlf)}']
    assert added == [f'name = "demo"     # the crate\'s lib name{eol(crlf)}']


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_module_name_edit_keeps_comment_and_neighbours(tmp_path: Path, crlf: bool) -> None:
    root = mismatch_project(tmp_path / "p", "module-name", crlf=crlf)
    before = (root / "pyproject.toml").read_bytes()
    outcome = apply_step(root, edit("pyproject.toml", "tool.maturin.module-name", '"demo"'))
    assert outcome.ok, outcome.message
    removed, added = changed_lines(before, (root / "pyproject.toml").read_bytes())
    assert removed == [f"module-name = 'wrong'   # the key the fix edits{eol(crlf)}"]
    assert added == [f'module-name = "demo"   # the key the fix edits{eol(crlf)}']


def test_inline_table_edit_changes_only_the_inline_line(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    (root / "Cargo.toml").write_text(CARGO_INLINE_LIB.format(lib="wrong"))
    before = (root / "Cargo.toml").read_bytes()
    assert apply_step(root, edit("Cargo.toml", "lib.name", '"demo"')).ok
    removed, added = changed_lines(before, (root / "Cargo.toml").read_bytes())
    assert removed == ['lib = { name = "wrong", crate-type = ["cdylib"] }   # inline table form\n']
    assert added == ['lib = { name = "demo", crate-type = ["cdylib"] }   # inline table form\n']


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_new_key_is_only_added(tmp_path: Path, crlf: bool) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name", crlf=crlf)
    before = (root / "pyproject.toml").read_bytes()
    outcome = apply_step(root, edit("pyproject.toml", "tool.maturin.module-name", '"demo"'))
    assert outcome.ok, outcome.message
    removed, added = changed_lines(before, (root / "pyproject.toml").read_bytes())
    assert removed == [] and added == [f'module-name = "demo"{eol(crlf)}']


def test_new_table_in_a_crlf_file_stays_crlf(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name", crlf=True)
    text = PYPROJECT.split("[tool.maturin]")[0].replace("\n", "\r\n")
    (root / "pyproject.toml").write_bytes(text.encode())
    assert apply_step(root, edit("pyproject.toml", "tool.maturin.module-name", '"demo"')).ok
    removed, added = changed_lines(text.encode(), (root / "pyproject.toml").read_bytes())
    assert removed == []
    assert added and all(line.endswith("\r\n") for line in added)
    assert "[tool.maturin]\r\n" in added and 'module-name = "demo"\r\n' in added


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_patch_replaces_one_line(tmp_path: Path, crlf: bool) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name", crlf=crlf)
    before = (root / "src/lib.rs").read_bytes()
    outcome = apply_step(root, patch(10, "#[pymodule]", '#[pymodule(name = "wrong")]'))
    assert outcome.ok, outcome.message
    removed, added = changed_lines(before, (root / "src/lib.rs").read_bytes())
    assert removed == [f"#[pymodule]{eol(crlf)}"]
    assert added == [f'#[pymodule(name = "wrong")]{eol(crlf)}']


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_patch_inserting_a_line_uses_the_files_line_ending(tmp_path: Path, crlf: bool) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name", crlf=crlf)
    before = (root / "src/lib.rs").read_bytes()
    step = patch(10, "#[pymodule]", '#[pymodule]\n#[pyo3(name = "wrong")]')
    assert apply_step(root, step).ok
    removed, added = changed_lines(before, (root / "src/lib.rs").read_bytes())
    assert removed == [] and added == [f'#[pyo3(name = "wrong")]{eol(crlf)}']


def test_patch_preview_is_a_diff_and_changes_nothing(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    before = (root / "src/lib.rs").read_bytes()
    plan = fixes.plan(patch(10, "#[pymodule]", '#[pymodule(name = "wrong")]'), context(root))
    assert plan.kind == "patch" and plan.runnable
    assert "--- a/src/lib.rs\n+++ b/src/lib.rs\n" in plan.preview
    assert '-#[pymodule]\n+#[pymodule(name = "wrong")]\n' in plan.preview
    assert (root / "src/lib.rs").read_bytes() == before


@pytest.mark.parametrize(
    ("line", "old"),
    [(9, "#[pymodule]"), (10, "#[pymodule] "), (10, "#[pymodule(gil_used = false)]"), (99, "x")],
    ids=["other-line", "trailing-space", "other-text", "past-the-end"],
)
def test_patch_whose_old_text_is_not_at_its_line_is_refused(
    tmp_path: Path, line: int, old: str
) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    before = (root / "src/lib.rs").read_bytes()
    with pytest.raises(fixes.FixError, match="line"):
        fixes.plan(patch(line, old, '#[pymodule(name = "wrong")]'), context(root))
    assert (root / "src/lib.rs").read_bytes() == before


def test_unfilled_patch_is_shown_not_run(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    step = FixStep(
        "Rename the module",
        patch={"file": "{rust_patch_file}", "line": "{rust_patch_line}", "old": "a", "new": "b"},
        missing=("rust_patch_file", "rust_patch_line"),
    )
    plan = fixes.plan(step, context(root))
    assert not plan.runnable and plan.preview == "Rename the module"
    assert not fixes.apply(plan, context(root)).ok


def test_toml_value_kinds(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    assert apply_step(root, edit("Cargo.toml", "lib.crate-type", '["cdylib", "rlib"]')).ok
    text = (root / "Cargo.toml").read_text()
    assert 'crate-type = ["cdylib", "rlib"]' in text
    assert text.replace('crate-type = ["cdylib", "rlib"]', 'crate-type = [ "cdylib",   ]') == (
        CARGO.format(lib="wrong")
    )


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_an_edit_that_moves_a_key_removes_it_where_it_was(tmp_path: Path, crlf: bool) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name", crlf=crlf)
    cargo = root / "Cargo.toml"
    text = cargo.read_bytes().decode()
    # crate-type under [package] (where Cargo ignores it), no [lib] table
    moved = text.replace(
        f"edition = '2021'{eol(crlf)}",
        f"edition = '2021'{eol(crlf)}crate-type = [\"cdylib\"]  # here by mistake{eol(crlf)}",
    )
    moved = (
        moved.split(f"[lib]{eol(crlf)}")[0] + "[dependencies]" + moved.split("[dependencies]")[1]
    )
    cargo.write_bytes(moved.encode())
    step = FixStep(
        "move",
        edit={
            "file": "Cargo.toml",
            "key": "lib.crate-type",
            "value": '["cdylib"]',
            "remove": "package.crate-type",
        },
    )
    outcome = apply_step(root, step)
    assert outcome.ok, outcome.message
    removed, added = changed_lines(moved.encode(), cargo.read_bytes())
    assert removed == [f'crate-type = ["cdylib"]  # here by mistake{eol(crlf)}']
    assert [line.strip() for line in added if line.strip()] == ["[lib]", 'crate-type = ["cdylib"]']
    assert all(line.endswith(eol(crlf)) for line in added)
