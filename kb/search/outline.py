"""A report's reading outline, stored with the index (index/outline/<source id>.json).

The index build writes it (indexer/outline.py makes the entries); the report page reads it.
Each file: {"source", "sha256", "entries": [...], "passages": [[first, last], ...]}, where an
entry is a heading, para, list, table or note with its first and last file line.
"""

from __future__ import annotations

import json
from pathlib import Path

FOLDER = "outline"


def save(index_dir: Path, source_id: str, sha256: str, entries: list[dict], passages) -> None:
    """Write one source's outline into an index folder (the one being built)."""
    folder = Path(index_dir) / FOLDER
    folder.mkdir(exist_ok=True)
    data = {
        "source": source_id,
        "sha256": sha256,
        "entries": entries,
        "passages": [list(p) for p in passages],
    }
    (folder / f"{source_id}.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def load(index_dir: Path, source_id: str) -> dict | None:
    """One source's outline, or None when the index has none (no index, PDF, file missing)."""
    path = Path(index_dir) / FOLDER / f"{source_id}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if data.get("entries") else None
