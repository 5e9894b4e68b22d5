"""Text to vectors: encoders, backends, token windows, the cache, model versions."""
