"""The search: index schema, Norwegian analysis, query parsing and planning, ranking, hits,
facets."""
