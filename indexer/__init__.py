"""Turns registered source documents into passages and builds the search index."""
