"""Domain exceptions; only the CLI and the web app turn them into messages."""


class KbError(Exception):
    """Base class for errors a user can act on."""


class ContentError(KbError):
    """Content (cases, sources, vocabularies) cannot be read or is invalid."""


class IndexMissing(KbError):
    """The search index has not been built."""


class IndexBroken(IndexMissing):
    """The search index is there but cannot be read (corrupt, half-written, other schema)."""


class IndexUnwritable(KbError):
    """The search index cannot be written (read-only or missing folder, full disk)."""


class ExtractionError(KbError):
    """A source document cannot be turned into passages."""


class QueryError(KbError):
    """A search query cannot be run as given."""


class ConfigError(KbError):
    """One or more settings have wrong values; problems holds one Norwegian line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = list(problems)
