"""/sok under load while `kb index` runs twice, with and without one hostile case added.

    python bench/bench_hostile_load.py                  # 16 clients, 60 s per run
    python bench/bench_hostile_load.py --seconds 20

Two runs on a copy of the real content, each: `kb serve` on 127.0.0.1, N clients searching
/sok for the given seconds while `kb index` is run twice in a row. In the second run a hostile
case (markup in every field and 4 500 unknown theme ids) is written into content/grep before
the builds. Prints errors and p50/p95 per run and the p95 ratio (issue 15: 0 errors, ratio
at most 1.5). Figures only; loopback only; bounded by the seconds given.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
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
sys.path.insert(0, str(ROOT / "tests"))

from faults import env, fetch, free_port, kb, start_serve, wait_until  # noqa: E402
from hostile import HOSTILE  # noqa: E402

QUERIES = ("bosetting av flyktninger", "startlån", "bolig for velferd", "barnefattigdom", "nav")


def hostile_case() -> str:
    """A case file with hostile markup in its text fields and 4 500 unknown theme ids."""
    themes = ", ".join(f"ukjent-{i}" for i in range(4500))
    return (
        f'---\nid: fiendtlig-last\ntitle: "Grep {HOSTILE.replace(chr(34), "")}"\n'
        f"summary: Sammendrag\nthemes: [{themes}]\n---\n## Utfordringen\n\n{HOSTILE}\n"
    )


def client(port: int, end: float, timings: list, errors: list, n: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = n
    while time.monotonic() < end:
        path = "/sok?q=" + quote(QUERIES[i % len(QUERIES)])
        i += 1
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
        except OSError as exc:
            errors.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        timings.append(time.perf_counter() - started)
    conn.close()


def builds(root: Path, index: Path, end: float, log: list) -> None:
    """`kb index` twice in a row (within the run's time where possible)."""
    for _ in range(2):
        started = time.monotonic()
        done = subprocess.run(
            kb("index", "--content", str(root), "--index", str(index)),
            env=env(),
            capture_output=True,
            timeout=max(30, end - time.monotonic() + 120),
        )
        log.append((done.returncode, round(time.monotonic() - started, 1)))


def run(base: Path, clients: int, seconds: float, hostile: bool) -> dict:
    root, index = base / "content", base / "index"
    shutil.copytree(ROOT / "content", root)
    subprocess.run(kb("index", "--content", str(root), "--index", str(index)), env=env(),
                   capture_output=True, check=False)  # fmt: skip
    port = free_port()
    server = start_serve(root, index, ROOT / "content", port)
    try:
        up = wait_until(lambda: fetch(f"http://127.0.0.1:{port}/sok?q=bolig", 5)[0] == 200, 120)
        if not up:
            raise SystemExit("kb serve did not answer within 120 s")
        if hostile:
            (root / "grep" / "fiendtlig-last.md").write_text(hostile_case(), "utf-8")
        end = time.monotonic() + seconds
        timings: list[float] = []
        errors: list = []
        log: list = []
        threads = [
            threading.Thread(target=client, args=(port, end, timings, errors, n))
            for n in range(clients)
        ]
        threads.append(threading.Thread(target=builds, args=(root, index, end, log)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=20)
        server.stderr.close()
    q = statistics.quantiles(timings, n=100) if len(timings) > 1 else [0] * 99
    return {"requests": len(timings), "errors": len(errors), "kinds": sorted(set(map(str, errors))),
            "p50": q[49] * 1000, "p95": q[94] * 1000, "builds": log}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    results = {}
    for hostile in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            results[hostile] = r = run(Path(tmp), args.clients, args.seconds, hostile)
        name = "med fiendtlig grep" if hostile else "uten fiendtlig grep"
        print(
            f"{name:20} {r['requests']:6} forespørsler, {r['errors']} feil {r['kinds']}, "
            f"p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, kb index (rc, s): {r['builds']}"
        )
    ratio = results[True]["p95"] / max(results[False]["p95"], 1e-9)
    print(f"p95 med/uten: {ratio:.2f} (mål: høyst 1,5; 0 feil)")


if __name__ == "__main__":
    main()
