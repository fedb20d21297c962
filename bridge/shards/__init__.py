"""A MIDI corpus encoded once into sharded, memory-mapped grid files (torch-free, numpy only).

- :mod:`.store` — the on-disk format and its reader (:class:`~.store.ShardSet`), and the writer's
  low-level pieces;
- :mod:`.manifest` — which files are new, changed, unchanged or removed since the last run;
- :mod:`.pool` — a bounded, crash-tolerant process pool that yields results as they come;
- :mod:`.encode` — ``sidl encode``: the corpus into shards, incrementally and in parallel.

The format is described for people writing readers in ``docs/corpus-shards.md``.
"""
