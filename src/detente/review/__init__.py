"""Reviews: a person marks an event correct or wrong, or fixes its type or actors.

>>> add_review(con, level="event", target="c3f0...", verdict="fixed", event="CONSULT")   # doctest: +SKIP
{'review_id': '...', 'mentions': ['9b1e...', ...], 'verdict': 'fixed', ...}
>>> list(gold_records(con))[0]["events"][0]["type"]                                      # doctest: +SKIP
'CONSULT'

A review names the *mentions* it judged (their event ids are stable hashes of the article,
sentence, trigger and actors), so it survives re-coding, re-clustering and re-ingestion, and is
shown wherever those mentions appear. ``gold_records`` turns reviews into gold data in the
``detente eval`` format: each reviewed sentence with the events a person confirmed or fixed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from typing import Any

import duckdb

from detente.query.filters import PLOVER_TYPES
from detente.store.database import now_utc

VERDICTS = ("correct", "wrong", "fixed")
_CODE = re.compile(r"^[A-Z]{3}$")


class ReviewError(ValueError):
    """A review that cannot be recorded: names the problem (unknown target, bad fix)."""


def _mentions_of(con: duckdb.DuckDBPyConnection, level: str, target: str) -> list[str]:
    if level == "event":
        rows = con.execute("SELECT event_id FROM mention_clusters WHERE cluster_id = ? ORDER BY event_id", [target]).fetchall()
    elif level == "mention":
        rows = con.execute("SELECT DISTINCT event_id FROM events WHERE event_id = ?", [target]).fetchall()
    else:
        raise ReviewError(f"level {level!r}: review an event (a cluster id) or a mention (an event id)")
    if not rows:
        raise ReviewError(f"no {'canonical event' if level == 'event' else 'mention'} {target!r}")
    return [r[0] for r in rows]


def add_review(
    con: duckdb.DuckDBPyConnection,
    *,
    level: str,
    target: str,
    verdict: str,
    event: str | None = None,
    actor_code: str | None = None,
    recipient_code: str | None = None,
    note: str | None = None,
    reviewer: str | None = None,
) -> dict[str, Any]:
    """Record a verdict on a canonical event (``level="event"``) or one mention."""
    if verdict not in VERDICTS:
        raise ReviewError(f"verdict {verdict!r}: use one of {', '.join(VERDICTS)}")
    fixes = {"event": event, "actor_code": actor_code, "recipient_code": recipient_code}
    if verdict == "fixed":
        if not any(fixes.values()):
            raise ReviewError("a fix needs a corrected event type, actor code or recipient code")
        if event and event not in PLOVER_TYPES:
            raise ReviewError(f"unknown event type {event!r}: PLOVER has {', '.join(PLOVER_TYPES)}")
        for name in ("actor_code", "recipient_code"):
            if fixes[name] and not _CODE.match(fixes[name] or ""):
                raise ReviewError(f"{name} {fixes[name]!r}: give a three-letter code (USA, RUS, UNO, IGO...)")
    elif any(fixes.values()):
        raise ReviewError(f"a {verdict!r} verdict takes no fixes: use verdict 'fixed'")
    mentions = _mentions_of(con, level, target)
    made_at = now_utc()
    review_id = hashlib.sha1(f"{level}|{target}|{made_at.isoformat()}".encode()).hexdigest()[:16]
    row = {
        "review_id": review_id, "level": level, "target": target, "mentions": mentions, "verdict": verdict,
        **fixes, "note": note, "reviewer": reviewer, "made_at": made_at,
    }
    con.execute(
        "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [row[k] for k in ("review_id", "level", "target", "mentions", "verdict", "event", "actor_code",
                          "recipient_code", "note", "reviewer", "made_at")],
    )
    return row


def reviews_for(con: duckdb.DuckDBPyConnection, mentions: Sequence[str]) -> list[dict[str, Any]]:
    """Every review touching any of ``mentions``, newest first."""
    cur = con.execute(
        """SELECT * FROM reviews WHERE len(list_intersect(mentions, ?::VARCHAR[])) > 0
           ORDER BY made_at DESC, review_id""",
        [list(mentions)],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def all_reviews(con: duckdb.DuckDBPyConnection, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    cur = con.execute("SELECT * FROM reviews ORDER BY made_at DESC, review_id LIMIT ? OFFSET ?", [limit, offset])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def gold_records(con: duckdb.DuckDBPyConnection) -> Iterator[dict[str, Any]]:
    """Reviewed sentences as gold records (``detente eval`` PLOVER format).

    For each reviewed mention, the newest review decides: ``correct`` keeps the event as coded,
    ``fixed`` applies the fix, ``wrong`` drops it. A sentence's record lists its kept events.
    """
    rows = con.sql(
        """WITH exploded AS (
               SELECT unnest(mentions) AS event_id, verdict, event AS fix_event, actor_code AS fix_actor,
                      recipient_code AS fix_recipient, made_at, review_id
               FROM reviews
           ),
           latest AS (
               SELECT * FROM exploded
               QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY made_at DESC, review_id DESC) = 1
           )
           SELECT e.article_id, e.sentence_seq, e.sentence, a.published, e.event_id, l.verdict,
                  coalesce(l.fix_event, e.event), e.mode, e.actor_text, coalesce(l.fix_actor, e.actor_code), e.actor_sector,
                  e.recipient_text, coalesce(l.fix_recipient, e.recipient_code), e.recipient_sector
           FROM latest l JOIN events e USING (event_id) JOIN articles a USING (article_id)
           ORDER BY e.article_id, e.sentence_seq, e.event_id"""
    ).fetchall()
    record: dict[str, Any] | None = None
    for (article, seq, sentence, published, event_id, verdict, kind, mode,
         actor_text, actor, actor_sector, recipient_text, recipient, recipient_sector) in rows:
        key = f"{article}#{seq}"
        if record is None or record["id"] != key:
            if record is not None:
                yield record
            record = {"id": key, "text": sentence, "published": published.isoformat() if published else None, "events": []}
        if verdict == "wrong":
            continue
        gold = {
            "type": kind, "mode": mode,
            "source": [{"text": actor_text or "", "country": actor, "sector": actor_sector}],
            "target": [{"text": recipient_text or "", "country": recipient, "sector": recipient_sector}] if recipient else [],
        }
        if gold not in record["events"]:
            record["events"].append(gold)
    if record is not None:
        yield record
