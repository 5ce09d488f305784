"""The content model: cases, front matter with line numbers, loading and validation, vocabularies,
registers, the source registry and quotes."""
