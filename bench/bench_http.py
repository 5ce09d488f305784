"""HTTP load test: waitress on loopback, N concurrent clients, then an index swap under load.

    python bench/bench_http.py                     # 8 clients, 20 s per phase
    python bench/bench_http.py --clients 16 --seconds 10 --requests 2000

Phase 1 measures latency of a mix of realistic requests (searches with and without filters,
browsing, case pages, the JSON API). Phase 2 runs the same load while the index is rebuilt and
swapped into place twice, and counts the errors (the target is zero). Prints figures only;
the bound on requests and seconds keeps every run short. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.build import build_index  # noqa: E402
from kb.content.loader import load_content  # noqa: E402

QUERIES = (
    "bosetting av flyktninger",
    "startlån",
    "bolig for velferd",
    "barnefattigdom",
    "Statsforvalteren",
    "fylkesmannen samarbeid",
    "boligsosialt arbeid",
    "nav",
    "introduksjonsprogram",
    "tjenestedesign",
    "områdesatsing",
    "husbanken kommune",
    "bostting",
    "leie til eie",
    "ressursperson",
    "foreldreskole",
)
FILTERS = (
    "tema=bolig",
    "tema=bosetting&fylke=Vestland",
    "malgruppe=flyktninger",
    "fylke=Rogaland",
    "evidens=evaluert",
    "type=grep&sort=nyeste",
)


def request_mix(case_ids: list[str], rng: random.Random) -> tuple[str, str]:
    """One (kind, path) drawn from a realistic mix: mostly searches."""
    roll = rng.random()
    if roll < 0.45:
        return "søk", "/sok?q=" + quote(rng.choice(QUERIES))
    if roll < 0.60:
        return "søk+filter", f"/sok?q={quote(rng.choice(QUERIES))}&{rng.choice(FILTERS)}"
    if roll < 0.70:
        return "bla", "/sok?" + rng.choice(FILTERS)
    if roll < 0.85:
        return "grep", "/grep/" + rng.choice(case_ids)
    return "api", "/api/sok?q=" + quote(rng.choice(QUERIES))


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index_dir: Path, port: int, threads: int) -> subprocess.Popen:
    """waitress-serve in a subprocess with the app factory; returns once it answers."""
    env = {**os.environ, "KB_INDEX_DIR": str(index_dir)}
    cmd = [
        sys.executable,
        "-m",
        "waitress",
        f"--listen=127.0.0.1:{port}",
        f"--threads={threads}",
        "--call",
        "web:create_app",
    ]
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/sok?q=bolig")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not answer within 60 s")


class Load:
    """Clients in threads, each on one keep-alive connection, bounded by count and time."""

    def __init__(self, port: int, case_ids: list[str], clients: int, requests: int, seconds: float):
        self.port, self.case_ids, self.clients = port, case_ids, clients
        self.requests, self.seconds = requests, seconds
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.sent = 0

    def _take(self) -> bool:
        with self.lock:
            if self.sent >= self.requests:
                return False
            self.sent += 1
            return True

    def client(self, seed: int, deadline: float) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.monotonic() < deadline and self._take():
            kind, path = request_mix(self.case_ids, rng)
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status, conn = (
                    repr(exc),
                    http.client.HTTPConnection("127.0.0.1", self.port, timeout=30),
                )
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                self.timings.setdefault(kind, []).append(elapsed)
                if status != 200:
                    self.errors.append(f"{status} {path}")
        conn.close()

    def run(self) -> float:
        """Run all clients to the end; the wall time in seconds."""
        started = time.monotonic()
        deadline = started + self.seconds
        threads = [
            threading.Thread(target=self.client, args=(i, deadline)) for i in range(self.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    """The share-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(title: str, load: Load, wall: float) -> None:
    """Print latency per kind and overall, throughput and errors."""
    every = [t for ts in load.timings.values() for t in ts]
    print(
        f"\n{title}: {len(every)} forespørsler på {wall:.1f} s "
        f"({len(every) / wall:.0f}/s), {load.clients} samtidige klienter"
    )
    print(f"  {'type':<12}{'antall':>8}{'p50 ms':>10}{'p95 ms':>10}{'maks ms':>10}")
    for kind, ts in sorted(load.timings.items()) + [("alle", every)]:
        print(
            f"  {kind:<12}{len(ts):>8}{statistics.median(ts):>10.1f}"
            f"{percentile(ts, 0.95):>10.1f}{max(ts):>10.1f}"
        )
    print(f"  feil: {len(load.errors)}" + (f" (f.eks. {load.errors[:3]})" if load.errors else ""))


def swap_under_load(load: Load, content, index_dir: Path, swaps: int) -> tuple[float, list]:
    """Run the load while the index is rebuilt and swapped `swaps` times."""
    result: dict[str, float] = {}
    runner = threading.Thread(target=lambda: result.setdefault("wall", load.run()))
    runner.start()
    builds = []
    for _ in range(swaps):
        time.sleep(load.seconds / (swaps + 2))
        started = time.monotonic()
        build_index(content, index_dir)
        builds.append(time.monotonic() - started)
    runner.join()
    return result["wall"], builds


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--requests", type=int, default=3000, help="most requests per phase")
    parser.add_argument("--seconds", type=float, default=20.0, help="longest phase, seconds")
    parser.add_argument("--swaps", type=int, default=2, help="index rebuilds in phase 2")
    return parser.parse_args()


def phases(args: argparse.Namespace, content, index_dir: Path, port: int) -> None:
    """Warm up, then phase 1 (plain load) and phase 2 (load while the index is swapped)."""
    case_ids = sorted(content.cases)
    Load(port, case_ids, 2, 50, 10).run()
    load = Load(port, case_ids, args.clients, args.requests, args.seconds)
    report("Fase 1, last", load, load.run())
    load = Load(port, case_ids, args.clients, args.requests, args.seconds)
    wall, builds = swap_under_load(load, content, index_dir, args.swaps)
    took = ", ".join(f"{b:.1f} s" for b in builds)
    report(f"Fase 2, last mens indeksen bygges og byttes {len(builds)} ganger ({took})", load, wall)


def main() -> None:
    """Build an index, serve it, load it, swap it under load, print the figures."""
    args = parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-http-"))
    try:
        content = load_content()
        index_dir = folder / "index"
        print(f"Indeks: {build_index(content, index_dir).summary()}")
        port = free_port()
        server = start_server(index_dir, port, args.threads)
        try:
            phases(args, content, index_dir, port)
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
