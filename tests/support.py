"""Helpers for assertions on events and stores."""


def triples(events):
    """(actor code+sector, event, recipient code+sector) for compact assertions."""
    def label(e):
        return None if e is None else f"{e.code or '-'} {e.sector or '-'}"

    return {(label(e.actor), e.event, label(e.recipient)) for e in events}


def make_event(doc_id, event, actor, recipient=None, day="2016-03-24", *, quad=1, scale=1.0,
               modality="asserted", granularity="day", sector="GOV", place=None, sentence=0):
    """A hand-made event record, for testing the store and queries without the coder.

    ``actor``/``recipient`` are country codes; ``day`` is the event date value.
    """
    from detente.records import (
        Entity, Event, EventDate, Evidence, Granularity, Location, Modality, Span, TextInfo, make_event_id,
    )

    trigger = Span(10 + sentence, 14 + sentence, "met")
    who = Entity(actor, sector, f"{actor} official", span=Span(0, 5, "actor"))
    whom = Entity(recipient, sector, f"{recipient} official") if recipient else None
    loc = Location(place, place, actor) if place else None
    return Event(
        event_id=make_event_id(doc_id, sentence, trigger, who, whom),
        doc_id=doc_id, group_id=f"{doc_id}-{sentence}", event=event, mode=None, context=None,
        actor=who, recipient=whom,
        date=EventDate(day, Granularity(granularity), "text"), event_loc=loc,
        quad_code=quad, event_scale=scale, cameo=None, modality=Modality(modality), confidence=0.9,
        text_info=TextInfo(sentence, 0, 40), evidence=Evidence(f"sentence {sentence} of {doc_id}", trigger, "test"),
        coder="detente-test", model="none",
    )


def make_article(doc_id, published="2016-03-24", text=None, **fields):
    from datetime import date

    from detente.records import Article

    return Article(doc_id=doc_id, text=text or f"Text of {doc_id}.", published=date.fromisoformat(published), **fields)


# every table an ingest or a load writes, and the columns that say when and by which run
STORE_TABLES = ("articles", "events", "entities", "article_fingerprints", "article_bands", "article_terms",
                "article_groups", "mention_clusters", "event_clusters")
VOLATILE = {"run_id", "ingested_at", "coded_at"}


def snapshot(store, tables=STORE_TABLES):
    """Every table's rows, sorted, without the columns that say when and by which run: two stores
    that coded the same input compare equal."""
    out = {}
    for table in tables:
        columns = [r[0] for r in store.con.execute(f"DESCRIBE {table}").fetchall() if r[0] not in VOLATILE]
        out[table] = store.con.sql(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL").fetchall()
    return out
