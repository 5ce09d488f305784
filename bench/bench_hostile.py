"""Hostile files against `kb validate`, `kb index` and the running service (512 MB, 10 s).

Builds every bomb of issue 15 (tests/hostile_files.py) into a throw-away content root, runs
the command in a child process with resource limits (RLIMIT_AS 512 MB, RLIMIT_CPU 10 s, wall
timeout 10 s) and prints the wall time and peak memory (ru_maxrss) of each run.

The service leg starts `kb serve` in a child on a small content root, puts the hostile file
into the live content folder, runs `kb index` (the rebuild the service swaps to) and keeps
requesting /, /sok?q=bolig and a case page from two clients meanwhile. It prints the slowest
request, the server's peak memory (VmHWM in /proc) and the status codes. A threaded server
reserves more address space than it uses, so it gets RLIMIT_AS 2 GB as a safety net only;
512 MB is checked against its peak resident memory.

Exits 1 when a run is killed, times out, crashes with a traceback, goes over a limit, or a
request fails, takes over 10 s or answers other than 200.

    PYTHONPATH=$PWD python bench/bench_hostile.py [--legs validate,index,service]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files as hostile  # noqa: E402  (the test helpers build the same files the tests use)
from faults import env, fetch, free_port, kb, small_root, wait_until  # noqa: E402

MAX_BYTES = 512 * 1024 * 1024
MAX_SECONDS = 10


def limit_child() -> None:
    """In the child, before exec: the memory and CPU limits."""
    resource.setrlimit(resource.RLIMIT_AS, (MAX_BYTES, MAX_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (MAX_SECONDS, MAX_SECONDS))


def run_limited(args: list[str]) -> tuple[float, float, int, int, str]:
    """(wall s, CPU s, peak MB, exit code, output) of `python -m kb args` under the limits.

    The CPU seconds tell a slow command from a busy machine: on a shared one the wall time
    of a short command is mostly waiting for a core.
    """
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
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss // 1024, child.returncode, text


def content_root(base: Path) -> Path:
    """A content root with the real vocabularies and registers, the test source that the
    hostile cases cite (so a case that parses is indexed), and no cases."""
    root = base / "content"
    shutil.copytree(ROOT / "content" / "vocabulary", root / "vocabulary")
    shutil.copytree(ROOT / "content" / "registers", root / "registers")
    shutil.copytree(ROOT / "tests" / "fixtures" / "sources", root / "sources")
    (root / "grep").mkdir()
    return root


FORMATS = {".pdf": "pdf", ".html": "html", ".txt": "text"}


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
    out["long-words"] = ("lange-ord.md", hostile.long_words_case().encode())
    out["text-200k-token"] = ("bombe.txt", hostile.long_token_text().encode())
    return out


def prepare(base: Path, file_name: str, data: bytes) -> tuple[Path, Path]:
    """A content root and a seeds folder holding the one hostile file."""
    root, seeds = content_root(base), base / "seeds"
    shutil.copytree(ROOT / "tests" / "fixtures" / "seeds", seeds)
    place(root, seeds, file_name, data)
    return root, seeds


def place(root: Path, seeds: Path, file_name: str, data: bytes) -> None:
    """Put the hostile file where it acts: a case in content/grep, a report in seeds."""
    if file_name.endswith(".md"):
        (root / "grep" / file_name).write_bytes(data)
    else:
        register(root, seeds, file_name, data, FORMATS[Path(file_name).suffix])


SERVICE_URLS = ("/", "/sok?q=bolig", "/grep/lillehammer-startlan")
SERVICE_SAFETY_BYTES = 2 * 1024**3  # address space, not memory: see the module docstring
SETTLE_SECONDS = 6.0  # requests go on this long after the rebuild (reload and warm: 2 s each)


def limit_service() -> None:
    """In the server child, before exec: a safety net on address space."""
    resource.setrlimit(resource.RLIMIT_AS, (SERVICE_SAFETY_BYTES, SERVICE_SAFETY_BYTES))


def peak_mb(pid: int) -> int:
    """A live process's peak resident memory (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def rebuild(where: list[str]) -> str:
    """`kb index` while the service runs (512 MB; its time is the index leg's business, and
    here it shares the cores with the server and the clients); a problem, or ""."""
    done = subprocess.run(
        kb("index", *where),
        env=env(),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (MAX_BYTES, MAX_BYTES)),
    )
    if done.returncode < 0 or "Traceback" in done.stderr:
        return f"kb index: exit {done.returncode}, {done.stderr.strip()[-200:]}"
    return ""


def start_service(port: int, where: list[str]) -> subprocess.Popen:
    """`kb serve` on 127.0.0.1:port in a child with the address-space safety net."""
    command = kb("serve", "--host", "127.0.0.1", "--port", str(port), *where)
    quiet = subprocess.DEVNULL
    return subprocess.Popen(
        command, env=env(), stdout=quiet, stderr=quiet, preexec_fn=limit_service, cwd=ROOT
    )


def probe(port: int, stop: threading.Event, times: list[float], codes: Counter) -> None:
    """Request the service's pages in turn until stopped; each time and each status."""
    i = 0
    while not stop.is_set():
        url = f"http://127.0.0.1:{port}{SERVICE_URLS[i % len(SERVICE_URLS)]}"
        started = time.monotonic()
        status, _body = fetch(url, timeout=MAX_SECONDS + 5)
        times.append(time.monotonic() - started)
        codes[status] += 1
        i += 1


def service_run(file_name: str, data: bytes) -> tuple[list[float], int, Counter, str]:
    """(request seconds, server peak MB, status codes, problem) with the file put in live."""
    with tempfile.TemporaryDirectory() as tmp:
        root, seeds = small_root(Path(tmp))
        where = ["--content", str(root), "--sources", str(seeds), "--index", f"{tmp}/index"]
        subprocess.run(kb("index", *where), env=env(), capture_output=True, check=True)
        port = free_port()
        server = start_service(port, where)
        try:
            if not wait_until(lambda: fetch(f"http://127.0.0.1:{port}/", 5)[0] == 200, 120):
                return 0.0, 0, Counter(), "kb serve startet ikke"
            stop, times, codes = threading.Event(), [], Counter()
            clients = [threading.Thread(target=probe, args=(port, stop, times, codes))
                       for _ in range(2)]  # fmt: skip
            for c in clients:
                c.start()
            if file_name:  # none: the baseline, the same rebuild without a hostile file
                place(root, seeds, file_name, data)
            problem = rebuild(where)
            time.sleep(SETTLE_SECONDS)
            stop.set()
            for c in clients:
                c.join()
            if server.poll() is not None:
                problem = f"kb serve stoppet (exit {server.returncode})"
            return times, peak_mb(server.pid) if not problem else 0, codes, problem
        finally:
            server.kill()
            server.wait()


def service_leg(name: str, file_name: str, data: bytes) -> bool:
    """Run and print the service leg of one scenario; True when it broke a limit."""
    times, peak, codes, problem = service_run(file_name, data)
    seconds, median = max(times, default=0.0), statistics.median(times or [0.0])
    bad = bool(problem) or set(codes) != {200} or seconds > MAX_SECONDS
    bad = bad or peak * 1024 * 1024 > MAX_BYTES
    shown = " ".join(f"{code}×{n}" for code, n in sorted(codes.items()))
    verdict = f"BRUDD {problem}".strip() if bad else "ok"
    print(
        f"{name:<22} {'tjeneste':<9} {seconds:6.2f}s {peak:6d} MB  {verdict} ({shown}, "
        f"median {median * 1000:.0f} ms)"
    )
    return bad


def main() -> int:
    """Run every scenario through the chosen legs; print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legs", default="validate,index,service",
                        help="kommaseparert: validate, index, service")  # fmt: skip
    legs = parser.parse_args().legs.split(",")
    broken = 0
    print(f"{'fil':<22} {'kommando':<9} {'tid':>7} {'minne':>8}  utfall")
    if "service" in legs:  # the same run without a hostile file, for comparison
        broken += service_leg("(ingen, grunnlinje)", "", b"")
    for name, (file_name, data) in scenarios().items():
        with tempfile.TemporaryDirectory() as tmp:
            root, seeds = prepare(Path(tmp), file_name, data)
            common = ["--content", str(root), "--sources", str(seeds)]
            for command in [c for c in ("validate", "index") if c in legs]:
                extra = ["--index", str(Path(tmp) / "index")] if command == "index" else []
                seconds, cpu, peak, code, output = run_limited([command, *common, *extra])
                bad = code < 0 or "Traceback" in output or seconds > MAX_SECONDS
                bad = bad or peak * 1024 * 1024 > MAX_BYTES
                broken += bad
                verdict = "BRUDD" if bad else f"exit {code}"
                print(
                    f"{name:<22} {command:<9} {seconds:6.2f}s {peak:6d} MB  {verdict} "
                    f"(CPU {cpu:.2f} s)"
                )
        if "service" in legs:
            broken += service_leg(name, file_name, data)
    print("alle innenfor 512 MB og 10 s" if not broken else f"{broken} brudd på grensene")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
