"""Loading a Dask run into the store while it runs (``detente ingest --engine dask --load``).

The client of a run owns the store: as each partition's task completes, it loads the files that
partition wrote (``parquet.partition_files``) in one transaction, exactly as ``detente load``
would, so the store fills while the workers still code. When the last partition is in, it
records the run's failures, groups copies and builds canonical events once, as ``load`` does.
The Parquet output is the same as without ``--load``, and ``detente load`` of it afterwards
adds nothing.

>>> with Store.open("events.duckdb") as store:                                   # doctest: +SKIP
...     loader = LiveLoader(store, "out/", run_id="r1", coder=coder_id(), command="ingest --engine dask corpus/")
...     loader.begin()
...     loader.partition(0, ["2016-03"])        # after task 0 wrote its files
...     print(loader.finish(failures=[]).line())
...     loader.close_run({"stored": 64}, model="en_core_web_sm-3.8.0")
64 new articles in 1 month partitions; 402 event mentions in 51 canonical events (touched by this load); ...
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from detente.records import Failure
from detente.scale.parquet import LoadError, LoadSummary, add_loaded, group_and_cluster, load_files, partition_files, record_run
from detente.store.database import Store, now_utc


class LiveLoader:
    """Loads the partitions of one run into ``store`` as they are written under ``out``.

    ``begin`` records the run in ``runs`` (unfinished), so the articles it loads name their run,
    and a later ``detente load`` of the same output into this store knows the run and its
    failures are already recorded.
    """

    def __init__(
        self, store: Store, out: str | Path, *, run_id: str, coder: str, command: str, started_at: datetime | None = None
    ) -> None:
        if "://" in str(out):
            raise LoadError(f"{out}: --load reads the run's output as it is written, so --out must be a local "
                            "directory (or a shared file system); load an object-store output with `detente load`")
        self.store, self.directory = store, Path(out)
        self.summary = LoadSummary(run_id=run_id, coder=coder)
        self.new_ids: list[str] = []
        self.months: set[str] = set()
        self.threads: int | None = None  # the connection's own DuckDB threads, while partitions load
        self.run = {"run_id": run_id, "coder": coder, "command": command, "started_at": (started_at or now_utc()).isoformat()}

    def begin(self) -> None:
        """Record the run in ``runs``, unfinished: call it when coding starts (a run that cannot
        reach its cluster leaves no row)."""
        record_run(self.store, self.run, self.directory)

    def partition(self, index: int, months: Iterable[str]) -> None:
        """Load partition ``index``, which has articles in ``months`` (its task's result)."""
        started = time.monotonic()
        if self.threads is None:
            # one DuckDB thread while the workers code: they have the cores
            self.threads = self.store.con.sql("SELECT current_setting('threads')").fetchall()[0][0]
            self.store.con.execute("SET threads = 1")
        months = list(months)
        self.months.update(months)
        files = partition_files(self.directory, index, months)
        add_loaded(self.summary, load_files(self.store, files, self.summary.run_id), self.new_ids)
        self.summary.seconds += time.monotonic() - started

    def finish(self, failures: Sequence[Failure]) -> LoadSummary:
        """Record the run's failures, then group copies and cluster events once.

        The summary's ``seconds`` is the time this process spent loading, partitions and end.
        """
        started = time.monotonic()
        if self.threads is not None:
            self.store.con.execute(f"SET threads = {int(self.threads)}")
        self.store.record_failures(failures, self.summary.run_id)
        self.summary.failures = len(failures)
        self.summary.months = len(self.months)
        group_and_cluster(self.store, self.new_ids, self.summary)
        self.summary.seconds += time.monotonic() - started
        return self.summary

    def close_run(self, run_summary: Mapping[str, Any], model: str | None) -> None:
        """Mark the run finished in ``runs``, with its counts and what the load did (``loaded``)."""
        merged = dict(run_summary, loaded=self.summary.to_dict(), loaded_at=now_utc().isoformat(timespec="seconds"))
        self.store.con.execute(
            "UPDATE runs SET finished_at = ?, model = ?, summary = ? WHERE run_id = ?",
            [now_utc(), model, json.dumps(merged, default=str), self.summary.run_id],
        )
