"""Article fingerprints: reprints match, rewrites and unrelated stories do not."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import pytest

from detente.dedup.fingerprints import (
    BANDS,
    NUM_PERM,
    TOP_TERMS,
    Fingerprint,
    cosine,
    estimated_jaccard,
    fingerprint,
    shingles,
)

WIRE_STORY = """OSLO (Reuters) - The foreign ministers of Norway and Finland agreed on Tuesday to set up a
joint commission on fishing quotas in the Barents Sea, ending a dispute that had simmered since
the spring. After three hours of talks at the foreign ministry in Oslo, the two ministers said the
commission would meet every quarter and publish its catch estimates. "We have found a way to share
the data that both our fleets can trust," the Norwegian minister told reporters. Her Finnish
counterpart said the agreement would be signed in Helsinki next month and would cover cod and
haddock, but not king crab, which remains under a separate arrangement. Fishing associations in
both countries had asked for the commission after a survey vessel reported that cod stocks in the
eastern Barents Sea had fallen by a fifth in two years. The ministers also discussed a planned
railway link between the northern ports of Kirkenes and Rovaniemi, but made no announcement."""

# The same story as a newspaper ran it: its own headline line and credit line, the text
# re-wrapped into one line per paragraph, curly quotes, and the last sentence rewritten.
REPRINT = "\n\n".join([
    "Norway and Finland settle Barents fishing row",
    "The foreign ministers of Norway and Finland agreed on Tuesday to set up a joint commission on "
    "fishing quotas in the Barents Sea, ending a dispute that had simmered since the spring.",
    "After three hours of talks at the foreign ministry in Oslo, the two ministers said the commission "
    "would meet every quarter and publish its catch estimates. “We have found a way to share the data "
    "that both our fleets can trust,” the Norwegian minister told reporters.",
    "Her Finnish counterpart said the agreement would be signed in Helsinki next month and would cover "
    "cod and haddock, but not king crab, which remains under a separate arrangement. Fishing "
    "associations in both countries had asked for the commission after a survey vessel reported that "
    "cod stocks in the eastern Barents Sea had fallen by a fifth in two years. The two ministers did "
    "not say when work on the Kirkenes-Rovaniemi railway would begin.",
    "— Reuters",
])

# Same two ministers, same kind of meeting, different facts.
SAME_MINISTERS_OTHER_STORY = """HELSINKI - Finland's foreign minister hosted her Norwegian counterpart
in Helsinki on Friday for a signing ceremony that was overshadowed by a row over electricity prices.
Finnish grid operators have complained for months that cheap Norwegian hydropower floods the
Nordic market in wet years and leaves their nuclear plants idle. The Norwegian minister said
Oslo had no plans to cap exports and suggested a joint study of cross-border transmission lines.
Protesters outside the ministry carried banners about reindeer herding rights in Lapland."""

UNRELATED_STORY = """BUENOS AIRES - Argentine farmers expect a record soybean harvest this year
after heavy rains in the pampas ended a two-year drought, the national grain exchange estimated.
Growers planted more maize than usual in the northern provinces, and exporters warned that river
barges on the Parana could struggle with the volume. Prices in Chicago slipped on the forecast."""


@pytest.fixture(scope="module")
def prints() -> dict[str, Fingerprint]:
    return {
        "wire": fingerprint(WIRE_STORY, title="Norway, Finland agree Barents fishing commission"),
        "reprint": fingerprint(REPRINT, title="Norway and Finland settle Barents fishing row"),
        "same_ministers": fingerprint(SAME_MINISTERS_OTHER_STORY, title="Power prices cloud Nordic signing"),
        "unrelated": fingerprint(UNRELATED_STORY, title="Argentina expects record soy crop"),
    }


def test_a_fingerprint_has_the_documented_shape(prints):
    fp = prints["wire"]
    assert len(fp.minhash) == NUM_PERM and all(0 <= v < 2**64 for v in fp.minhash)
    assert len(fp.bands) == BANDS and all(-(2**63) <= k < 2**63 for k in fp.bands)
    assert len(set(fp.bands)) == BANDS  # the band index is mixed into every key
    assert 0 < len(fp.terms) <= TOP_TERMS and len(fp.weights) == len(fp.terms)
    assert list(fp.weights) == sorted(fp.weights, reverse=True)
    assert sum(w * w for w in fp.weights) == pytest.approx(1.0)
    assert cosine(fp, fp) == pytest.approx(1.0)
    assert estimated_jaccard(fp, fp) == 1.0


def test_the_title_and_rare_words_lead_the_terms(prints):
    top = prints["wire"].terms[:8]
    assert {"barents", "fishing"} <= set(top)
    assert not {"the", "and", "said"} & set(prints["wire"].terms[:20])


def test_a_reprint_matches_its_wire_story(prints):
    wire, reprint = prints["wire"], prints["reprint"]
    assert estimated_jaccard(wire, reprint) >= 0.6
    assert set(wire.bands) & set(reprint.bands)
    assert cosine(wire, reprint) > 0.8
    assert (wire.credit, reprint.credit) == ("reuters", "reuters")


def test_another_story_about_the_same_ministers_is_not_a_reprint(prints):
    wire, reprint, other = prints["wire"], prints["reprint"], prints["same_ministers"]
    assert estimated_jaccard(wire, other) < 0.2
    assert not set(wire.bands) & set(other.bands)
    # Related (same ministers, same countries) but clearly less alike than the reprint pair.
    assert 0.0 < cosine(wire, other) < cosine(wire, reprint) - 0.4


def test_unrelated_stories_share_almost_no_weighted_terms(prints):
    assert cosine(prints["wire"], prints["unrelated"]) < 0.1
    assert cosine(prints["same_ministers"], prints["unrelated"]) < 0.1
    assert estimated_jaccard(prints["wire"], prints["unrelated"]) < 0.05


def test_shingles_ignore_line_breaks_quote_style_and_punctuation():
    plain = 'He said "the talks will resume in Oslo" on Tuesday.'
    styled = "He said\n“The talks  will resume in Oslo”\non Tuesday"
    assert shingles(plain) == shingles(styled)
    assert "talks will resume in oslo" in shingles(plain)
    assert shingles("Russia’s envoy") == shingles("Russia's envoy") == {"russia envoy"}


def test_fingerprints_agree_across_processes():
    # A different hash seed in the child shows nothing depends on Python's salted hash().
    script = (
        "import json, sys\n"
        "from detente.dedup.fingerprints import fingerprint\n"
        "fp = fingerprint(sys.stdin.read(), title='Barents deal')\n"
        "print(json.dumps([fp.minhash, fp.bands, fp.terms, fp.weights, fp.credit]))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    child = subprocess.run([sys.executable, "-c", script], input=WIRE_STORY, capture_output=True,
                           text=True, env=env, check=True, timeout=60)
    here = fingerprint(WIRE_STORY, title="Barents deal")
    minhash, bands, terms, weights, credit = json.loads(child.stdout)
    assert tuple(minhash) == here.minhash
    assert tuple(bands) == here.bands
    assert tuple(terms) == here.terms
    assert tuple(weights) == here.weights
    assert credit == here.credit


def test_empty_and_one_word_texts_neither_crash_nor_collide():
    texts = ["", "   ", "\n\n", "Talks", "Ceasefire", "Talks resume", "?!"]
    prints = [fingerprint(t) for t in texts]
    for fp in prints:
        assert len(fp.minhash) == NUM_PERM and len(fp.bands) == BANDS
    for a, b in itertools.combinations(prints, 2):
        assert not set(a.bands) & set(b.bands)
        assert estimated_jaccard(a, b) < 0.05
    assert fingerprint("").terms == () and cosine(prints[0], prints[3]) == 0.0
    assert fingerprint("Talks").terms == ("talks",)
    # Same input, same fingerprint: even an empty article is deterministic.
    assert fingerprint("") == fingerprint("")


def test_an_empty_body_still_gets_terms_from_its_title():
    fp = fingerprint("", title="Barents fishing deal")
    assert set(fp.terms) == {"barents", "fishing", "deal"}
    assert fp.minhash != fingerprint("").minhash


def test_fingerprints_of_different_sizes_are_refused(prints):
    truncated = Fingerprint(prints["wire"].minhash[:64], (), (), (), None)
    with pytest.raises(ValueError):
        estimated_jaccard(prints["wire"], truncated)
