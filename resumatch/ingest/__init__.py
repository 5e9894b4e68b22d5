"""Files to clean text: formats, redaction, passages and requirements."""
