"""`?`: the keys, per screen, in two columns so that it fits 80x24."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

Section = tuple[str, tuple[tuple[str, str], ...]]

LEFT: tuple[Section, ...] = (
    (
        "Checks",
        (
            ("↑ ↓", "choose a check"),
            ("enter", "go to its fixes"),
            ("tab", "next fix list"),
            ("f, enter", "apply a fix (asks)"),
            ("c", "copy a fix command"),
            ("r", "run every check again"),
            ("d", "diagnose a paste"),
            ("k", "knowledge base"),
            ("q", "quit"),
        ),
    ),
)
RIGHT: tuple[Section, ...] = (
    ("Everywhere", (("ctrl+q", "quit"), ("?", "these keys"), ("escape", "back"))),
    ("Diagnose", (("paste", "diagnosed at once"), ("tab", "to the findings"), ("ctrl+l", "clear"))),
    ("Knowledge", (("type", "filter"), ("↓, enter", "to the list"))),
)


def keys_text(sections: tuple[Section, ...]) -> Text:
    text = Text()
    for i, (screen, keys) in enumerate(sections):
        text.append(("\n\n" if i else "") + screen, style="bold")
        for key, what in keys:
            text.append(f"\n {key:<9}", style="bold").append(what)
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static(Text("Keys  (escape closes)"), id="help-title")
            with Horizontal(id="help-columns"):
                yield Static(keys_text(LEFT), classes="help-keys")
                yield Static(keys_text(RIGHT), classes="help-keys")
