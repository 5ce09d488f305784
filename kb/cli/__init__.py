"""The `kb` command: a thin face over kb, indexer and web. Exit 0 ok, 1 problems, 2 usage.

The commands live in kb/cli/content.py (validate, check, new, suggest, settings),
kb/cli/service.py (index, search, serve, export) and kb/cli/submissions.py (innsendt); each
module attaches its commands to the group in kb/cli/group.py when the group first needs one
(group.COMMAND_MODULES), so a command loads only what it uses.
"""

from __future__ import annotations

from kb.cli.group import cli


def main() -> None:
    """Entry point for the console script."""
    cli()


if __name__ == "__main__":  # `python -m kb.cli`
    main()
