"""Scaling out: code on a Dask cluster into Parquet, then load the Parquet into the DuckDB store.

>>> from detente.scale import dask_engine, parquet                     # doctest: +SKIP
>>> dask_engine.run(["s3://news/2016/*.jsonl"], "out/", scheduler="10.0.0.5:8786")  # doctest: +SKIP
>>> with Store.open("detente.duckdb") as store:                         # doctest: +SKIP
...     parquet.load(store, "out/")

Dask is an optional dependency (``pip install "dask[distributed]"``): ``parquet`` needs only
pyarrow and DuckDB, ``dask_engine`` imports ``distributed`` when a run starts. See
``docs/scaling.md``.
"""
