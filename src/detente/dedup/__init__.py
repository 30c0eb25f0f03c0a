"""Stage 8, dedup: count events, not articles.

- ``fingerprints``: per-article MinHash (near-duplicates), content terms (what it reports),
  wire credit; computed once at ingest, in the worker that codes the article.
- ``duplicates``: syndicated and lightly edited copies grouped, so a wire story and its reprints
  count as one independent source.
- ``clusters``: event mentions (one row per coded sentence and dyad) linked into canonical
  events, with their mentions, articles, independent sources and best-supported attributes.
- ``decisions``: a person's split and merge decisions, kept apart and re-applied on rebuilds.
"""
