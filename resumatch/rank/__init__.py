"""Vectors to rankings: scores, keywords, explanations, compare, evaluation."""
