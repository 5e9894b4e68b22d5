"""Vectors to rankings: features, the ranking (``scoring.score_pool``), requirement
evidence and marks, "too little text", keywords, explanations, compare, evaluation."""
