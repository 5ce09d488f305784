"""One extractor per file type (PDF, HTML, text), each returning lines with page labels."""
