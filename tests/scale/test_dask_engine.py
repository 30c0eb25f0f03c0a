"""The Dask engine codes exactly what a local ingest codes: the demo corpus through both engines
gives the same articles, event records and canonical events. One LocalCluster of two worker
processes, on 127.0.0.1, serves the whole module."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support import snapshot

from detente.ingest.sources import iter_documents
from detente.jobs.ingest import ingest
from detente.nlp import load_pipeline
from detente.records import Article, Failure
from detente.scale.dask_engine import WORKER_CONFIG, DaskSummary, code_partitions, local_cluster, read_inputs, run
from detente.scale.parquet import LoadSummary, load
from detente.store import Store
from detente.store.rows import assign_identity
from detente.version import coder_id

CORPUS = Path(__file__).resolve().parents[2] / "src" / "detente" / "samples" / "corpus"



@pytest.fixture(scope="module")
def cluster():
    """Two worker processes on 127.0.0.1; they start loading the model at once, so that their
    loading overlaps this process's (the nlp fixture) and the local ingest."""
    from distributed import Client

    with local_cluster(2) as local:
        with Client(local, set_as_default=False) as client:
            # the pipeline stays on the worker as the task's result (it is the cached one anyway)
            warming = [client.submit(load_pipeline, workers=[w], pure=False) for w in client.nthreads()]
            yield local
            del warming


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[str]:
    """12 demo articles, a reprint of the first from another outlet, an undated one, a French
    one, the demo feed, and a file that is not text."""
    root = tmp_path_factory.mktemp("corpus")
    lines = (CORPUS / "news-2015-2016.jsonl").read_text("utf-8").splitlines()[:12]
    first = json.loads(lines[0])
    lines.append(json.dumps(dict(first, id="reprint-001", url="https://paper.example/minsk", source="Daily Paper")))
    lines.append(json.dumps({"id": "undated", "text": (
        "The foreign ministers of France and Germany met in Paris to discuss the fighting in eastern Ukraine.\n\n"
        "They called on Russia to withdraw its heavy weapons from the front line.")}))
    lines.append(json.dumps({"id": "fr", "published": "2016-03-24", "text": (
        "Le ministre russe des Affaires étrangères a rencontré son homologue américain à Moscou jeudi "
        "pour discuter de la Syrie et de l'Ukraine, selon un communiqué publié par le Kremlin.")}))
    (root / "news.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (root / "scan.txt").write_bytes(b"%PDF-1.4\x00\x01 not a text")
    return [str(root / "news.jsonl"), str(CORPUS / "feed-2016.xml"), str(root / "scan.txt")]


@dataclass
class Coded:
    local: Path
    dask: Path
    out: Path
    run: DaskSummary
    loaded: LoadSummary
    failures: list[Failure]
    live: Path  # the store a run with a store (``--load``) filled as it went
    live_out: Path
    live_run: DaskSummary


@pytest.fixture(scope="module")
def coded(corpus, cluster, request, tmp_path_factory) -> Coded:
    request.getfixturevalue("nlp")  # after the cluster has started: the three loads overlap
    root = tmp_path_factory.mktemp("engines")
    with Store.open(root / "local.duckdb") as store:
        ingest(store, corpus, workers=1)
    failures: list[Failure] = []
    summary = run(corpus, root / "out", scheduler=cluster.scheduler_address, partition_size=4, on_failure=failures.append)
    with Store.open(root / "dask.duckdb") as store:
        loaded = load(store, root / "out")
    with Store.open(root / "live.duckdb") as store:
        live = run(corpus, root / "live-out", scheduler=cluster.scheduler_address, partition_size=4, store=store)
    return Coded(root / "local.duckdb", root / "dask.duckdb", root / "out", summary, loaded, failures,
                 root / "live.duckdb", root / "live-out", live)


def test_both_engines_code_the_same_events_articles_and_canonical_events(coded):
    with Store.open(coded.local, read_only=True) as local, Store.open(coded.dask, read_only=True) as dask:
        def records(store):
            return store.con.sql("SELECT event_id, record FROM events ORDER BY event_id").fetchall()

        def canonical(store):
            return store.con.sql("SELECT cluster_id, n_mentions, n_articles, event FROM event_clusters ORDER BY ALL").fetchall()

        assert len(records(local)) > 100
        assert records(dask) == records(local)
        assert canonical(dask) == canonical(local)
        assert snapshot(dask) == snapshot(local), "every row of every table, but for when it was written"
        languages = dict(dask.con.sql("SELECT status, count(*) FROM articles GROUP BY 1").fetchall())
        assert languages == {"coded": 18, "not-english": 1}
        assert dask.con.sql("SELECT count(DISTINCT dup_group) FROM article_groups").fetchall() == [(18,)], "the reprint is grouped"
    assert (coded.run.stored, coded.run.coded, coded.run.not_english) == (19, 18, 1)
    assert coded.loaded.articles == 19 and coded.loaded.events == coded.run.events


def test_loading_as_the_run_goes_gives_the_local_store(coded, corpus):
    with Store.open(coded.local, read_only=True) as local, Store.open(coded.live, read_only=True) as live:
        assert snapshot(live) == snapshot(local), "every row of every table, but for when it was written"
        assert sorted((f["location"], f["stage"]) for f in live.failures()) == [(corpus[2], "ingest")]
        [(command, finished, coder)] = live.con.sql("SELECT command, finished_at, coder FROM runs").fetchall()
        assert command.endswith("--load") and finished is not None and coder == coder_id()
        assert live.con.sql("SELECT DISTINCT run_id FROM articles").fetchall() == [(coded.live_run.run_id,)]
    loaded = coded.live_run.loaded
    assert (loaded.articles, loaded.events, loaded.failures) == (19, coded.run.events, 1)
    assert loaded.canonical_events == coded.loaded.canonical_events
    assert "loaded 19 new articles" in coded.live_run.line()


def test_loading_as_the_run_goes_writes_the_same_parquet(coded):
    """The same files, rows and manifest counts as a run without a store (but for the run id
    and the time each row was written)."""
    def contents(out):
        tables = {}
        for path in sorted(out.rglob("*.parquet")):
            table = pq.read_table(path)
            keep = [c for c in table.column_names if c not in ("run_id", "ingested_at", "coded_at")]
            tables[str(path.relative_to(out))] = table.select(keep).to_pylist()
        return tables

    assert contents(coded.live_out) == contents(coded.out)
    assert (coded.live_out / "failures.jsonl").read_text("utf-8") == (coded.out / "failures.jsonl").read_text("utf-8")
    manifest = json.loads((coded.live_out / "_SUCCESS").read_text("utf-8"))
    assert manifest["summary"]["months"] == coded.run.months and "loaded" not in manifest["summary"]
    # and `detente load` of it into the store that loaded it as it went adds nothing
    with Store.open(coded.live) as store:
        before = snapshot(store), store.counts()
        again = load(store, coded.live_out)
        assert (again.articles, again.already_stored, again.failures) == (0, 19, 0)
        assert (snapshot(store), store.counts()) == before


def test_a_bad_input_file_is_a_failure_in_both_engines(coded, corpus):
    assert [(f.where, f.stage) for f in coded.failures] == [(corpus[2], "ingest")]
    assert "binary file" in coded.failures[0].reason
    with Store.open(coded.local, read_only=True) as local, Store.open(coded.dask, read_only=True) as dask:
        def failures(store):
            return sorted((f["location"], f["reason"], f["stage"]) for f in store.failures())

        assert failures(dask) == failures(local) == [(corpus[2], coded.failures[0].reason, "ingest")]
    assert json.loads((coded.out / "failures.jsonl").read_text("utf-8"))["where"] == corpus[2]


def test_the_output_says_which_coder_wrote_it_by_month(coded):
    manifest = json.loads((coded.out / "_SUCCESS").read_text("utf-8"))
    assert manifest["coder"] == coder_id() and manifest["run_id"] == coded.run.run_id
    assert manifest["summary"]["stored"] == 19 and manifest["summary"]["failed"] == 1
    months = {p.name for p in (coded.out / "articles").iterdir()}
    assert {"published_month=2015-02", "published_month=2016-12", "published_month=unknown"} <= months
    assert sum(coded.run.months.values()) == 19


def test_loading_twice_adds_nothing(coded):
    with Store.open(coded.dask) as store:
        before = snapshot(store), store.counts()
        again = load(store, coded.out)
        assert (again.articles, again.already_stored, again.events) == (0, 19, 0)
        assert (snapshot(store), store.counts()) == before


def test_each_worker_loads_the_model_once(coded, cluster):
    from distributed import Client

    with Client(cluster, set_as_default=False) as client:
        loads = client.run(load_pipeline.cache_info)
    assert [info.misses for info in loads.values()] == [1, 1], "one load per worker process, however many partitions"
    assert sum(info.hits for info in loads.values()) >= coded.run.partitions - 2
    assert coded.run.partitions == 5 and coded.run.workers == 2


def test_the_workers_are_set_up_for_coding(cluster):
    """No eager memory trimming, no profiler, no GIL probe (see WORKER_CONFIG)."""
    import dask
    from distributed import Client

    import os

    with Client(cluster, set_as_default=False) as client:
        seen = client.run(lambda: {key: dask.config.get(key) for key in WORKER_CONFIG})
        trim = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    assert list(seen.values()) == [WORKER_CONFIG, WORKER_CONFIG]
    assert list(trim.values()) == [None, None], "glibc keeps its own trimming: spaCy codes 15% faster so"


def test_the_cluster_listens_and_talks_only_on_loopback(coded, cluster):
    import psutil

    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    assert all(address.startswith("tcp://127.0.0.1:") for address in cluster.scheduler_info["workers"])
    # the scheduler and nannies live in this process, the workers in its children
    processes = [psutil.Process(), *psutil.Process().children(recursive=True)]
    sockets = [c for p in processes for c in p.net_connections(kind="inet")]
    assert any(c.status == psutil.CONN_LISTEN for c in sockets)
    assert {c.laddr.ip for c in sockets} <= {"127.0.0.1", "::1"}
    assert {c.raddr.ip for c in sockets if c.raddr} <= {"127.0.0.1", "::1"}


def test_a_partition_whose_task_fails_becomes_failures_and_the_run_goes_on(cluster, tmp_path):
    """Here the workers run another coder than the client claims: they refuse to code."""
    from distributed import Client

    summary = DaskSummary(coder="detente-0.0.1+elsewhere", run_id="r1")
    failures: list[Failure] = []
    articles = [Article(f"a{i}", "Kerry met Lavrov in Geneva.", origin=f"news.jsonl:{i}") for i in range(3)]
    with Client(cluster, set_as_default=False) as client:
        code_partitions(client, articles, str(tmp_path / "out"), 2, summary, failures.append)
    assert sorted(f.where for f in failures) == ["news.jsonl:0", "news.jsonl:1", "news.jsonl:2"]
    assert {f.stage for f in failures} == {"code"}
    assert all("install the same detente on every node" in f.reason for f in failures)
    assert (summary.partitions, summary.stored) == (2, 0)


def test_an_unreachable_scheduler_is_said_plainly(tmp_path):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}), pytest.raises(ConnectionError, match="127.0.0.1:9"):
        run([str(CORPUS / "feed-2016.xml")], tmp_path / "out", scheduler="127.0.0.1:9")


@pytest.mark.filterwarnings("ignore:Port 8787 is already in use")  # the module's cluster has it: another is taken
def test_without_a_scheduler_a_run_starts_and_closes_its_own_local_cluster(tmp_path):
    """Nothing to code here (a missing file), so no worker loads the model."""
    failures: list[Failure] = []
    summary = run([str(tmp_path / "missing.jsonl")], tmp_path / "out", workers=1, on_failure=failures.append)
    assert summary.scheduler.startswith("tcp://127.0.0.1:") and summary.workers == 1
    assert [f.reason for f in failures] == ["no such file or directory"] and summary.stored == 0
    with Store.open(tmp_path / "s.duckdb") as store:
        loaded = load(store, tmp_path / "out")
        assert (loaded.articles, loaded.failures) == (0, 1)
        assert [f["reason"] for f in store.failures()] == ["no such file or directory"]


# -- reading: Parquet and fsspec inputs, client side, no cluster ------------------------------------


def identified(docs):
    return [(a.doc_id, a.text, a.title, a.published, a.url, a.source) for a in map(assign_identity, docs) if isinstance(a, Article)]


def test_a_parquet_file_of_articles_reads_as_its_jsonl_does(tmp_path):
    jsonl = tmp_path / "news.jsonl"
    jsonl.write_text("\n".join((CORPUS / "news-2015-2016.jsonl").read_text("utf-8").splitlines()[:3]) + "\n", "utf-8")
    records = [json.loads(line) for line in jsonl.read_text("utf-8").splitlines()]
    # other column names, a real date column: mapped with a FieldMap as for JSON
    table = pa.table({
        "guid": [r["id"] for r in records], "body": [r["text"] for r in records], "headline": [r["title"] for r in records],
        "day": pa.array([r["published"] for r in records]).cast(pa.date32()),
        "url": [r["url"] for r in records], "source": [r["source"] for r in records],
    })
    pq.write_table(table, tmp_path / "news.parquet")
    from detente.ingest.sources import FieldMap

    fields = FieldMap(id="guid", text="body", title="headline", date="day")
    from_parquet = list(read_inputs([str(tmp_path / "*.parquet")], fields))
    assert identified(from_parquet) == identified(iter_documents([str(jsonl)]))
    assert from_parquet[1].origin == f"{tmp_path / 'news.parquet'}:row 2"
    missing = list(read_inputs([str(tmp_path / "news.parquet")]))
    assert [type(d) for d in missing] == [Failure] and "no 'text' column" in missing[0].reason


def test_fsspec_urls_are_read_like_local_files(tmp_path):
    import fsspec

    memory = fsspec.filesystem("memory")
    jsonl = (CORPUS / "news-2015-2016.jsonl").read_bytes().splitlines(keepends=True)[:2]
    memory.pipe("/detente-test/news.jsonl", b"".join(jsonl))
    memory.pipe("/detente-test/talks.txt", b"Kerry met Lavrov in Geneva on Friday.")
    (tmp_path / "news.jsonl").write_bytes(b"".join(jsonl))
    (tmp_path / "talks.txt").write_bytes(b"Kerry met Lavrov in Geneva on Friday.")
    try:
        remote = list(read_inputs(["memory://detente-test/*"]))
        assert identified(remote) == identified(iter_documents([str(tmp_path / "news.jsonl"), str(tmp_path / "talks.txt")]))
        assert remote[0].origin.startswith("memory://") and remote[0].origin.endswith("/detente-test/news.jsonl:1")
        assert [f.reason for f in read_inputs(["memory://detente-test/none/*.jsonl"])] == ["no files match this pattern"]
    finally:
        memory.rm("/detente-test", recursive=True)


def test_the_cli_loads_as_it_goes_only_with_dask_and_a_local_output(tmp_path):
    from click.testing import CliRunner

    from detente.cli import main

    feed = str(CORPUS / "feed-2016.xml")
    local = CliRunner().invoke(main, ["ingest", feed, "--load", "--db", str(tmp_path / "s.duckdb")])
    assert local.exit_code == 2 and "--load is for --engine dask" in local.output
    remote = CliRunner().invoke(main, ["ingest", feed, "--engine", "dask", "--load", "--out", "s3://bucket/run-1",
                                       "--db", str(tmp_path / "s.duckdb")])
    assert remote.exit_code == 2 and "must be a local directory" in remote.output, remote.output
