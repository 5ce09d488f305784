"""The `kb` command: a thin face over kb, indexer and web. Exit 0 ok, 1 problems, 2 usage.

The commands live in kb/cli/content.py (validate, check, new, suggest) and kb/cli/service.py
(index, search, serve, export, settings); both attach themselves to the group in
kb/cli/group.py when imported here.
"""

from __future__ import annotations

from kb.cli import content, service, submissions  # noqa: F401  (attach the commands)
from kb.cli.group import cli


def main() -> None:
    """Entry point for the console script."""
    cli()


if __name__ == "__main__":  # `python -m kb.cli`
    main()
