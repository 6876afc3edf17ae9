"""Every knowledge entry, narrowed by typing, with the highlighted one in full."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from pyo3_doctor.kb.entries import Entry
from pyo3_doctor.textsafe import clean_line
from pyo3_doctor.tui.backend import entry_matches, knowledge_entries
from pyo3_doctor.tui.text import entry_text

PRINTABLE = r"[^\x00-\x1f\x7f-\x9f]*"


class KnowledgeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("down", "focus_list", "List", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="knowledge")
        self._entries: dict[str, Entry] = dict(
            sorted(knowledge_entries().items(), key=lambda kv: kv[0])
        )

    def compose(self) -> ComposeResult:
        # no control characters: a pasted ESC must never reach the terminal
        yield Input(
            placeholder="Type to filter the knowledge base", id="filter", restrict=PRINTABLE
        )
        yield OptionList(id="entries")
        with VerticalScroll(id="entry-view"):
            yield Static("", id="entry-text")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#filter", Input).focus()

    def _fill(self, words: str) -> None:
        entries = self.query_one("#entries", OptionList)
        entries.clear_options()
        width = max((len(i) for i in self._entries), default=0)
        for entry in self._entries.values():
            if entry_matches(entry, words):
                prompt = Text(entry.id.ljust(width), style="bold").append(f"  {entry.title}")
                entries.add_option(Option(prompt, id=entry.id))
        if entries.option_count:
            entries.highlighted = 0
        else:
            self.query_one("#entry-text", Static).update(Text("No entry matches."))

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        safe = clean_line(event.value)
        if safe != event.value:  # a paste with control characters: never shown raw
            event.input.value = safe
            return
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def action_focus_list(self) -> None:
        self.query_one("#entries", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#entries")
    def _show(self, event: OptionList.OptionHighlighted) -> None:
        entry = self._entries.get(event.option.id or "")
        if entry is not None:
            self.query_one("#entry-text", Static).update(entry_text(entry))
            self.query_one("#entry-view", VerticalScroll).scroll_home(animate=False)
