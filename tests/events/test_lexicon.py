"""Every lexicon entry carries an example sentence of ours, and must code it."""

from __future__ import annotations

import pytest
import yaml

from detente.events.lexicon import LexiconError, load_lexicon, parse_lexicon

LEXICON = load_lexicon()
WITH_EXAMPLES = [e for e in LEXICON.entries if e.example]


def test_every_entry_has_an_example_sentence():
    assert [e.id for e in LEXICON.entries if not e.example] == []


def test_all_sixteen_plover_types_have_triggers():
    from detente.ontology import load_ontology

    assert {e.event for e in LEXICON.entries} == set(load_ontology().event_types)


@pytest.mark.parametrize("entry", WITH_EXAMPLES, ids=[e.id for e in WITH_EXAMPLES])
def test_entry_codes_its_example(entry, code):
    events = code(entry.example)
    fired = [e for e in events if e.evidence.rule.split("/")[0] == entry.id]
    assert fired, f"{entry.id} did not fire on: {entry.example!r}; got {[e.evidence.rule for e in events]}"
    assert all(e.event == entry.event for e in fired)
    assert any(e.actor.code or e.recipient for e in fired)


def test_malformed_entries_are_named(tmp_path):
    with pytest.raises(LexiconError, match="entry 1 .*unknown PLOVER event type 'PARLEY'"):
        parse_lexicon({"entries": [{"id": "x.v", "lemma": "x", "pos": "verb", "event": "PARLEY"}]}, "t.yaml")
    with pytest.raises(LexiconError, match="has no mode 'teleport'"):
        parse_lexicon({"entries": [{"id": "x.v", "lemma": "x", "pos": "verb", "event": "CONSULT", "mode": "teleport"}]}, "t.yaml")
    with pytest.raises(LexiconError, match="duplicate id"):
        entry = {"id": "x.v", "lemma": "x", "pos": "verb", "event": "CONSULT"}
        parse_lexicon({"entries": [entry, entry]}, "t.yaml")
    with pytest.raises(LexiconError, match="light_verbs holds .*a comma missing"):
        parse_lexicon({"light_verbs": ["hold", "put conclude"], "entries": []}, "t.yaml")
    path = tmp_path / "bad.yaml"
    path.write_text("entries: [unclosed", encoding="utf-8")
    with pytest.raises(LexiconError, match="bad.yaml: not valid YAML"):
        load_lexicon(path)


def test_user_lexicon_file_replaces_the_packaged_one(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"entries": [{"id": "parley.v", "lemma": "parley", "pos": "verb", "event": "CONSULT"}]}))
    lexicon = load_lexicon(path)
    assert [e.id for e in lexicon.entries] == ["parley.v"]


def test_untargeted_fallback_is_validated():
    entry = {"id": "x.v", "lemma": "x", "pos": "verb", "event": "ASSAULT", "untargeted": {"event": "MOBILIZE", "mode": "weapons"}}
    [parsed] = parse_lexicon({"entries": [entry]}, "t.yaml").entries
    assert parsed.untargeted == ("MOBILIZE", "weapons", None)
    with pytest.raises(LexiconError, match="MOBILIZE has no mode 'teleport'"):
        parse_lexicon({"entries": [{**entry, "untargeted": {"event": "MOBILIZE", "mode": "teleport"}}]}, "t.yaml")
    with pytest.raises(LexiconError, match="untargeted must be a mapping"):
        parse_lexicon({"entries": [{**entry, "untargeted": "MOBILIZE"}]}, "t.yaml")


def test_the_armed_alternative_is_validated_like_the_untargeted_one():
    entry = {"id": "x.v", "lemma": "x", "pos": "verb", "event": "PROTEST", "by_armed": {"event": "COERCE", "mode": "restrict"}}
    [parsed] = parse_lexicon({"entries": [entry]}, "t.yaml").entries
    assert parsed.by_armed == ("COERCE", "restrict", None)
    with pytest.raises(LexiconError, match="by_armed: unknown PLOVER event type 'BLOCK'"):
        parse_lexicon({"entries": [{**entry, "by_armed": {"event": "BLOCK"}}]}, "t.yaml")


def test_a_vocabulary_stands_for_its_words_and_an_unknown_one_is_refused():
    data = {"vocabularies": {"goods": ["food", "tent"]},
            "entries": [{"id": "x.v", "lemma": "x", "pos": "verb", "event": "AID", "object": ["$goods", "tent", "fuel"]}]}
    [parsed] = parse_lexicon(data, "t.yaml").entries
    assert parsed.object == ("food", "tent", "fuel")
    data["entries"][0]["object"] = ["$bads"]
    with pytest.raises(LexiconError, match="unknown vocabulary '\\$bads' \\(known: goods\\)"):
        parse_lexicon(data, "t.yaml")
