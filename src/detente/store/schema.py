"""The event store's schema, as an ordered list of migrations.

A database records the migrations applied to it in ``schema_version``; opening it for writing
applies the missing ones in order, each in its own transaction, so a database written by an
older detente is upgraded in place and never rebuilt. Never edit a released migration: add one.

The tables (documented field by field in ``docs/schema.md``):

- ``articles``: one row per article *as published by one source*. ``article_id`` hashes the
  source's identity (URL, or source and id) with ``content_hash`` (the normalised text), so the
  same wire story from two outlets is two rows linked by their ``content_hash``.
- ``events``: every field of the event record, flattened for querying, plus the whole record
  as JSON (``record``) so exports reproduce exactly what the coder produced.
- ``entities``: the actors of each event (one row per role), for actor-centred queries.
- ``failures``: what could not be read or coded, where and why; one row per distinct problem,
  counted again (``times``) when a later run meets it again.
- ``runs``: one row per ingest/recode/watch run with its counts, for provenance.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "articles, events, entities, failures and runs",
        (
            """CREATE TABLE articles (
                article_id VARCHAR PRIMARY KEY,
                source_id VARCHAR,
                content_hash VARCHAR NOT NULL,
                url VARCHAR,
                title VARCHAR,
                source VARCHAR,
                origin VARCHAR,
                published DATE,
                published_from VARCHAR,
                language VARCHAR,
                language_confidence DOUBLE,
                status VARCHAR NOT NULL,
                n_events INTEGER NOT NULL,
                text VARCHAR NOT NULL,
                coder VARCHAR,
                model VARCHAR,
                ingested_at TIMESTAMP NOT NULL,
                coded_at TIMESTAMP,
                run_id VARCHAR
            )""",
            "CREATE INDEX articles_content_hash ON articles (content_hash)",
            """CREATE TABLE events (
                event_id VARCHAR NOT NULL,
                article_id VARCHAR NOT NULL,
                group_id VARCHAR,
                event VARCHAR NOT NULL,
                mode VARCHAR,
                context VARCHAR,
                actor_code VARCHAR,
                actor_sector VARCHAR,
                actor_name VARCHAR,
                actor_text VARCHAR,
                actor_qid VARCHAR,
                actor_office VARCHAR,
                recipient_code VARCHAR,
                recipient_sector VARCHAR,
                recipient_name VARCHAR,
                recipient_text VARCHAR,
                recipient_qid VARCHAR,
                recipient_office VARCHAR,
                event_date DATE,
                date_value VARCHAR,
                date_granularity VARCHAR,
                date_source VARCHAR,
                target_date VARCHAR,
                place VARCHAR,
                place_extracted VARCHAR,
                place_country VARCHAR,
                lat DOUBLE,
                lon DOUBLE,
                geonameid INTEGER,
                feature_code VARCHAR,
                place_resolution INTEGER,
                quad_code INTEGER NOT NULL,
                event_scale DOUBLE,
                cameo VARCHAR,
                modality VARCHAR NOT NULL,
                confidence DOUBLE,
                sentence_seq INTEGER,
                sentence_start INTEGER,
                sentence_end INTEGER,
                sentence VARCHAR,
                trigger_text VARCHAR,
                trigger_start INTEGER,
                trigger_end INTEGER,
                rule VARCHAR,
                quote_speaker VARCHAR,
                quote_direct BOOLEAN,
                coder VARCHAR,
                model VARCHAR,
                record JSON NOT NULL
            )""",
            # Indexes on random hash ids cost ~3 µs a row on insert and much memory, and analytic
            # scans do not use them: only the per-article lookups of recode and the API get one.
            "CREATE INDEX events_article ON events (article_id)",
            """CREATE TABLE entities (
                article_id VARCHAR NOT NULL,
                event_id VARCHAR NOT NULL,
                role VARCHAR NOT NULL,
                code VARCHAR,
                sector VARCHAR,
                name VARCHAR,
                text VARCHAR,
                qid VARCHAR,
                office VARCHAR,
                resolution VARCHAR,
                span_start INTEGER,
                span_end INTEGER
            )""",
            "CREATE INDEX entities_article ON entities (article_id)",
            """CREATE TABLE failures (
                failure_id VARCHAR PRIMARY KEY,
                location VARCHAR NOT NULL,
                reason VARCHAR NOT NULL,
                stage VARCHAR NOT NULL,
                first_seen TIMESTAMP NOT NULL,
                last_seen TIMESTAMP NOT NULL,
                times INTEGER NOT NULL,
                run_id VARCHAR
            )""",
            """CREATE TABLE runs (
                run_id VARCHAR PRIMARY KEY,
                command VARCHAR NOT NULL,
                started_at TIMESTAMP NOT NULL,
                finished_at TIMESTAMP,
                coder VARCHAR,
                model VARCHAR,
                summary JSON
            )""",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        2,
        "de-duplication: article fingerprints and groups, event clusters, cluster decisions",
        (
            """CREATE TABLE article_fingerprints (
                article_id VARCHAR PRIMARY KEY,
                minhash UBIGINT[] NOT NULL,
                credit VARCHAR
            )""",
            # LSH buckets: articles sharing a (band, bucket) are near-duplicate candidates
            "CREATE TABLE article_bands (band SMALLINT NOT NULL, bucket BIGINT NOT NULL, article_id VARCHAR NOT NULL)",
            "CREATE INDEX article_bands_bucket ON article_bands (band, bucket)",
            # the article's top content terms: cosine similarity of what two articles report
            "CREATE TABLE article_terms (article_id VARCHAR NOT NULL, term VARCHAR NOT NULL, weight FLOAT NOT NULL)",
            "CREATE INDEX article_terms_article ON article_terms (article_id)",
            """CREATE TABLE article_groups (
                article_id VARCHAR PRIMARY KEY,
                dup_group VARCHAR NOT NULL
            )""",
            """CREATE TABLE mention_clusters (
                event_id VARCHAR NOT NULL,
                article_id VARCHAR NOT NULL,
                cluster_id VARCHAR NOT NULL
            )""",
            "CREATE INDEX mention_clusters_cluster ON mention_clusters (cluster_id)",
            """CREATE TABLE event_clusters (
                cluster_id VARCHAR PRIMARY KEY,
                event VARCHAR NOT NULL,
                mode VARCHAR,
                actor_code VARCHAR,
                actor_sector VARCHAR,
                actor_name VARCHAR,
                recipient_code VARCHAR,
                recipient_sector VARCHAR,
                recipient_name VARCHAR,
                event_date DATE,
                date_value VARCHAR,
                date_granularity VARCHAR,
                place VARCHAR,
                place_country VARCHAR,
                lat DOUBLE,
                lon DOUBLE,
                quad_code INTEGER NOT NULL,
                event_scale DOUBLE,
                cameo VARCHAR,
                modality VARCHAR NOT NULL,
                confidence DOUBLE,
                n_mentions INTEGER NOT NULL,
                n_articles INTEGER NOT NULL,
                n_sources INTEGER NOT NULL,
                n_outlets INTEGER NOT NULL,
                reciprocal BOOLEAN NOT NULL,
                first_reported DATE,
                last_reported DATE,
                article_id VARCHAR NOT NULL,
                event_id VARCHAR NOT NULL,
                sentence VARCHAR,
                trigger_text VARCHAR
            )""",
            """CREATE TABLE cluster_decisions (
                decision_id VARCHAR PRIMARY KEY,
                kind VARCHAR NOT NULL,
                mentions VARCHAR[] NOT NULL,
                others VARCHAR[] NOT NULL,
                made_at TIMESTAMP NOT NULL,
                note VARCHAR
            )""",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        3,
        "reviews: a person's verdicts and fixes on events, kept across re-coding",
        (
            # A review names the mentions it judged (event ids survive re-coding and rebuilds),
            # and, for a canonical event, the cluster it was made on.
            """CREATE TABLE reviews (
                review_id VARCHAR PRIMARY KEY,
                level VARCHAR NOT NULL,
                target VARCHAR NOT NULL,
                mentions VARCHAR[] NOT NULL,
                verdict VARCHAR NOT NULL,
                event VARCHAR,
                actor_code VARCHAR,
                recipient_code VARCHAR,
                note VARCHAR,
                reviewer VARCHAR,
                made_at TIMESTAMP NOT NULL
            )""",
        ),
    ),
)

SCHEMA_VERSION = MIGRATIONS[-1].version
