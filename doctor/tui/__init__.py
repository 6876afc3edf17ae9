"""The interactive front end: `pyo3-doctor` in a terminal.

Importing this package imports Textual, so `pyo3_doctor.cli.main` imports it only on the interactive
path; `--json`, `check` and `diagnose` never load it.

May import: every room but the CLI; it reaches them through tui/backend.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyo3_doctor.context import Context

if TYPE_CHECKING:
    from pyo3_doctor.tui.app import DoctorApp


def run(ctx: Context) -> int:
    """Run the app over every registered probe; the exit code is 0 unless the app failed."""
    from pyo3_doctor.probes import ALL
    from pyo3_doctor.tui.app import DoctorApp

    return run_app(DoctorApp(ALL, ctx))


def run_app(app: DoctorApp, headless: bool = False) -> int:
    """Run `app` to its end. An exception inside it is raised here, after the terminal is
    restored, for pyo3_doctor.cli.main.main to turn into one line and a crash log."""
    app.run(headless=headless)
    if app.crash is not None:
        raise app.crash
    return app.return_code or 0
