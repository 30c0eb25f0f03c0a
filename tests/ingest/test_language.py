"""Language identification on news-like sentences, and honesty about short texts."""

from __future__ import annotations

import pytest

from detente.ingest import detect_language

NEWS = {
    "en": "The foreign ministers of Chile and Peru met in Lima on Tuesday to discuss the maritime border dispute.",
    "fr": "Le ministre des Affaires étrangères a rencontré mardi à Paris son homologue allemand pour discuter des sanctions.",
    "de": "Die Außenminister beider Länder trafen sich am Dienstag in Berlin, um über neue Sanktionen zu beraten.",
    "ru": "Министр иностранных дел России встретился во вторник в Москве с государственным секретарём США.",
    "ar": "التقى وزير الخارجية الأمريكي نظيره الروسي في موسكو يوم الخميس لبحث وقف إطلاق النار في سوريا.",
}


@pytest.mark.parametrize("code", sorted(NEWS))
def test_news_sentences_are_identified_with_confidence(code):
    found, confidence = detect_language(NEWS[code])
    assert found == code
    assert 0.5 < confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "Talks end", "Putin in Paris", "12:30 — 2016-03-24 — 14:00 ... !!!"])
def test_texts_too_short_to_judge_are_undetermined(text):
    assert detect_language(text) == ("und", 0.0)


def test_a_long_document_is_judged_by_its_opening():
    code, confidence = detect_language(NEWS["en"] * 5000 + NEWS["de"] * 5000)  # about a megabyte
    assert code == "en" and confidence > 0.5


def test_english_wins_when_it_is_a_serious_candidate():
    # langid's first guess for this English sentence is Nigerian Pidgin; dropping an English
    # article from coding is the costlier error, so English is kept
    sentence = "A Russian court sentenced Ukrainian pilot Nadiya Savchenko to 22 years in prison on Tuesday."
    assert detect_language(sentence)[0] == "en"
