"""Files to clean text: one module per format (pdf, word, office, html, ocr, archive) behind
``documents``, the entry point; redaction, passages and requirements."""
