"""Candidates that persist: openings, the talent pool, duplicates, structured fields and
filters, the per-opening workflow (stages, ratings, notes), pool search, retention.

One module per concern: ``openings``, ``candidates``, ``duplicates``, ``field_store``,
``filters``, ``workflow`` (stages and ratings), ``notes``, ``shortlist`` (the "screen"
stage seen as the old shortlist), ``search`` (pool search from cached vectors),
``opening_export``, ``retention``, ``erasure`` (delete one candidate everywhere) and
``changes`` (the pool version every process watches).
"""
