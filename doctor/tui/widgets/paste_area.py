"""The Diagnose screen's text area, which neutralises what is pasted before showing it.

A TextArea writes its document to the terminal as is, and Textual strips only a few control
characters: an ESC in a pasted CI log could clear the screen or retitle the window. So every
paste goes through textsafe.clean first (colour sequences dropped, other controls made
visible); the matcher normalises colours anyway, so the diagnosis is the same. Carriage
returns are line ends first, as the terminal that sent the paste meant them.
"""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from pyo3_doctor.textsafe import as_terminal_shows, clean


class PasteArea(TextArea):
    def _insert_clean(self, text: str) -> None:
        if self.read_only or not text:
            return
        result = self.replace(clean(as_terminal_shows(text)), *self.selection)
        self.move_cursor(result.end_location)

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # TextArea's own handler would insert the raw text
        self._insert_clean(event.text)
        self.focus()

    def action_paste(self) -> None:
        self._insert_clean(self.app.clipboard)
