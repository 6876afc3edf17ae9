"""An exception inside the running app: no traceback on the terminal, the CLI's one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_fakes import fixed

from pyo3_doctor.context import Context
from pyo3_doctor.model import Status
from pyo3_doctor.tui import app as app_module
from pyo3_doctor.tui import run_app
from pyo3_doctor.tui.app import DoctorApp


class BrokenApp(DoctorApp):
    """The real app with one bug added: its mount handler raises."""

    CSS_PATH = str(Path(app_module.__file__).with_name("doctor.tcss"))

    def on_mount(self) -> None:
        raise ZeroDivisionError("a bug in the app")


def test_the_exception_comes_out_of_the_app_and_nothing_is_printed(ctx: Context, capfd) -> None:
    app = BrokenApp([fixed("alpha", "Alpha", Status.OK, "fine")], ctx)
    with pytest.raises(ZeroDivisionError, match="a bug in the app"):
        run_app(app, headless=True)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    assert "ZeroDivisionError" not in out + err
