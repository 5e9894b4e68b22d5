"""Benchmarks; a package so that one bench can reuse another's measurement."""
