"""The knowledge base: ids pinned to the public list, every file valid, the format strict."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from support import fresh_python

from pyo3_doctor.diagnosis.matcher import Matcher
from pyo3_doctor.engine import knowledge_base, knowledge_entry
from pyo3_doctor.kb.entries import (
    NOT_ENTRIES,
    KnowledgeError,
    fact_rules,
    parse_entries,
    validate,
)
from pyo3_doctor.kb.templates import fix_applies, render_fix

IDS_MD = Path(__file__).resolve().parents[3] / "shared" / "knowledge-ids.md"
# The public list, kept with the tests so the pin holds wherever they run.
IDS_TXT = Path(__file__).resolve().parents[1] / "corpus" / "public-ids.txt"
OURS = {"probe-timeout", "probe-crash"}  # pyo3-doctor's own trouble, not in the public list


def public_ids() -> set[str]:
    lines = IDS_TXT.read_text("utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_every_public_id_has_an_entry():
    ids = public_ids()
    assert len(ids) > 40
    assert ids <= set(knowledge_base()), sorted(ids - set(knowledge_base()))


@pytest.mark.skipif(not IDS_MD.exists(), reason="../shared/knowledge-ids.md is not here")
def test_the_kept_list_matches_the_published_one():
    published = set()
    for line in IDS_MD.read_text("utf-8").splitlines():
        cell = re.match(r"^\|\s*`([a-z0-9-]+)`\s*\|", line)
        if cell:
            published.add(cell.group(1))
    # Ids are only ever added: every published one is kept (a copy of the list older than
    # this checkout lacks the newest ids, which is fine).
    assert published <= public_ids(), sorted(published - public_ids())


def test_every_shipped_file_validates_on_its_own():
    folder = resources.files("pyo3_doctor.knowledge")
    names = [p.name for p in folder.iterdir() if p.name.endswith(".toml")]
    assert "runtime.toml" in names
    for name in names:
        if name in NOT_ENTRIES:
            continue
        parse_entries((folder / name).read_text("utf-8"), name)
    assert fact_rules()  # facts.toml, checked by its own loader
    assert set(knowledge_base()) >= OURS


def test_every_entry_is_complete():
    for entry in knowledge_base().values():
        assert entry.title and entry.why and entry.fixes, entry.id
        assert 0 <= entry.priority <= 100, entry.id
        if entry.id not in OURS:
            assert entry.docs, entry.id
        assert all(d.startswith("https://") for d in entry.docs), entry.id
        for needle in entry.needles:
            assert needle == needle.strip() and needle, entry.id
        for fix in entry.fixes:
            # renderers put "or:" before every step after the first
            assert not fix.summary.lower().startswith("or "), (entry.id, fix.summary)


def test_advice_fits_current_pyo3():
    text = " ".join(
        " ".join([e.why, *(f.summary + f.text for f in e.fixes)]) for e in knowledge_base().values()
    )
    assert "PYTHON_SYS_EXECUTABLE" not in text
    assert "&PyModule" not in text.replace("Bound<'_, PyModule>", "")
    contention = knowledge_base()["gil-contention"]
    new = [f for f in contention.fixes if fix_applies(f, {"pyo3_version": "0.27.1"})]
    old = [f for f in contention.fixes if fix_applies(f, {"pyo3_version": "0.22.6"})]
    assert [("detach" in f.text) for f in new] == [True]
    assert [("allow_threads" in f.text) for f in old] == [True]
    assert len([f for f in contention.fixes if fix_applies(f, {})]) == 2  # unknown: both


HEAD = "[a-b]\ntitle='t'\nseverity='fail'\nwhy='w'\n"
FIX = "[[a-b.fix]]\nsummary='s'\ntext='t'\n"
BAD = {
    "unknown key": "[a-b]\ntitle='t'\nseverity='fail'\nwhy='w'\ncolour='red'\n",
    "patterns without needles": "[a-b]\ntitle='t'\nseverity='fail'\nwhy='w'\npatterns=['x']\n",
    "bad severity": "[a-b]\ntitle='t'\nseverity='oops'\nwhy='w'\n",
    "bad guard": HEAD + FIX + "pyo3='>>0.2'\n",
    "bad id": "[A_b]\ntitle='t'\nseverity='fail'\nwhy='w'\n",
    "two fix kinds": HEAD + FIX + "argv=['x']\n",
    "fail_with on a fail entry": "[a-b]\ntitle='t'\nseverity='fail'\nwhy='w'\nfail_with=['x']\n",
    "fail_with not a list": "[a-b]\ntitle='t'\nseverity='warn'\nwhy='w'\nfail_with='x'\n",
    "unset of no variable": HEAD + "[[a-b.fix]]\nsummary='s'\nunset=['A B']\n",
    "unset of nothing": HEAD + "[[a-b.fix]]\nsummary='s'\nunset=[]\n",
}


@pytest.mark.parametrize("text", BAD.values(), ids=BAD.keys())
def test_malformed_entries_are_refused(text):
    with pytest.raises(KnowledgeError):
        parse_entries(text, "t.toml")


def test_a_bad_regex_is_refused_when_first_used():
    text = "[a-b]\ntitle='t'\nseverity='fail'\nwhy='w'\nneedles=['x']\npatterns=['(x']\n"
    entry = parse_entries(text, "t.toml")["a-b"]
    matcher = Matcher([entry])  # building it compiles nothing: a check never needs to
    with pytest.raises(KnowledgeError, match=r"\[a-b\]: bad regex"):
        list(matcher.match_line("x marks the line"))


def test_every_fact_rule_regex_compiles():
    for rule in fact_rules().values():
        assert len(rule.patterns + rule.exclude + rule.value_from) == len(
            rule.pattern_texts + rule.exclude_texts + rule.value_from_texts
        )


def test_every_shipped_regex_compiles_and_names_the_groups_it_declares():
    for entry in knowledge_base().values():
        compiled = entry.patterns + entry.exclude + entry.context
        assert len(compiled) == len(entry.pattern_texts + entry.exclude_texts + entry.context_texts)
        assert entry.group_names == {g for p in entry.patterns for g in p.groupindex}


def test_cross_checks_refuse_unknown_probes_placeholders_and_alternatives():
    base = "[a-b]\ntitle='t'\nseverity='fail'\nwhy='w {nope}'\n"
    with pytest.raises(KnowledgeError, match="placeholders"):
        validate(parse_entries(base, "t.toml"), set(), set())
    probes = "[a-b]\ntitle='t'\nseverity='fail'\nwhy='w'\nprobes=['nope']\n"
    with pytest.raises(KnowledgeError, match="probe"):
        validate(parse_entries(probes, "t.toml"), set(), {"rust"})
    alt = "[a-b]\ntitle='t'\nseverity='fail'\nwhy='w'\nalternatives=['c-d']\n"
    with pytest.raises(KnowledgeError, match="alternative"):
        validate(parse_entries(alt, "t.toml"), set(), set())
    # one entry checked alone (a check builds only those it found) names others by id
    validate(parse_entries(alt, "t.toml"), set(), set(), all_ids={"a-b", "c-d"})
    with pytest.raises(KnowledgeError, match="alternative"):
        validate(parse_entries(alt, "t.toml"), set(), set(), all_ids={"a-b", "e-f"})


def test_fail_with_raises_a_warn_entry_to_fail_when_its_fact_is_known():
    text = "[a-b]\ntitle='t'\nseverity='warn'\nwhy='w'\nfail_with=['import_error']\n"
    entry = parse_entries(text, "t.toml")["a-b"]
    validate({"a-b": entry}, {"import_error"}, set())
    with pytest.raises(KnowledgeError, match="placeholders"):
        validate({"a-b": entry}, set(), set())  # a fact no probe reports
    assert entry.severity_for({}).value == "warn"
    assert entry.severity_for({"import_error": ""}).value == "warn"
    assert entry.severity_for({"import_error": "ImportError: x"}).value == "fail"


def test_an_entry_built_alone_is_the_entry_built_with_all_the_others():
    # Built in a fresh process: here load() may have run already, and entry() would reuse it.
    code = (
        "import sys; from pyo3_doctor import engine as k\n"
        "alone = {i: k.knowledge_entry(i) for i in sys.argv[1:]}\n"
        "print(all(alone[i] == k.knowledge_base()[i] for i in alone), len(alone))"
    )
    ids = sorted(knowledge_base())
    assert fresh_python(code, *ids).split() == ["True", str(len(ids))]
    with pytest.raises(KeyError):
        knowledge_entry("no-such-entry")


def test_regex_groups_fill_fixes_and_unfilled_steps_turn_manual():
    entries = parse_entries(
        "[a-b]\ntitle='t'\nseverity='fail'\nwhy='w'\nneedles=['lib']\n"
        "patterns=['lib (?P<lib>\\w+)']\n"
        "[[a-b.fix]]\nsummary='install {lib}'\n"
        "argv=['{sudo}', 'apt-get', 'install', '{lib}-dev', '{python}']\n",
        "t.toml",
    )
    validate(entries, {"python"}, set())
    step = render_fix(entries["a-b"].fixes[0], {"lib": "ssl"}, is_root=True)
    assert step.argv[:3] == ("apt-get", "install", "ssl-dev")
    assert step.missing == ("python",) and step.applicability.value == "manual"


def test_machine_values_beside_log_values_are_named_once_and_never_inside_code():
    from dataclasses import replace

    from pyo3_doctor.kb.templates import fill_why

    entry = replace(
        knowledge_base()["python-version-too-old"],
        why="`PyInit_{module}` is missing. PyO3 {pyo3_version} takes {lo} to {hi}; "
        "this is {found}, PyO3 {pyo3_version} again.",
    )
    values = {"module": "s08", "pyo3_version": "0.29.3", "lo": "3.8", "hi": "3.15", "found": "3.7"}
    why = fill_why(entry, values, from_machine={"module", "pyo3_version"})
    assert "`PyInit_s08`" in why  # the code span as written
    assert why.count("on this machine") == 2
    assert "(on this machine: 0.29.3)." in why
    # nothing from a log: nothing to tell apart, no marks
    assert "on this machine" not in fill_why(entry, values, from_machine=set(values))
