"""Labelled pairs, fine-tuning and its background jobs."""
