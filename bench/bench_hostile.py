"""Hostile files against `kb validate` and `kb index`, each in a child with 512 MB and 10 s.

Builds every bomb of issue 15 (tests/hostile.py) into a throw-away content root, runs the
command in a child process with resource limits (RLIMIT_AS 512 MB, RLIMIT_CPU 10 s, wall
timeout 10 s) and prints the wall time and peak memory (ru_maxrss) of each run. Exits 1 when
a run is killed, times out, crashes with a traceback, or goes over a limit.

    PYTHONPATH=$PWD python bench/bench_hostile.py
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files as hostile  # noqa: E402  (the test helpers build the same files the tests use)

MAX_BYTES = 512 * 1024 * 1024
MAX_SECONDS = 10


def limit_child() -> None:
    """In the child, before exec: the memory and CPU limits."""
    resource.setrlimit(resource.RLIMIT_AS, (MAX_BYTES, MAX_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (MAX_SECONDS, MAX_SECONDS))


def run_limited(args: list[str]) -> tuple[float, int, int, str]:
    """(seconds, peak MB, exit code, output) of `python -m kb args` under the limits."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryFile() as out:
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "kb", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=limit_child,
            env=env,
            cwd=ROOT,
        )
        while True:  # wait4, not wait: it returns this child's own rusage
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > MAX_SECONDS:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    return seconds, usage.ru_maxrss // 1024, child.returncode, text


def content_root(base: Path) -> Path:
    """A content root with the real vocabularies and registers and no cases."""
    root = base / "content"
    shutil.copytree(ROOT / "content" / "vocabulary", root / "vocabulary")
    shutil.copytree(ROOT / "content" / "registers", root / "registers")
    (root / "sources").mkdir()
    (root / "grep").mkdir()
    return root


def register(root: Path, seeds: Path, name: str, data: bytes, fmt: str) -> None:
    """Put one report file in seeds and register it as source `bombe`."""
    (seeds / name).write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    (root / "sources" / "bombe.yaml").write_text(
        f"id: bombe\ntitle: Bombe\nfiles:\n  - path: {name}\n    sha256: {sha}\n"
        f"    format: {fmt}\n",
        "utf-8",
    )


def scenarios() -> dict[str, tuple[str, bytes]]:
    """name -> (file name, bytes) for every hostile file."""
    out = {n: (f"{n}.md", t.encode()) for n, t in hostile.hostile_cases().items()}
    out["pdf-flate-1gb"] = ("bombe.pdf", hostile.flate_bomb_pdf())
    out["pdf-5m-text-ops"] = ("bombe.pdf", hostile.text_operator_pdf())
    out["pdf-5m-operands"] = ("bombe.pdf", hostile.operand_pdf())
    out["html-nested-100k"] = ("bombe.html", hostile.nested_html(100_000).encode())
    return out


def prepare(base: Path, file_name: str, data: bytes) -> tuple[Path, Path]:
    """A content root and a seeds folder holding the one hostile file."""
    root, seeds = content_root(base), base / "seeds"
    seeds.mkdir()
    if file_name.endswith(".md"):
        (root / "grep" / file_name).write_bytes(data)
    else:
        register(root, seeds, file_name, data, "pdf" if file_name.endswith(".pdf") else "html")
    return root, seeds


def main() -> int:
    """Run every scenario with both commands; print one line each."""
    broken = 0
    print(f"{'fil':<22} {'kommando':<9} {'tid':>7} {'minne':>8}  utfall")
    for name, (file_name, data) in scenarios().items():
        with tempfile.TemporaryDirectory() as tmp:
            root, seeds = prepare(Path(tmp), file_name, data)
            common = ["--content", str(root), "--sources", str(seeds)]
            for command in ("validate", "index"):
                extra = ["--index", str(Path(tmp) / "index")] if command == "index" else []
                seconds, peak, code, output = run_limited([command, *common, *extra])
                bad = code < 0 or "Traceback" in output or seconds > MAX_SECONDS
                bad = bad or peak * 1024 * 1024 > MAX_BYTES
                broken += bad
                verdict = "BRUDD" if bad else f"exit {code}"
                print(f"{name:<22} {command:<9} {seconds:6.2f}s {peak:6d} MB  {verdict}")
    print("alle innenfor 512 MB og 10 s" if not broken else f"{broken} brudd på grensene")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
