"""Gode grep core: the case model, content loading, validation, analysis and search."""

__version__ = "0.1.0"
