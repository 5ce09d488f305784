"""A real `kb serve` and `kb index` as subprocesses on loopback, for the fault test and bench."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import FIXTURES, make_root

ROOT = Path(__file__).resolve().parent.parent
BIG_SOURCE = "stor-testkilde"
WORDS = (
    "kommunen bolig startlån flyktninger leie eie tilskudd veileder oppfølging barn familie "
    "husbanken boligsosial plan tjenesten samarbeid bosetting budsjett økonomi kontor"
).split()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def small_root(base: Path) -> tuple[Path, Path]:
    """(content root, source folder): the three test cases and the small test report."""
    root = make_root(base)
    for case in sorted((FIXTURES / "search").glob("*.md")):
        shutil.copy(case, root / "grep" / case.name)
    seeds = base / "seeds"
    shutil.copytree(FIXTURES / "seeds", seeds)
    return root, seeds


def add_big_source(root: Path, seeds: Path, lines: int = 20_000) -> None:
    """Register a large generated text report, so that `kb index` runs long enough to be
    killed in the middle."""
    out = []
    for i in range(lines):
        if i % 40 == 0:
            out.append(f"\n## {i // 40} Kapittel om {WORDS[i % len(WORDS)]}\n")
        out.append(" ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(12)) + f" {i}.")
    data = ("\n".join(out) + "\n").encode("utf-8")
    (seeds / f"{BIG_SOURCE}.txt").write_bytes(data)
    (root / "sources" / f"{BIG_SOURCE}.yaml").write_text(
        f"""id: {BIG_SOURCE}
title: Stor testrapport
authors: [Testforfatter]
publisher: Gode grep
year: 2026
language: nb
files:
  - path: {BIG_SOURCE}.txt
    sha256: {hashlib.sha256(data).hexdigest()}
    format: text
""",
        "utf-8",
    )


def remove_big_source(root: Path, seeds: Path) -> None:
    """Unregister the report add_big_source wrote, and delete its text."""
    (root / "sources" / f"{BIG_SOURCE}.yaml").unlink()
    (seeds / f"{BIG_SOURCE}.txt").unlink()


def kb(*args: str) -> list[str]:
    return [sys.executable, "-m", "kb", *args]


def env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def start_serve(root: Path, index: Path, seeds: Path, port: int, *extra: str) -> subprocess.Popen:
    """`kb serve` on 127.0.0.1:port with extra options (the caller stops it)."""
    command = kb("serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "8")
    command += ["--content", str(root), "--index", str(index), "--sources", str(seeds), *extra]
    return subprocess.Popen(
        command, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
    )


def start_index(root: Path, index: Path, seeds: Path) -> subprocess.Popen:
    command = kb("index", "--content", str(root), "--index", str(index), "--sources", str(seeds))
    return subprocess.Popen(
        command, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
    )


def fetch(url: str, timeout: float = 10) -> tuple[int, bytes]:
    """Status and body of a GET; (0, b"") when the server does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def wait_until(predicate, seconds: float) -> bool:
    """Poll predicate() until it is true or the seconds are up."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def building(index: Path, pid: int) -> bool:
    """Whether the build with this pid has its temporary index folder."""
    return any(index.parent.glob(f".{index.name}.new-{pid}-*"))
