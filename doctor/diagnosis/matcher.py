"""Finds knowledge entries in a build log: one streaming pass, constant memory.

The log is read in 1 MiB binary blocks. A block is lowered and searched with `bytes.find`
(memchr speed) for the line keys (anchors.line_keys): the ANCHORS every diagnosable line
carries ("rror", "aused by" of maturin's "Caused by:", ...) and a word of every rule's needle
no anchor covers, so no line a rule could match is skipped. Only lines with a key are decoded,
normalised and checked for the rules' literal `needles` (in any case), and only rules whose
needle is present get their regexes tried. Everything else is never decoded or split into
lines, which keeps a 100 MB CI log cheap: one memchr pass per key plus a few microseconds per
candidate line.
Per entry only the earliest hit and a count are kept, so memory stays flat whatever the size;
the lines around a hit come from the block itself (plus a small tail of the previous one).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO, Union

from pyo3_doctor.diagnosis.anchors import line_keys
from pyo3_doctor.kb.entries import Entry
from pyo3_doctor.kb.facts import PRESENCE_FACTS, SETTING_FACTS, FactRule, normalised
from pyo3_doctor.textsafe import ANSI

BLOCK = 1 << 20
MAX_LINE = 64 * 1024  # longer lines are truncated for matching (a minified blob, a progress bar)
BEFORE = 3  # context lines kept before a hit
AFTER = 2  # and after it
FIRST_ERRORS = 5  # error-looking lines remembered for "no known cause"

# CI decoration in front of the message: GitHub Actions timestamps and `##[error]` markers,
# pip/uv's boxed subprocess output, cargo build-script warnings, indentation.
_PREFIX = re.compile(
    r"^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\s?)?"
    r"(?:##\[(?:error|warning|group|endgroup|debug|notice)\]\s*)?"
    r"(?:[\s│║┃|]*(?:[╰├└]─+\s?[>▶]?\s*)?)*"
    r"(?:>\s+)*"  # a quoted paste, a nix build log
    r"(?:cargo:warning=)?\s*"
)


class BinaryInput(Exception):
    """The input is not text (NUL bytes, or nothing in it decodes)."""


def normalise(raw: str) -> str:
    """One log line as the tool printed it, without CI noise around it."""
    if "\x1b" in raw:
        raw = ANSI.sub("", raw)
    if "\r" in raw:
        # a terminal shows what follows the last carriage return (progress bars, CRLF)
        parts = [p for p in raw.split("\r") if p.strip()]
        raw = parts[-1] if parts else ""
    return _PREFIX.sub("", raw, count=1).rstrip()


@dataclass
class Hit:
    """The earliest line where one entry matched (or, with no entry, the log's first error),
    with the lines around it."""

    entry: Entry | None
    line_no: int
    line: str
    groups: dict[str, str]
    before: list[tuple[int, str]]
    after: list[tuple[int, str]] = field(default_factory=list)
    count: int = 1


@dataclass(frozen=True)
class Fact:
    """A fact a log line states (kb.facts), where, and how surely."""

    kind: str
    value: str
    line_no: int
    line: str
    rule: str  # the fact rule's id
    confidence: str
    before: tuple[tuple[int, str], ...] = ()  # the lines just before it


FACTS_KEPT = 8  # distinct values kept per kind of fact, earliest first


@dataclass(frozen=True)
class Scan:
    """What a scan of a log found: matched entries, facts, first error lines, and its size."""

    hits: tuple[Hit, ...]  # best first: priority, then earliest line
    error_lines: tuple[tuple[int, str], ...]  # the first error-looking lines
    lines: int
    truncated_lines: int
    facts: Mapping[str, tuple[Fact, ...]] = field(default_factory=dict)  # kind -> earliest
    first_error: Hit | None = None  # the first error-looking line no entry explains


Rule = Union[Entry, FactRule]


class Matcher:
    """Entries' patterns and the log fact rules, indexed by their needles."""

    def __init__(self, entries: Iterable[Entry], facts: Iterable[FactRule] = ()) -> None:
        self.entries = tuple(e for e in entries if e.pattern_texts)  # compiled when first met
        self.rules: tuple[Rule, ...] = (*self.entries, *facts)
        by_needle: dict[str, list[Rule]] = {}
        for entry in self.rules:
            for needle in entry.needles:  # looked for in any case, like the anchors
                by_needle.setdefault(needle.lower(), []).append(entry)
        self.by_needle: Mapping[str, tuple[Rule, ...]] = {k: tuple(v) for k, v in by_needle.items()}
        self.needles = tuple(self.by_needle)
        # needles only rules of a log's setting have: no message starts on such a line
        self._unwrapped = tuple(
            n
            for n, rules in self.by_needle.items()
            if not all(isinstance(r, FactRule) and r.fact in SETTING_FACTS for r in rules)
        )
        self._unwrapped_set = frozenset(self._unwrapped)
        self._needle_bytes = tuple((n, n.encode("utf-8")) for n in self.needles)
        self.line_keys = line_keys(self.needles)

    def needles_in(self, lines: bytes) -> tuple[str, ...]:
        """The needles found anywhere in a batch of candidate lines: each of those lines can
        hold only these. One search per needle over the batch is far cheaper than one per
        needle and line, and most batches of a big log hold none at all."""
        folded = lines.lower()
        return tuple(n for n, raw in self._needle_bytes if raw in folded)

    def holds_needle(self, text: str, needles: tuple[str, ...] | None = None) -> bool:
        """Whether the line holds a needle of a rule that tells a cause (a message wrapped
        onto the next line may start here)."""
        folded = text.lower()
        among = self._unwrapped if needles is None else needles
        return any(n in folded for n in among if n in self._unwrapped_set)

    def match_line(
        self,
        text: str,
        needles: tuple[str, ...] | None = None,
        done: set[int] | frozenset[int] = frozenset(),
    ) -> Iterator[tuple[Rule, dict[str, str]]]:
        """Every entry or fact rule a single (normalised) line matches, with its regex
        groups. `needles`, when given, are the only ones the line can hold (needles_in);
        rules whose id() is in `done` are not tried (a fact already known as far as needed)."""
        among = self.needles if needles is None else needles
        folded = text.lower()
        present = [n for n in among if n in folded]  # the hot loop: keep it a comprehension
        if not present:
            return
        text = normalise(text)
        tried: set[int] = set(done)
        for needle in present:
            for entry in self.by_needle[needle]:
                if id(entry) in tried:
                    continue
                tried.add(id(entry))
                found = _first_match(entry, text)
                if found is not None:
                    yield entry, found


def continued(text: str, following: str) -> str | None:
    """`text` and the next line joined, when the next one continues it: a wrapped sentence
    (this line is long and ends mid-sentence, the next starts in lower case)."""
    head, tail = normalise(text).rstrip(), normalise(following).strip()
    if len(head) < 30 or not tail[:1].islower() or head[-1:] in ".:;!?)]}\"'`>":
        return None
    return f"{head} {tail}"


def _first_match(entry: Rule, text: str) -> dict[str, str] | None:
    if any(x.search(text) for x in entry.exclude):
        return None
    for pattern in entry.patterns:
        m = pattern.search(text)
        if m:
            return {k: v for k, v in m.groupdict().items() if v is not None}
    return None


def _decode(raw: bytes) -> str:
    return normalise(raw[:MAX_LINE].decode("utf-8", "replace"))


def refuse_binary(first: bytes) -> None:
    """Raise BinaryInput unless the first block of a (non-UTF-16) input reads as a text log."""
    from pyo3_doctor.diagnosis.early import binary_reason

    reason = binary_reason(first)
    if reason is not None:
        raise BinaryInput(reason)


def _blocks(stream: BinaryIO) -> Iterator[bytes]:
    """The log as UTF-8 blocks: binary input refused, UTF-16 (PowerShell's `>`) transcoded,
    a UTF-8 byte-order mark dropped, and lone carriage returns made line ends when they are
    the log's only line ends (a terminal paste); a CR inside an LF line (a progress bar, CRLF)
    stays for normalise()."""
    first = stream.read(BLOCK)
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        blocks = _utf16(first, stream)
        first = next(blocks, b"")
    else:
        refuse_binary(first)
        blocks = iter(lambda: stream.read(BLOCK), b"")
    first = first.removeprefix(codecs.BOM_UTF8)
    cr_ends = b"\r" in first and b"\n" not in first
    for block in _chain(first, blocks):
        if block:
            yield block.replace(b"\r", b"\n") if cr_ends else block


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _utf16(first: bytes, stream: BinaryIO) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder("utf-16")("replace")
    block = first
    while block:
        yield decoder.decode(block).encode("utf-8")
        block = stream.read(BLOCK)
    yield decoder.decode(b"", final=True).encode("utf-8")


class Scanner:
    def __init__(self, matcher: Matcher) -> None:
        self.m = matcher
        self.best: dict[str, Hit] = {}
        self.pending: list[Hit] = []  # hits still waiting for lines after them
        self.errors: list[tuple[int, str]] = []
        self.facts: dict[str, list[Fact]] = {}
        self.done: set[int] = set()  # rules not tried again (kb.facts.PRESENCE_FACTS seen)
        self.first_error: Hit | None = None
        self.truncated = 0
        self.next_region_first = False  # the last line scanned ended with ":"

    def run(self, stream: BinaryIO) -> Scan:
        return self.run_blocks(_blocks(stream))

    def run_blocks(self, blocks: Iterable[bytes]) -> Scan:
        """Scan UTF-8 blocks as _blocks() gives them."""
        tail = b""  # the last BEFORE complete lines already scanned (context for the next block)
        carry = b""  # an incomplete last line
        skipping = False  # inside an over-long line whose head was already scanned
        line_no = 1  # number of the first line after `tail`
        for data in blocks:
            if skipping:
                nl = data.find(b"\n")
                if nl < 0:
                    continue
                data = data[nl + 1 :]
                skipping = False
                line_no += 1
            buf = tail + carry + data
            start = len(tail)
            end = buf.rfind(b"\n") + 1
            if end <= start:  # no complete line yet
                carry = buf[start:]
                if len(carry) > MAX_LINE:
                    self._region(buf, start, len(buf), line_no)
                    self.truncated += 1
                    skipping = True
                    carry = b""
                continue
            self._region(buf, start, end, line_no)
            line_no += buf.count(b"\n", start, end)
            tail = _last_lines(buf, end, BEFORE)
            carry = buf[end:]
            if len(carry) > MAX_LINE:
                self._region(buf + b"\n", end, len(buf) + 1, line_no)
                self.truncated += 1
                skipping = True
                carry = b""
        if skipping:  # the log ended inside an over-long line: it still counts as one
            line_no += 1
        if carry:
            buf = tail + carry + b"\n"
            self._region(buf, len(tail), len(buf), line_no)
            line_no += 1
        return self.result(line_no - 1)

    def _region(self, buf: bytes, start: int, end: int, first_line: int) -> None:
        """Try every line of buf[start:end] that contains a needle."""
        if self.pending:
            self._fill_after(buf, start, end, first_line)
        starts: set[int] = set()
        if self.next_region_first:
            starts.add(start)
            self.next_region_first = False
        folded = buf.lower()  # ASCII-only, so every offset stays the same
        for anchor in self.m.line_keys:
            pos = folded.find(anchor, start, end)
            while pos >= 0:
                ls = buf.rfind(b"\n", start, pos) + 1
                starts.add(ls if ls > start else start)
                le = buf.find(b"\n", pos, end)
                if le < 0:
                    break
                # "Caused by:" and (Rust 1.73+) "panicked at src/x.rs:1:2:" put the message
                # on the next line, which has no anchor of its own
                if buf[le - 1 : le] == b":" or buf[le - 2 : le] == b":\r":
                    if le + 1 < end:
                        starts.add(le + 1)
                    else:
                        self.next_region_first = True
                pos = folded.find(anchor, le + 1, end)
        spans = []
        counted, counted_line = start, first_line
        for ls in sorted(starts):
            counted_line += buf.count(b"\n", counted, ls)
            counted = ls
            le = buf.find(b"\n", ls, end)
            spans.append((ls, end if le < 0 else le, counted_line))
        needles = self.m.needles_in(b"\n".join(buf[ls:le] for ls, le, _ in spans))
        for ls, le, line_no in spans:
            self._line(buf, ls, le, line_no, end, needles)

    def _line(
        self, buf: bytes, ls: int, le: int, line_no: int, end: int, needles: tuple[str, ...]
    ) -> None:
        # colour codes sit around words, not inside the phrases needles name: normalise later
        text = buf[ls : min(le, ls + MAX_LINE)].decode("utf-8", "replace")
        nl = buf.find(b"\n", le + 1, end) if le + 1 < end else -1
        following = buf[le + 1 : min(nl if nl >= 0 else end, le + 1 + 512)] if le + 1 < end else b""
        after = following.decode("utf-8", "replace")
        for hit in self.consider(text, line_no, lambda: _before(buf, ls, line_no), needles, after):
            self._collect_after(hit, buf, le, end)

    def consider(
        self,
        text: str,
        line_no: int,
        before: Callable[[], list[tuple[int, str]]],
        needles: tuple[str, ...] | None = None,
        following: str = "",
        quiet: bool = False,
    ) -> list[Hit]:
        """Match one candidate line; return the first hits of entries, still without `after`,
        and keep the facts it states. `needles` narrows the needles tried (see match_line).
        When nothing matches and the next line (`following`) continues it (a terminal or a
        paste wrapped the message), the two are tried as one."""
        new: list[Hit] = []
        matched = False  # a rule explains the line: it is no error line of its own
        stated = False  # only facts of a log's setting: known, but nothing explained
        lines_before: list[tuple[int, str]] | None = None
        for entry, groups in self.m.match_line(text, needles, self.done):
            if isinstance(entry, FactRule):
                if lines_before is None:
                    lines_before = before()
                kept = self._fact(entry, groups, text, line_no, lines_before)
                if kept and entry.fact in SETTING_FACTS:
                    stated = True
                    if entry.fact in PRESENCE_FACTS:  # seen: all a condition asks of them
                        self.done.add(id(entry))
                else:
                    matched = matched or kept
                continue
            if entry.context:
                if lines_before is None:
                    lines_before = before()
                if not _in_context(entry, normalise(text), lines_before):
                    continue
            matched = True
            seen = self.best.get(entry.id)
            if seen is not None:
                seen.count += 1
                # a later line of the same cause may name what the first did not (maturin's
                # "Failed to run rustc", then rustup's "toolchain '1.87.0' is not installed")
                for name, value in groups.items():
                    if value and not seen.groups.get(name):
                        seen.groups[name] = value
                continue
            if lines_before is None:
                lines_before = before()
            hit = Hit(entry, line_no, normalise(text), groups, lines_before)
            self.best[entry.id] = hit
            new.append(hit)
        # a message wrapped onto the next line starts here, so a needle of it is on this line
        wrapped = not (matched or stated) and following and self.m.holds_needle(text, needles)
        joined = continued(text, following) if wrapped else None
        if joined is not None:
            more = self.consider(joined, line_no, before, None, quiet=True)
            new += more
            matched = bool(more)
        if not matched and not quiet and _errorish(text):
            shown = normalise(text)
            if len(self.errors) < FIRST_ERRORS:
                self.errors.append((line_no, shown))
            first = self.first_error
            if first is None or (_WRAPPER.search(first.line) and not _WRAPPER.search(shown)):
                if lines_before is None:
                    lines_before = before()
                self.first_error = Hit(None, line_no, shown, {}, lines_before)
                new.append(self.first_error)
        return new

    def _fact(
        self,
        rule: FactRule,
        groups: dict[str, str],
        text: str,
        line_no: int,
        before: list[tuple[int, str]],
    ) -> bool:
        """Keep the fact `rule` found on this line (its value from the line, the rule or the
        lines just before); False when no value can be told."""
        value = groups.get("value") or rule.value
        if not value:
            for _number, earlier in reversed(before):
                found = next((m for p in rule.value_from if (m := p.search(earlier))), None)
                if found is not None:
                    value = found.group("value")
                    break
        if not value:
            return False
        value = normalised(rule.fact, value)
        kept = self.facts.setdefault(rule.fact, [])
        if len(kept) < FACTS_KEPT and all(f.value != value for f in kept):
            shown = normalise(text)
            kept.append(
                Fact(rule.fact, value, line_no, shown, rule.id, rule.confidence, tuple(before))
            )
        return True

    def result(self, lines: int) -> Scan:
        hits = sorted(self.best.values(), key=lambda h: (-h.entry.priority, h.line_no))
        facts = {kind: tuple(found) for kind, found in self.facts.items()}
        return Scan(tuple(hits), tuple(self.errors), lines, self.truncated, facts, self.first_error)

    def _collect_after(self, hit: Hit, buf: bytes, le: int, end: int) -> None:
        pos = le + 1
        while len(hit.after) < AFTER and pos < end:
            nl = buf.find(b"\n", pos, end)
            nl = end if nl < 0 else nl
            hit.after.append((hit.line_no + len(hit.after) + 1, _decode(buf[pos:nl])))
            pos = nl + 1
        if len(hit.after) < AFTER:
            self.pending.append(hit)

    def _fill_after(self, buf: bytes, start: int, end: int, first_line: int) -> None:
        for hit in self.pending:
            pos = start
            while len(hit.after) < AFTER and pos < end:
                nl = buf.find(b"\n", pos, end)
                nl = end if nl < 0 else nl
                hit.after.append((hit.line_no + len(hit.after) + 1, _decode(buf[pos:nl])))
                pos = nl + 1
        self.pending = [h for h in self.pending if len(h.after) < AFTER]


def _in_context(entry: Entry, text: str, before: list[tuple[int, str]]) -> bool:
    return any(c.search(t) for c in entry.context for t in (text, *(t for _, t in before)))


# The lines tools print around another tool's failure, not the failure itself: the log's real
# error is the first error line that is none of these.
_WRAPPER = re.compile(
    r"(?i)subprocess-exited-with-error|did not run successfully|Failed building wheel|"
    r"failed-wheel-build|metadata-generation-failed|could not compile `|maturin failed|"
    r"error originates from a subprocess|ChefBuildError|Backend subprocess exited|"
    r"^(?:##\[error\])?Process completed with exit code|Failed to build |"
    r"exit (?:code|status):? \d+|returned non-zero exit status|"
    r"^error: command .* exited with|build failed, waiting for other jobs"
)


def _errorish(text: str) -> bool:
    low = text.lower()
    return any(w in low for w in ("error", "panicked", "failed", "segmentation fault", "fatal"))


def _before(buf: bytes, ls: int, line_no: int) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    pos = ls - 1  # the newline ending the previous line
    while len(lines) < BEFORE and pos >= 0:
        prev = buf.rfind(b"\n", 0, pos) + 1
        lines.append((line_no - len(lines) - 1, _decode(buf[prev:pos])))
        pos = prev - 1
    lines.reverse()
    return [(n, t) for n, t in lines if n >= 1]


def _last_lines(buf: bytes, end: int, count: int) -> bytes:
    pos = end - 1
    for _ in range(count):
        if pos <= 0:
            return buf[:end]
        pos = buf.rfind(b"\n", 0, pos)
        if pos < 0:
            return buf[:end]
    return buf[pos + 1 : end]
