"""`pyo3-doctor fix` as a user runs it, on copies of projects with a module-name mismatch."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixkit import (
    changed_lines,
    context,
    finding_ids,
    mismatch_project,
    report_of,
    run_cli,
    snapshot,
)

from pyo3_doctor.cli import fix as fix_command

FORMS = {
    # form -> (file the TOML fix edits, the line before, the line after)
    "lib-name": (
        "Cargo.toml",
        'name = "wrong"     # the crate\'s lib name\n',
        'name = "demo"     # the crate\'s lib name\n',
    ),
    "module-name": (
        "pyproject.toml",
        "module-name = 'wrong'   # the key the fix edits\n",
        'module-name = "demo"   # the key the fix edits\n',
    ),
}


def fix(root: Path, home: Path, *args: str, stdin: str | None = None):
    return run_cli("fix", *args, "--project", str(root), home=home, cwd=root, stdin=stdin)


def mismatch_in_report(root: Path, home: Path) -> bool:
    report = report_of(run_cli("check", "--json", "--project", str(root), home=home))
    return "module-name-mismatch" in finding_ids(report)


# The default step renames the Rust module to the name the build gives the module (`import
# wrong` keeps working); step 2 is the TOML key, named after the Rust code.
TOML_STEP = ("--step", "2")


@pytest.mark.parametrize("form", sorted(FORMS))
def test_dry_run_shows_a_diff_and_changes_nothing(tmp_path: Path, form: str) -> None:
    root = mismatch_project(tmp_path / "p", form)
    before = snapshot(root)
    proc = fix(root, tmp_path / "home", "module-name-mismatch", *TOML_STEP, "--dry-run")
    assert proc.returncode == 0, proc.stderr
    file, old, new = FORMS[form]
    assert f"--- a/{file}\n+++ b/{file}\n" in proc.stdout
    assert f"-{old}" in proc.stdout and f"+{new}" in proc.stdout
    assert "dry run: nothing was changed" in proc.stderr
    assert snapshot(root) == before
    assert not (tmp_path / "home" / "state" / "pyo3-doctor" / "backups").exists()


@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_terminal_and_no_yes_refuses(tmp_path: Path, form: str) -> None:
    root = mismatch_project(tmp_path / "p", form)
    before = snapshot(root)
    proc = fix(root, tmp_path / "home", "module-name-mismatch")  # stdin is /dev/null
    assert proc.returncode == 2, proc.stderr
    assert "pass --yes" in proc.stderr and "nothing was changed" in proc.stderr
    assert snapshot(root) == before


def test_piped_answer_is_not_a_confirmation(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    before = snapshot(root)
    proc = fix(root, tmp_path / "home", "module-name-mismatch", stdin="y\n")
    assert proc.returncode == 2 and snapshot(root) == before


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("form", sorted(FORMS))
def test_yes_repairs_it_and_keeps_every_other_line(tmp_path: Path, form: str, crlf: bool) -> None:
    root = mismatch_project(tmp_path / "p", form, crlf=crlf)
    home = tmp_path / "home"
    before = snapshot(root)
    proc = fix(root, home, "module-name-mismatch", *TOML_STEP, "--yes")
    assert proc.returncode == 0, proc.stderr
    assert "re-checked: module-name-mismatch is fixed" in proc.stderr
    assert not mismatch_in_report(root, home)
    after = snapshot(root)
    file, old, new = FORMS[form]
    eol = "\r\n" if crlf else "\n"
    assert changed_lines(before[file], after[file]) == (
        [old.replace("\n", eol)],
        [new.replace("\n", eol)],
    )
    assert {k: v for k, v in after.items() if k != file} == {
        k: v for k, v in before.items() if k != file
    }


@pytest.mark.parametrize("form", sorted(FORMS))
def test_the_default_step_keeps_the_import_name_and_undo_restores_the_bytes(
    tmp_path: Path, form: str
) -> None:
    root = mismatch_project(tmp_path / "p", form)
    home = tmp_path / "home"
    before = snapshot(root)
    dry = fix(root, home, "module-name-mismatch", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Plan (step 1 of 2)" in dry.stderr
    assert '-#[pymodule]\n+#[pymodule(name = "wrong")]\n' in dry.stdout
    assert snapshot(root) == before
    proc = fix(root, home, "module-name-mismatch", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert "is fixed" in proc.stderr
    assert not mismatch_in_report(root, home)
    after = snapshot(root)
    assert changed_lines(before["src/lib.rs"], after["src/lib.rs"]) == (
        ["#[pymodule]\n"],
        ['#[pymodule(name = "wrong")]\n'],
    )
    assert {k: v for k, v in after.items() if k != "src/lib.rs"} == {
        k: v for k, v in before.items() if k != "src/lib.rs"
    }
    undo = run_cli("fix", "--undo", home=home, cwd=root)
    assert undo.returncode == 0, undo.stderr
    assert "restored" in undo.stderr
    assert snapshot(root) == before
    assert mismatch_in_report(root, home)
    again = run_cli("fix", "--undo", home=home, cwd=root)
    assert again.returncode == 1 and "no fix to undo" in again.stderr


def test_undo_of_a_toml_fix_restores_the_bytes(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "module-name", crlf=True)
    home = tmp_path / "home"
    before = snapshot(root)
    assert fix(root, home, "module-name-mismatch", *TOML_STEP, "--yes").returncode == 0
    assert snapshot(root) != before
    assert run_cli("fix", "--undo", home=home, cwd=root).returncode == 0
    assert snapshot(root) == before


def test_undo_refuses_when_the_file_changed_since(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    home = tmp_path / "home"
    assert fix(root, home, "module-name-mismatch", *TOML_STEP, "--yes").returncode == 0
    with (root / "Cargo.toml").open("a") as fh:
        fh.write("# more work\n")
    theirs = snapshot(root)
    undo = run_cli("fix", "--undo", home=home, cwd=root)
    assert undo.returncode == 1 and "changed since the fix" in undo.stderr
    assert snapshot(root) == theirs


def test_recheck_reads_the_files_again_and_reports_what_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-check must not see the project parsed before the fix (the Context memo)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = mismatch_project(tmp_path / "p", "lib-name")
    ctx = context(root)
    (finding,) = fix_command._findings(ctx, "module-name-mismatch")  # parses and memoises
    assert fix_command._recheck(ctx, finding) == 1  # nothing changed: still there
    err = capsys.readouterr().err
    assert "module-name-mismatch is still there" in err
    assert "seen: maturin builds wrong ([lib] name) but src/lib.rs:11 exports PyInit_demo" in err
    cargo = root / "Cargo.toml"
    cargo.write_text(cargo.read_text().replace('name = "wrong"', 'name = "demo"'))
    assert fix_command._recheck(ctx, finding) == 0  # the same ctx, but the edit is seen
    assert "module-name-mismatch is fixed" in capsys.readouterr().err


def test_no_such_finding_is_nothing_to_fix(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    before = snapshot(root)
    proc = fix(root, tmp_path / "home", "linker-missing", "--yes")
    assert proc.returncode == 0 and "nothing to fix" in proc.stderr
    assert snapshot(root) == before


def test_manual_step_shows_text_and_docs_and_changes_nothing(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "module-name")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("module-name = ", "module_name = "))
    before = snapshot(root)
    proc = fix(root, tmp_path / "home", "maturin-config-unknown-key", "--yes")
    assert proc.returncode == 2, proc.stderr
    assert "rename `module_name` to `module-name`" in proc.stdout
    assert "docs: https://www.maturin.rs/config.html" in proc.stderr
    assert snapshot(root) == before


def test_step_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    proc = fix(root, tmp_path / "home", "module-name-mismatch", "--step", "9", "--yes")
    assert proc.returncode == 2 and "--step must be between 1 and 2" in proc.stderr


@pytest.mark.parametrize("option", [["--json"], ["--format", "github"]])
def test_a_machine_format_is_refused_not_ignored(tmp_path: Path, option: list[str]) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    before = snapshot(root)
    proc = fix(root, tmp_path / "home", "module-name-mismatch", "--yes", *option)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "JSON report of `pyo3-doctor --json`" in proc.stderr
    assert snapshot(root) == before


def test_fix_without_an_id_walks_every_fixable_finding_then_names_the_rebuild(
    tmp_path: Path,
) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"maturin>=1.0,<2.0"', '"maturin>=99"'))
    home = tmp_path / "home"
    proc = fix(root, home, "--yes")
    assert proc.returncode == 0, proc.stderr
    assert "module-name-mismatch is fixed" in proc.stderr
    assert "maturin-version is fixed" in proc.stderr
    assert "next: rebuild and install the extension with `maturin develop`" in proc.stderr
    left = finding_ids(report_of(run_cli("check", "--json", "--project", str(root), home=home)))
    assert "module-name-mismatch" not in left and "maturin-version" not in left


def test_fix_without_an_id_and_nothing_to_fix(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    proc = run_cli("fix", "--yes", cwd=tmp_path / "empty", home=tmp_path / "home")
    assert proc.returncode == 0 and "nothing to fix" in proc.stderr


@pytest.mark.parametrize("step", ["1", "2"])
def test_four_fixes_at_once_change_the_project_once(tmp_path: Path, step: str) -> None:
    import subprocess
    import sys

    from support import REPO, clean_env

    root = mismatch_project(tmp_path / "p", "lib-name")
    env = clean_env(PYTHONPATH=str(REPO), XDG_STATE_HOME=str(tmp_path / "state"))
    argv = [sys.executable, "-m", "pyo3_doctor", "fix", "module-name-mismatch", "--yes"]
    runs = [
        subprocess.Popen(
            [*argv, "--step", step],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    for run in runs:
        _out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err.decode()[-2000:]
    lib_rs = (root / "src" / "lib.rs").read_text()
    assert lib_rs.count("name =") <= 1, lib_rs  # never a stacked #[pyo3(name = ...)]
    home = tmp_path / "home"
    assert not mismatch_in_report(root, home)


def test_a_module_name_no_import_can_write_is_never_written_into_a_file(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "module-name")
    pyproject = root / "pyproject.toml"
    hostile = 'module-name = "demo\\u001b[2J\\nevil"'
    pyproject.write_text(pyproject.read_text().replace("module-name = 'wrong'", hostile))
    before = snapshot(root)
    proc = fix(root, tmp_path / "home", "module-name-mismatch", "--yes", "--step", "2")
    assert snapshot(root) == before, proc.stderr
    assert "\x1b" not in proc.stdout + proc.stderr
