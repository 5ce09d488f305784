"""Blueprints: pages, search, cases, sources and the JSON API."""
