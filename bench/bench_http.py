"""HTTP load test: the production server (`kb serve`) on loopback, load from client processes.

    python bench/bench_http.py              # one worker per core, 16 clients, 15 s per phase
    python bench/bench_http.py --quick      # under ~3 minutes
    python bench/bench_http.py --workers 1  # one process (waitress), to compare

Every page type is warmed first (every case page in every worker). Then: a Flask «hello»
served the same way (the ceiling: bench/hello_app.py, through kb.cli.serve's own gunicorn or
waitress set-up and middleware) and uncached searches (each query new), in alternating rounds
(--rounds; both servers run all along), so that a spell when the shared machine is slower falls
on both and their ratio is taken from the same minutes; the same rounds again with --light
clients (2), since the ratio depends on the load: with more clients a worker answers more
requests per wake-up, which makes «hello» cheaper per request (each phase prints the server's
context switches per request); then the realistic mix, and the mix while `kb index` rebuilds
and swaps the index in another process. CPU per request
is the server's process tree CPU time (from /proc) over the requests it answered; beside it,
the load clients' own CPU per request (they run in their own processes on the same cores, so
a cheap server page leaves more of the machine to them). The swap phase lasts until the
rebuilds are done. Traffic goes to 127.0.0.1 only. The clients send the headers a browser
sends (BROWSER_HEADERS: gzip and brotli accepted), so a page's compression is counted as a
browser gets it.
After each phase: the resident memory (VmRSS) of the server's processes, to see it stays flat.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
# What a browser sends with every page it asks for (Firefox and Chromium both accept gzip and, over
# HTTPS, brotli; they also offer zstd, which the app does not use: web/compress.py).
BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate, br",
    "Accept-Language": "nb-NO,nb;q=0.9,no;q=0.8,en;q=0.5",
}
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


def fresh_queries(content, n: int, seed: int = 1) -> list[tuple[str, str]]:
    """n searches never asked before: two words from the cases' titles, a page of them."""
    words = sorted({w for c in content.cases.values() for w in c.title.split() if len(w) > 4})
    rng, seen, out = random.Random(seed), set(), []
    while len(out) < n and len(seen) < len(words) ** 2:
        pair = f"{rng.choice(words)} {rng.choice(words)}"
        if pair not in seen:
            seen.add(pair)
            out.append(("søk ny", "/sok?q=" + quote(pair)))
    return out


@contextmanager
def app_client(content, index_dir: Path | None) -> Iterator:
    """A Flask test client of the app over index_dir, or over an index of content built in a
    temporary folder (removed afterwards)."""
    with tempfile.TemporaryDirectory() as tmp:
        if index_dir is None:
            index_dir = Path(tmp) / "index"
            build_index(content, index_dir)
        os.environ["KB_INDEX_DIR"] = str(index_dir)
        from web import create_app

        yield create_app().test_client()


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index_dir: Path, port: int, workers: int, app: str = "kb") -> subprocess.Popen:
    """`kb serve --workers N` (or the hello app through gunicorn/waitress the same way)."""
    env = {**os.environ, "KB_INDEX_DIR": str(index_dir), "PYTHONPATH": str(ROOT)}
    if app == "kb":
        cmd = [sys.executable, "-m", "kb", "serve", "--port", str(port), "--workers", str(workers)]
    else:  # served by kb.cli.serve's own code: the same gunicorn options and middleware
        cmd = [sys.executable, str(ROOT / "bench" / "hello_app.py"), "--port", str(port)]
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not answer within 90 s")


def stop(proc: subprocess.Popen) -> None:
    """Stop a server this bench started (gunicorn stops its workers on SIGTERM)."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children, living or reaped (Linux)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
    return total


def tree_switches(pid: int) -> tuple[int, int]:
    """Context switches (voluntary, involuntary) of every thread of a process and of its
    children (Linux). Voluntary: the thread waited (for a request, a lock, the GIL);
    involuntary: it was preempted by another thread or process."""
    voluntary = involuntary = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if int(entry.name) != pid and ppid != pid:
                continue
            for task in (entry / "task").iterdir():
                for line in (task / "status").read_text().splitlines():
                    if line.startswith("voluntary_ctxt_switches"):
                        voluntary += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches"):
                        involuntary += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return voluntary, involuntary


def tree_rss(pid: int) -> list[int]:
    """Resident memory (VmRSS, MB) of a process and of each of its children (Linux)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(entry.name) == pid or int(fields.get("PPid", "0")) == pid:
            out.append(int(fields.get("VmRSS", "0 kB").split()[0]) // 1024)
    return out


def client(args: tuple) -> tuple[dict[str, list[float]], list[str], float]:
    """One client process: its paths in order on one keep-alive connection, until deadline
    (or until the stop file exists, when one is named); also the client's own CPU seconds."""
    port, paths, deadline, stop_file = args
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    cpu = time.process_time()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for kind, path in paths:
        if time.time() > deadline or (stop_file and os.path.exists(stop_file)):
            break
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=BROWSER_HEADERS)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status, conn = repr(exc), http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        if status != 200:
            errors.append(f"{status} {path}")
    conn.close()
    return timings, errors, time.process_time() - cpu


class Load:
    """Client processes, each with its own list of requests, bounded by count and time."""

    def __init__(
        self, port: int, plans: list[list[tuple[str, str]]], seconds: float, stop_file: str = ""
    ):
        self.port, self.plans, self.seconds, self.clients = port, plans, seconds, len(plans)
        self.stop_file = stop_file  # the clients stop early once this file exists
        self.timings: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.client_cpu = 0.0  # CPU seconds of the client processes, summed
        self.rss: list[int] = []  # MB per server process after the run
        self.switches = (0, 0)  # the server's context switches during the run (tree_switches)

    def run(self, server_pid: int | None = None) -> tuple[float, float]:
        """Run every client to the end; (wall seconds, server CPU seconds). The server's
        resident memory after the run is kept in self.rss."""
        deadline = time.time() + self.seconds
        jobs = [(self.port, p, deadline, self.stop_file) for p in self.plans]
        with multiprocessing.Pool(self.clients) as pool:
            cpu = tree_cpu(server_pid) if server_pid else 0.0
            switched = tree_switches(server_pid) if server_pid else (0, 0)
            started = time.monotonic()
            results = pool.map(client, jobs)
            wall = time.monotonic() - started
            cpu = (tree_cpu(server_pid) - cpu) if server_pid else 0.0
            if server_pid:
                after = tree_switches(server_pid)
                self.switches = (after[0] - switched[0], after[1] - switched[1])
            self.rss = tree_rss(server_pid) if server_pid else []
        for timings, errors, client_cpu in results:
            for kind, ts in timings.items():
                self.timings.setdefault(kind, []).extend(ts)
            self.errors += errors
            self.client_cpu += client_cpu
        return wall, cpu

    def count(self) -> int:
        return sum(len(ts) for ts in self.timings.values())


def percentile(values: list[float], share: float) -> float:
    """The share-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(title: str, load: Load, wall: float, cpu: float) -> dict:
    """Print latency per kind and overall, throughput, CPU per request and errors."""
    every = [t for ts in load.timings.values() for t in ts]
    per = cpu * 1000 / max(len(every), 1)
    client_per = load.client_cpu * 1000 / max(len(every), 1)
    print(
        f"\n{title}: {len(every)} forespørsler på {wall:.1f} s ({len(every) / wall:.0f}/s), "
        f"{load.clients} klienter, CPU {per:.2f} ms per forespørsel i tjeneren, "
        f"{client_per:.2f} ms i klientene"
    )
    print(f"  {'type':<12}{'antall':>8}{'p50 ms':>10}{'p95 ms':>10}{'maks ms':>10}")
    for kind, ts in sorted(load.timings.items()) + [("alle", every)]:
        print(
            f"  {kind:<12}{len(ts):>8}{statistics.median(ts):>10.1f}"
            f"{percentile(ts, 0.95):>10.1f}{max(ts):>10.1f}"
        )
    print(f"  feil: {len(load.errors)}" + (f" (f.eks. {load.errors[:3]})" if load.errors else ""))
    if any(load.switches):
        n = max(len(every), 1)
        print(
            f"  kontekstbytter i tjeneren per forespørsel: {load.switches[0] / n:.1f} frivillige, "
            f"{load.switches[1] / n:.1f} tvungne"
        )
    if load.rss:
        print(f"  minne (VmRSS) etter fasen: {' + '.join(f'{mb} MB' for mb in sorted(load.rss))}")
    return {
        "title": title.split(",")[0],
        "rps": len(every) / wall,
        "p95": percentile(every, 0.95),
        "cpu": per,
        "client_cpu": client_per,
        "errors": len(load.errors),
        "clients": load.clients,
    }


def mix_plans(case_ids: list[str], clients: int, per_client: int) -> list[list[tuple[str, str]]]:
    rngs = [random.Random(i) for i in range(clients)]
    return [[request_mix(case_ids, rng) for _ in range(per_client)] for rng in rngs]


def warm_paths(content) -> list[tuple[str, str]]:
    """Every page type: home, search, browse, each case, each source, the API, the rest."""
    paths = [("varm", p) for p in ("/", "/om", "/kart", "/kilder/", "/grep.json", "/foresla")]
    paths += [("varm", "/grep/" + c) for c in sorted(content.cases)]
    paths += [("varm", "/kilder/" + s) for s in sorted(content.sources)]
    paths += [("varm", "/sok?q=" + quote(q)) for q in QUERIES]
    paths += [("varm", "/sok?" + f) for f in FILTERS]
    return paths + [("varm", "/api/sok?q=" + quote(q)) for q in QUERIES]


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--requests", type=int, default=3000, help="most requests per phase")
    parser.add_argument("--seconds", type=float, default=15.0, help="longest phase, seconds")
    parser.add_argument("--swaps", type=int, default=2, help="index rebuilds in the last phase")
    parser.add_argument(
        "--rounds", type=int, default=5, help="«hello» and new searches, alternating rounds"
    )
    parser.add_argument(
        "--light",
        type=int,
        default=2,
        help="the alternating rounds again with this many clients (0: not)",
    )
    parser.add_argument("--quick", action="store_true", help="short phases (under ~3 minutes)")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.seconds, args.swaps = 600, 6.0, 1
    return args


def main() -> None:
    """Build an index, serve it, load it, swap it under load, print the figures."""
    args = parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-http-"))
    rows = []
    per = max(1, args.requests // args.clients)
    try:
        content = load_content()
        index_dir = folder / "index"
        print(f"Indeks: {build_index(content, index_dir).summary()}")
        print(
            f"{args.workers} prosess(er), {args.clients} klientprosesser (maskinen kan være i bruk)"
        )
        hello_port = free_port()
        hello = start_server(index_dir, hello_port, args.workers, app="hello")
        try:
            Load(hello_port, [[("varm", "/")] * 50] * 2, 10).run()
            port = free_port()
            server = start_server(index_dir, port, args.workers)
        except BaseException:
            stop(hello)
            raise
        try:
            try:
                Load(port, [warm_paths(content)] * (2 * args.workers), 60).run()
                servers = (hello_port, hello), (port, server)
                rows += ceiling_rounds(args, content, *servers, args.clients)
                if args.light and args.light != args.clients:  # the same with fewer clients
                    rows += ceiling_rounds(args, content, *servers, args.light, rows[1]["asked"])
            finally:
                stop(hello)
            load = Load(port, mix_plans(sorted(content.cases), args.clients, per), args.seconds)
            rows.append(report("Blandet last", load, *load.run(server.pid)))
            rows.append(swap_phase(args, content, index_dir, port, server.pid, per))
        finally:
            stop(server)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("\nSammendrag")
    print(f"  {'fase':<48}{'req/s':>8}{'p95 ms':>9}{'CPU ms':>9}{'klient ms':>11}{'feil':>6}")
    for r in rows:
        print(
            f"  {r['title']:<48}{r['rps']:>8.0f}{r['p95']:>9.1f}{r['cpu']:>9.2f}"
            f"{r['client_cpu']:>11.2f}{r['errors']:>6}"
        )
    for hello_row, sok_row in zip(rows[0::2], rows[1::2], strict=False):
        if "rounds" not in sok_row or not hello_row["cpu"]:
            break
        ratios = sok_row["rounds"]
        print(
            f"  /sok uten hurtigbuffer = {sok_row['cpu'] / hello_row['cpu']:.1f} × «hello» i CPU"
            f" ved {sok_row['clients']} klienter (per runde: median "
            f"{statistics.median(ratios):.1f} ×, {min(ratios):.1f}–{max(ratios):.1f} × over "
            f"{len(ratios)} runder)"
        )


def ceiling_rounds(
    args, content, hello: tuple, server: tuple, clients: int, seen: int = 0
) -> list[dict]:
    """The «hello» ceiling and uncached searches in alternating rounds, both servers running:
    each round loads «hello», then asks new searches, each as long as a phase (at most
    args.requests per phase), none of the searches asked twice (`seen`: how many of
    fresh_queries' list earlier rounds asked). Prints each round's CPU per request and ratio;
    returns the two phases' rows over all rounds (the /sok row with the rounds' ratios)."""
    rounds, per = max(1, args.rounds), max(1, args.requests // clients)
    fresh = fresh_queries(content, seen + per * clients * rounds)[seen:]
    loads: dict[str, list[tuple[Load, float, float]]] = {"hello": [], "sok": []}
    for r in range(rounds):
        load = Load(hello[0], [[("hello", "/")] * per] * clients, args.seconds)
        loads["hello"].append((load, *load.run(hello[1].pid)))
        part = fresh[r * per * clients : (r + 1) * per * clients]
        plans = [part[i::clients] for i in range(clients)]
        load = Load(server[0], [p for p in plans if p], args.seconds)
        loads["sok"].append((load, *load.run(server[1].pid)))
    print(
        f"\n«hello» og nye søk, {clients} klienter, {rounds} runder annenhver gang "
        "(CPU per forespørsel i tjeneren):"
    )
    print(f"  {'runde':<8}{'hello ms':>10}{'/sok ms':>10}{'×':>8}")
    ratios = []
    for r, ((h, _, h_cpu), (q, _, q_cpu)) in enumerate(
        zip(loads["hello"], loads["sok"], strict=True), 1
    ):
        h_ms, q_ms = h_cpu * 1000 / max(h.count(), 1), q_cpu * 1000 / max(q.count(), 1)
        ratios.append(q_ms / h_ms if h_ms else 0.0)
        print(f"  {r:<8}{h_ms:>10.2f}{q_ms:>10.2f}{ratios[-1]:>8.1f}")
    at = "" if clients == args.clients else f" ved {clients} klienter"
    rows = [
        report(title + at, *merged(loads[key]))
        for key, title in (
            ("hello", "Flask «hello» (taket)"),
            ("sok", "/sok uten hurtigbuffer (nye søk)"),
        )
    ]
    rows[1]["rounds"], rows[1]["asked"] = ratios, seen + per * clients * rounds
    return rows


def merged(runs: list[tuple[Load, float, float]]) -> tuple[Load, float, float]:
    """Several runs of one kind as one: their timings, errors and client CPU together, the
    wall and server CPU summed, the memory after the last."""
    out = Load(runs[0][0].port, [], 0)
    out.clients = runs[0][0].clients
    for load, _, _ in runs:
        for kind, ts in load.timings.items():
            out.timings.setdefault(kind, []).extend(ts)
        out.errors += load.errors
        out.client_cpu += load.client_cpu
        out.rss = load.rss
        out.switches = tuple(a + b for a, b in zip(out.switches, load.switches, strict=True))
    return out, sum(r[1] for r in runs), sum(r[2] for r in runs)


def swap_phase(args, content, index_dir: Path, port: int, pid: int, per: int) -> dict:
    """The mix while `kb index` rebuilds and swaps the index in another process."""
    env = {**os.environ, "KB_INDEX_DIR": str(index_dir), "PYTHONPATH": str(ROOT)}
    # The load lasts as long as the rebuilds (up to a few minutes), not just `per` requests:
    # a fast server would otherwise be done before the first swap. The clients stop when
    # the builder's shell writes the stop file.
    plans = [list(reversed(p)) * 100 for p in mix_plans(sorted(content.cases), args.clients, per)]
    stop_file = index_dir.parent / "swaps-done"
    load = Load(port, plans, max(args.seconds * 2, 300), str(stop_file))
    builder = subprocess.Popen(
        f"for i in $(seq {args.swaps}); do {sys.executable} -m kb index >/dev/null 2>&1; done;"
        f" touch '{stop_file}'",
        shell=True,
        env=env,
        cwd=ROOT,
    )
    wall, cpu = load.run(pid)
    builder.wait()
    return report(f"Mens indeksen byttes ({args.swaps} ganger)", load, wall, cpu)


if __name__ == "__main__":
    main()
