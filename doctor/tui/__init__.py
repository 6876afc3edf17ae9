"""The interactive front end: `pyo3-doctor` in a terminal.

Importing this package imports Textual, so `doctor.cli` imports it only on the interactive
path; `--json`, `check` and `diagnose` never load it.
"""

from __future__ import annotations

from doctor.context import Context


def run(ctx: Context) -> int:
    """Run the app over every registered probe; the exit code is 0 unless the app failed."""
    from doctor.tui.app import DoctorApp
    from probes import ALL

    app = DoctorApp(ALL, ctx)
    app.run()
    return app.return_code or 0
