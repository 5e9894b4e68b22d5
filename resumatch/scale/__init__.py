"""Bulk work past one process: ingest many resumes and re-embed the pool, locally or on
Ray (a local instance or a cluster), as jobs whose progress lives in the store.

Modules, from the bottom up: ``units`` (THE per-document embedding function,
:func:`embed_units`, and its cache entries), ``engine`` (the encoder spec; the local
engine), ``ray_ingest`` (the Ray Data actor and engine; imports Ray only when used),
``bulk`` (the driver: skip what is cached, embed, write in batches, add to the pool),
``job_rows`` (``scale_jobs`` rows) and ``jobs`` (job processes, cancel, liveness).
"""

from __future__ import annotations

from resumatch.scale.units import CacheEntry, embed_units, missing_units, write_units

__all__ = ["CacheEntry", "embed_units", "missing_units", "write_units"]
