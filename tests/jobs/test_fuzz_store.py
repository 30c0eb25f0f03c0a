"""No input may crash a run or corrupt the store: random files into a real store, then checks."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.jobs.ingest import ingest
from detente.store import Store

SUFFIXES = [".txt", ".md", ".html", ".jsonl", ".csv", ".xml", ".warc", ".warc.gz", ".json", ""]
junk = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.dictionaries(st.sampled_from(["id", "text", "published", "title"]),
                             st.one_of(st.text(max_size=60), st.integers(), st.none()), max_size=4), max_size=4)
    .map(lambda rows: "\n".join(json.dumps(r) for r in rows).encode()),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=st.lists(st.tuples(st.sampled_from(SUFFIXES), junk), min_size=1, max_size=4))
def test_random_files_never_crash_a_run_or_corrupt_the_store(tmp_path_factory, nlp, files):
    root = tmp_path_factory.mktemp("fuzz")
    for i, (suffix, data) in enumerate(files):
        (root / f"f{i}{suffix}").write_bytes(data)
    failures = []
    with Store.open(root / "s.duckdb") as store:
        first = ingest(store, [str(root / f"f{i}{s}") for i, (s, _) in enumerate(files)], on_failure=failures.append)
        again = ingest(store, [str(root / f"f{i}{s}") for i, (s, _) in enumerate(files)])
        con = store.con
        assert again.stored == 0, "re-running adds nothing"
        assert first.failed == len(failures) and all(f.where and f.reason for f in failures)
        assert con.sql("SELECT count(*) FROM articles").fetchall() == [(first.stored,)]
        # every event belongs to a stored article, and every article's event count is right
        assert con.sql("SELECT count(*) FROM events WHERE article_id NOT IN (SELECT article_id FROM articles)").fetchall() == [(0,)]
        assert con.sql(
            """SELECT count(*) FROM articles a WHERE n_events <> (SELECT count(*) FROM events e WHERE e.article_id = a.article_id)"""
        ).fetchall() == [(0,)]
        assert con.sql(
            "SELECT count(*) FROM events WHERE modality = 'asserted' AND event_id NOT IN (SELECT event_id FROM mention_clusters)"
        ).fetchall() == [(0,)]
    Store.open(root / "s.duckdb", read_only=True).close()
