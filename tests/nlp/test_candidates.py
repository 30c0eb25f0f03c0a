"""The fast nlp mode: only sentences that may hold an event get the full parse."""

from __future__ import annotations

from detente.events.coder import code_parsed
from detente.events.lexicon import load_lexicon
from detente.ingest import split_layout
from detente.nlp import RULER, model_id, parse_articles
from detente.nlp.candidates import inflections, plan_paragraph, split_sentences, trigger_forms
from detente.nlp.staged import confirmed, tag_pos
from detente.records import Article

TEXT = (
    "Sergei Lavrov arrived in Geneva on Monday evening. The weather was mild.\n\n"
    "On Tuesday he met John Kerry at a hotel by the lake. They discussed Syria."
)


def _cheap(nlp, text):
    return nlp.get_pipe(RULER)(nlp.make_doc(text))


def test_inflections_cover_regular_and_doubled_forms():
    assert {"bans", "banned", "banning"} <= inflections("ban")
    assert {"seizes", "seized", "seizing"} <= inflections("seize")
    assert {"denies", "denied"} <= inflections("deny")


def test_trigger_forms_include_irregular_past_tenses(nlp):
    forms = trigger_forms(load_lexicon(), nlp)
    for word in ("met", "meets", "talks", "sanctions", "accused"):
        assert forms.match({word}), word
    assert not forms.match({"the", "weather", "was", "mild"})


def test_constrained_triggers_need_their_other_words(nlp):
    forms = trigger_forms(load_lexicon(), nlp, deontic={"must"})
    # "sit down" (to talks) is a trigger, "sit" alone is not
    assert forms.match({"they", "sat", "down"})
    assert not forms.match({"they", "sat", "quietly"})
    # a deontic "must" is a request only when it is reported
    assert forms.match({"he", "said", "iran", "must", "stop"}) == forms.match({"he", "said", "iran", "must"})
    assert not forms.match({"iran", "must"})


def test_sentences_split_at_final_punctuation_and_keep_offsets(nlp):
    doc = _cheap(nlp, 'He left Kyiv. "We will return," he said. Talks resume on May 2.')
    sentences = split_sentences(doc)
    assert [s.text.strip() for s in sentences] == ["He left Kyiv.", '"We will return," he said.', "Talks resume on May 2."]
    assert "".join(s.text_with_ws for s in sentences) == doc.text


def test_only_sentences_with_trigger_forms_are_parsed(nlp):
    doc = _cheap(nlp, "Sergei Lavrov arrived in Geneva. The weather was mild. He met John Kerry.")
    forms = trigger_forms(load_lexicon(), nlp)
    runs = plan_paragraph(doc, forms)
    assert [(s.text.strip(), parsed) for s, parsed in runs] == [
        ("Sergei Lavrov arrived in Geneva.", False),
        ("The weather was mild.", False),
        ("He met John Kerry.", True),
    ]


def test_fast_mode_keeps_text_offsets_and_ruler_names(nlp):
    article = split_layout(Article("fast-1", TEXT))
    fast = next(parse_articles([article], nlp, fast=True))
    full = next(parse_articles([article], nlp, fast=False))
    assert [p.doc.text for p in fast.paragraphs] == [p.doc.text for p in full.paragraphs]
    assert [p.offset for p in fast.paragraphs] == [p.offset for p in full.paragraphs]
    first = fast.paragraphs[0].doc
    # the skipped first sentence is unparsed but still names Lavrov, and stays one sentence
    assert "Sergei Lavrov" in [e.text for e in first.ents]
    assert len(list(first.sents)) == 2


def test_a_name_in_a_skipped_sentence_resolves_a_later_pronoun(nlp):
    article = split_layout(Article("fast-2", TEXT, published=None))
    events = code_parsed(next(parse_articles([article], nlp, fast=True)), model_id(nlp))
    met = [e for e in events if e.evidence.trigger.text == "met"]
    assert met, "the meeting is coded"
    assert {e.actor.code for e in met} == {"RUS"}
    start = met[0].evidence.trigger.start
    assert TEXT[start : start + 3] == "met"


def test_fast_and_full_mode_code_the_same_events_here(nlp):
    article = split_layout(Article("fast-3", TEXT))
    full = code_parsed(next(parse_articles([article], nlp, fast=False)), model_id(nlp))
    fast = code_parsed(next(parse_articles([article], nlp, fast=True)), model_id(nlp))
    assert [(e.event, e.actor.label, e.recipient.label if e.recipient else None) for e in fast] == [
        (e.event, e.actor.label, e.recipient.label if e.recipient else None) for e in full
    ]


def test_tags_map_to_the_attribute_rulers_parts_of_speech(nlp):
    table, loose = tag_pos(nlp)
    assert table["VBD"] == "VERB" and table["NNS"] == "NOUN" and table["RB"] == "ADV"
    assert "had" in loose  # a main-verb "had" is a VERB whatever its tag


def test_a_trigger_form_with_the_wrong_part_of_speech_is_not_confirmed(nlp):
    forms = trigger_forms(load_lexicon(), nlp)
    tagger = [n for n in nlp.pipe_names if n in ("tok2vec", "tagger")]
    adverb = nlp(_cheap(nlp, "He came back to Kyiv in May."), disable=[n for n in nlp.pipe_names if n not in tagger])
    verb = nlp(_cheap(nlp, "Russia backed the rebels in May."), disable=[n for n in nlp.pipe_names if n not in tagger])
    assert forms.match({t.lower_ for t in adverb})  # by its words alone, "back" may be a trigger
    assert not confirmed(adverb[:], forms, tag_pos(nlp))
    assert confirmed(verb[:], forms, tag_pos(nlp))


def test_unconfirmed_runs_stay_flat_in_fast_mode(nlp):
    article = split_layout(Article("fast-4", "He came back to Kyiv in May. The weather was mild. Russia backed the rebels."))
    doc = next(parse_articles([article], nlp, fast=True)).paragraphs[0].doc
    assert {t.text: t.tag_ for t in doc}["backed"] == "VBD"
    assert {t.text: t.tag_ for t in doc}["back"] == ""
