from __future__ import annotations

from pyo3_doctor.textsafe import clean, clean_line


def test_colour_sequences_are_removed_and_other_escapes_made_visible():
    assert clean("\x1b[31merror\x1b[0m") == "error"
    assert clean("\x1b]8;;http://evil\x07link\x1b]8;;\x07") == "link"
    assert clean("bell\x07") == "bell\\x07"
    assert clean("a\x1bc") == "a\\x1bc"
    assert clean("line\r\n") == "line\n"
    assert clean("\u202eevil\u202c") == "\\u202eevil\\u202c"
    assert clean("\x9b31m") == "\\x9b31m"


def test_markup_is_left_as_text_for_literal_renderers():
    assert clean("[bold]x[/]") == "[bold]x[/]"
    assert clean_line("a\nb\tc") == "a b c"


def test_carriage_returns_read_as_a_terminal_shows_them():
    from pyo3_doctor.textsafe import as_terminal_shows

    assert as_terminal_shows("a\rb\rc") == "a\nb\nc"  # a terminal's paste
    assert as_terminal_shows("a\r\nb\r\n") == "a\nb\n"
    assert as_terminal_shows("10%\r50%\r100%\nnext") == "100%\nnext"  # a progress bar
