"""Editor tools: kb check (near-duplicates, copied text), kb suggest and kb new."""
