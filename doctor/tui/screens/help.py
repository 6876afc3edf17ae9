"""`?`: the keys, per screen."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("Everywhere", (("ctrl+q", "quit"), ("?", "these keys"), ("escape", "back"))),
    (
        "Checks",
        (
            ("↑ ↓", "choose a check"),
            ("enter", "go to its fixes"),
            ("tab", "next fix list"),
            ("f / enter on a fix", "apply the fix (asks first)"),
            ("c", "copy the fix command"),
            ("r", "run every check again"),
            ("d", "diagnose a pasted error"),
            ("k", "browse the knowledge base"),
            ("q", "quit"),
        ),
    ),
    ("Diagnose", (("paste", "diagnosed at once"), ("tab", "to the findings"), ("ctrl+l", "clear"))),
    ("Knowledge", (("type", "filter"), ("↓ / enter", "to the list"))),
)


def keys_text() -> Text:
    text = Text()
    for i, (screen, keys) in enumerate(KEYS):
        text.append(("\n\n" if i else "") + screen, style="bold")
        for key, what in keys:
            text.append(f"\n  {key:<20}", style="bold").append(what)
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static(Text("Keys"), id="help-title")
            yield Static(keys_text(), id="help-keys")
