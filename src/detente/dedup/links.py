"""How strongly two candidate mentions are one event: the link score, in Python (``link_score``,
for the general path and for tests) and in SQL over the ``_pairs`` table (``links_sql``, the fast
path). The two must agree; ``tests/dedup/test_cluster_paths.py`` checks that they do.

>>> link_score(x, y, same_article=False, same_group=False, cosine=0.31)   # doctest: +SKIP
1.31
"""

from __future__ import annotations

from typing import Any

SAME_STORY_COSINE = 0.2
SAME_ACTOR_COSINE = 0.1
# Two articles this close in content report one story: their mentions on the same side of the
# cooperation/conflict divide, on compatible dates, are one event, whichever verb each outlet chose
# (one writes "criticised", another "demanded", a third "blocked") and however each resolved the
# actors, as long as the country codes do not contradict. An article's own differently typed
# mentions still stay apart (see unionfind.MentionComponents).
SAME_STORY_STRONG_COSINE = 0.25


def _sides_agree(x: tuple[str, str], y: tuple[str, str]) -> str:
    """SQL: same_actors' align() for the sides (code, key) of x and y, in the given order."""
    pairs = [(f"{x[i]}c", f"{y[i]}c") for i in range(2)] + [(f"{x[i]}k", f"{y[i]}k") for i in range(2)]
    clash = " OR ".join(f"coalesce({a} <> {b}, false)" for a, b in pairs)
    agree = " OR ".join(f"coalesce({a} = {b}, false)" for a, b in pairs)
    return f"(NOT ({clash}) AND ({agree}))"


# link_score and the strong-story fallback of cluster_events in SQL, over the _pairs table (every
# NULL test below is Python's truthiness: keys are NULL or non-empty, codes made so in _PAIRS).
# The links come out strongest first, as the Python path sorts them: floats compare as doubles.
_LINKS = """
    CREATE OR REPLACE TEMP TABLE _links AS
    WITH p AS (
        SELECT x, y, same_article, same_group, same_class, same_side, cosine::DOUBLE AS cosine,
               {direct} OR {swapped} AS same_actors,
               coalesce(xak = yak OR xak = yrk, false) OR coalesce(xrk = yak OR xrk = yrk, false) AS named,
               (NOT coalesce(xac <> yac, false) AND NOT coalesce(xrc <> yrc, false))
               OR (NOT coalesce(xac <> yrc, false) AND NOT coalesce(xrc <> yac, false)) AS codes_agree
        FROM _pairs
    ), linked AS (
        SELECT *, CASE WHEN NOT same_class OR NOT same_actors THEN 0.0::DOUBLE
                       WHEN same_article THEN 3.0::DOUBLE WHEN same_group THEN 2.5::DOUBLE
                       WHEN cosine >= {story}::DOUBLE OR (named AND cosine >= {actor}::DOUBLE) THEN 1.0::DOUBLE + cosine
                       ELSE 0.0::DOUBLE END AS score
        FROM p
    )
    SELECT x, y, CASE WHEN score = 0 AND NOT same_article AND same_side AND cosine >= {strong}::DOUBLE AND codes_agree
                      THEN 1.0::DOUBLE + cosine ELSE score END AS score
    FROM linked
"""


def links_sql() -> str:
    sides_x, sides_y = ("xa", "xr"), ("ya", "yr")
    return _LINKS.format(
        direct=_sides_agree(sides_x, sides_y), swapped=_sides_agree(sides_x, sides_y[::-1]),
        story=SAME_STORY_COSINE, actor=SAME_ACTOR_COSINE, strong=SAME_STORY_STRONG_COSINE,
    )


def same_actors(x: dict[str, Any], y: dict[str, Any]) -> bool:
    """Can two mentions be about the same participants? Sides are matched directly or swapped
    (reciprocal reports); a side's country code and name key must agree where both are known,
    and at least one side must agree positively (an unknown side matches anything)."""

    def sides(m: dict[str, Any]) -> list[tuple[Any, Any]]:
        return [(m["actor_code"], m["actor_key"]), (m["recipient_code"], m["recipient_key"])]

    def align(first: list[tuple[Any, Any]], second: list[tuple[Any, Any]]) -> bool:
        positive = False
        for (code_a, key_a), (code_b, key_b) in zip(first, second, strict=True):
            if (code_a and code_b and code_a != code_b) or (key_a and key_b and key_a != key_b):
                return False
            positive = positive or bool(code_a and code_a == code_b) or bool(key_a and key_a == key_b)
        return positive

    a, b = sides(x), sides(y)
    return align(a, b) or align(a, b[::-1])


def link_score(x: dict[str, Any], y: dict[str, Any], same_article: bool, same_group: bool, cosine: float) -> float:
    """How strongly two candidate mentions are one event (0: not linked)."""
    if not same_actors(x, y):
        return 0.0
    if same_article:
        return 3.0
    if same_group:
        return 2.5
    named = any(
        k and k in (y["actor_key"], y["recipient_key"]) for k in (x["actor_key"], x["recipient_key"])
    )
    if cosine >= SAME_STORY_COSINE or (named and cosine >= SAME_ACTOR_COSINE):
        return 1.0 + cosine
    return 0.0


def codes_agree(x: dict[str, Any], y: dict[str, Any]) -> bool:
    """No contradiction between the country codes of two mentions, directly or swapped."""
    a = (x["actor_code"], x["recipient_code"])
    b = (y["actor_code"], y["recipient_code"])
    return any(
        all(not (p and q and p != q) for p, q in zip(a, other, strict=True)) for other in (b, b[::-1])
    )
