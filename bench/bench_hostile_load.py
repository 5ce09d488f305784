"""/sok under load while `kb index` runs twice, with and without one hostile case added.

    python bench/bench_hostile_load.py                  # 16 clients, 60 s per run
    python bench/bench_hostile_load.py --seconds 10     # a quick try
    python bench/bench_hostile_load.py --hostile long-words

Two runs on a copy of the real content (and the reports in ../shared/seeds when there), in
the same invocation. Each: `kb serve` on 127.0.0.1 in its own process, N client threads in
this process searching /sok for the given seconds, and `kb index` run twice in a row in
another process from the start of the load. The second run first writes one hostile case
into the live content/grep (issue 15's files, see --hostile). Prints per run the requests,
errors and p50/p95, and p95 split into requests that overlapped a rebuild and those that
did not (to tell the rebuilds' share of the 2 cores from the hostile file's), then the p95
ratio. Exits 1 when there are errors or the ratio is over 1.5 (issue 15's «Done when»).
Loopback only; bounded by the seconds given.
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

import hostile_files  # noqa: E402
from faults import env, fetch, free_port, kb, wait_until  # noqa: E402
from hostile import HOSTILE  # noqa: E402

QUERIES = ("bosetting av flyktninger", "startlån", "bolig for velferd", "barnefattigdom", "nav")
SEEDS = ROOT.parent / "shared" / "seeds"
MAX_RATIO = 1.5


def markup_case() -> str:
    """A case file with hostile markup in its text fields and 4 500 unknown theme ids."""
    themes = ", ".join(f"ukjent-{i}" for i in range(4500))
    return (
        f'---\nid: fiendtlig-last\ntitle: "Grep {HOSTILE.replace(chr(34), "")}"\n'
        f"summary: Sammendrag\nthemes: [{themes}]\n---\n## Utfordringen\n\n{HOSTILE}\n"
    )


def hostile_choices() -> dict[str, tuple[str, str]]:
    """name -> (file name, case text): the front-matter bombs, long words, the markup case."""
    return {
        **{n: (f"{n}.md", text) for n, text in hostile_files.hostile_cases().items()},
        "long-words": ("lange-ord.md", hostile_files.long_words_case()),
        "markup": ("fiendtlig-last.md", markup_case()),
    }


def client(port: int, end: float, timings: list, errors: list, n: int) -> None:
    """Search until `end`; (start, seconds) of each answered request, and each error."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = n
    while time.monotonic() < end:
        path = "/sok?q=" + quote(QUERIES[i % len(QUERIES)])
        i += 1
        started = time.monotonic()
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
        timings.append((started, time.monotonic() - started))
    conn.close()


def where(root: Path, index: Path) -> list[str]:
    sources = ["--sources", str(SEEDS)] if SEEDS.is_dir() else []
    return ["--content", str(root), "--index", str(index), *sources]


def builds(args: list[str], end: float, log: list) -> None:
    """`kb index` twice in a row; (exit code, start, end) of each."""
    for _ in range(2):
        started = time.monotonic()
        done = subprocess.run(
            kb("index", *args),
            env=env(),
            capture_output=True,
            timeout=max(30, end - time.monotonic() + 300),
        )
        log.append((done.returncode, started, time.monotonic()))


def start_server(args: list[str], port: int, log: Path) -> subprocess.Popen:
    """`kb serve` in its own process; its log goes to a file (a pipe nobody reads would fill)."""
    command = kb("serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "8", *args)
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env(), stdout=out, stderr=out, cwd=ROOT)


def run(base: Path, clients: int, seconds: float, case: tuple[str, str] | None) -> dict:
    root, args = base / "content", where(base / "content", base / "index")
    shutil.copytree(ROOT / "content", root)
    subprocess.run(kb("index", *args), env=env(), capture_output=True, check=True)
    port = free_port()
    server = start_server(args, port, base / "serve.log")
    try:
        if not wait_until(lambda: fetch(f"http://127.0.0.1:{port}/sok?q=bolig", 5)[0] == 200, 120):
            raise SystemExit("kb serve did not answer within 120 s")
        if case is not None:
            (root / "grep" / case[0]).write_text(case[1], "utf-8")
        end = time.monotonic() + seconds
        timings: list[tuple[float, float]] = []
        errors: list = []
        log: list = []
        threads = [
            threading.Thread(target=client, args=(port, end, timings, errors, n))
            for n in range(clients)
        ]
        threads.append(threading.Thread(target=builds, args=(args, end, log)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=20)
    return summary(timings, errors, log, end - seconds, end)


def p(values: list[float], q: int) -> float:
    """The q-th percentile in ms (0 for fewer than two values)."""
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


def summary(timings: list, errors: list, log: list, start: float, end: float) -> dict:
    """Percentiles overall, during a rebuild and outside one; the builds as (rc, from, to) s."""
    windows = [(a, b) for _rc, a, b in log]
    during = [s for t, s in timings if any(a <= t + s and t <= b for a, b in windows)]
    outside = [s for t, s in timings if not any(a <= t + s and t <= b for a, b in windows)]
    every = [s for _t, s in timings]
    return {
        "requests": len(every), "errors": len(errors), "kinds": sorted(set(map(str, errors))),
        "p50": p(every, 50), "p95": p(every, 95),
        "p95_during": p(during, 95), "n_during": len(during),
        "p95_outside": p(outside, 95), "n_outside": len(outside),
        "builds": [(rc, round(a - start, 1), round(b - start, 1)) for rc, a, b in log],
        "seconds": round(end - start, 1),
    }  # fmt: skip


def report(name: str, r: dict) -> None:
    print(
        f"{name:22} {r['requests']:6} forespørsler, {r['errors']} feil {r['kinds']}, "
        f"p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms\n"
        f"{'':22} p95 under kb index {r['p95_during']:.0f} ms ({r['n_during']}), "
        f"utenom {r['p95_outside']:.0f} ms ({r['n_outside']}); kb index (rc, fra s, til s) "
        f"{r['builds']} i en last på {r['seconds']} s"
    )


def main() -> int:
    choices = hostile_choices()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--hostile", choices=sorted(choices), default="alias-bomb-9",
                        help="det fiendtlige grepet som legges til (standard: alias-bomb-9, "
                        "som før stanset hver forespørsel i ~18 s)")  # fmt: skip
    opts = parser.parse_args()
    results = {}
    for name, case in (("uten fiendtlig grep", None), (opts.hostile, choices[opts.hostile])):
        with tempfile.TemporaryDirectory() as tmp:
            results[name] = run(Path(tmp), opts.clients, opts.seconds, case)
        report(name, results[name])
    without, with_ = results.values()
    ratio = with_["p95"] / max(without["p95"], 1e-9)
    print(f"p95 med/uten: {ratio:.2f} (mål: høyst 1,5; 0 feil)")
    return 1 if without["errors"] + with_["errors"] or ratio > MAX_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
