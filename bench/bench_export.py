"""Benchmark `kb export`: build time and size for the real content and for 2 000 cases.

    python bench/bench_export.py            # real content, then synthetic 2 000 cases
    python bench/bench_export.py --search   # the export's Pagefind search on RELEVANCE,
                                            # in Debian's Chromium
    python bench/bench_export.py --pages 300  # CPU per case page (one process), 2 000 cases
    python bench/bench_export.py --apa      # CPU per APA reference (text and HTML), citeproc

Prints figures; the real-content build is the baseline the synthetic run is compared with.
«indeks» is the search index `kb export` builds first (without --index), «eksport» the pages,
Pagefind, sitemap and link check. The synthetic export runs twice: «igjen» is `kb export
--index` over the same index, whose APA references are kept beside it. «cpu» is the
export's CPU time (this process, its forked page workers and Pagefind), which a machine shared
with other work changes less than the wall time. The load average is printed with the
figures, and the export's stages: «sider» (the HTML pages), «pagefind» (its search index, built
while the citation and API files, the open data, the sitemap and the link check are written and
done beside it), «slutt» (time stamps, the folder put in place).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.build import build_index  # noqa: E402
from kb.content.loader import load_content  # noqa: E402
from web.static_site import build_site  # noqa: E402

SITE_URL = "https://gode-grep.example/"
EDIT_URL = "https://example.invalid/edit/"
REPO_URL = "https://example.invalid/"
OMRADESATSING = """bygdevekstavtaler-fasedelt-tilskudd drammen-fjell-nav-tiltak-fritid
endringsmal-ved-siden-av-effektmal erfaringskonferansen-om-omradesatsinger
frivillige-naeringsliv-og-brukere-i-omradesatsing kunnskapsunderlag-og-innsikt-i-oppstarten
mal-hentet-fra-kommunale-planer oslo-gratis-kjernetid-barnehage
oslo-nettside-prosjekter-og-erfaringer oslo-statlige-aktorer-i-programstyrene
portefoljestyring-lopende-prioritering regionale-og-uformelle-nettverk
ressurspersoner-og-kontinuitet samlokaliserte-tjenester-knutepunkt
samordning-med-tilgrensende-tilskudd spredning-til-kommuner-uten-omradesatsing
strategisk-rad-for-statlige-aktorer""".split()
# Relevance queries: (query, case ids that a good search returns in the top 5).
RELEVANCE = (
    # «fattigdom», «områdesatsingene»: every case whose title or summary names the concept
    (
        "fattigdom",
        {
            "velferdspiloten-modell",
            "velferdspiloten-planstrategi",
            "velferdspiloten-samlinger-kommunene",
        },
    ),
    ("startlån", {"lillehammer-startlan-eie"}),
    ("boligskolen", {"boveiledning-boligskole"}),
    ("leie til eie", {"lillehammer-startlan-eie", "trondheim-kjop-av-leid-borettslagsleilighet"}),
    (
        "private utleiere",
        {"private-utleiere-kommunen-som-leietaker", "bergen-selvbosetting-privat-leie"},
    ),
    ("taushetsplikten", {"statsforvalteren-vest-oppfolging-kurs-taushetsplikt"}),
    ("barnehage", {"oslo-gratis-kjernetid-barnehage"}),
    (
        "løslatelse fra fengsel",
        {"nav-troms-stilling-kriminalomsorgen", "kriminalomsorgen-sorvest-bolig-for-innsatte"},
    ),
    (
        "enslige mindreårige",
        {
            "imdi-nav-husbanken-samarbeidsavtaler-flyktninger",
            "kinn-fire-pilotgrupper-boligsosialt",
            "kinn-overganger-18-ar-sporsmal-til-staten",
        },
    ),
    ("tjenestedesign", {"tjenestedesign-med-kompetansestotte"}),
    ("erfaringskonsulenter", {"bolig-for-velferd-brukerinvolvering-erfaringskonsulent"}),
    ("foreldre", {"kristiansund-foreldreskole"}),
    ("sommerjobb", {"kinn-fire-pilotgrupper-boligsosialt"}),
    ("områdesatsingene", set(OMRADESATSING)),
    ("konsulenter", {"sor-felles-konferanse-flyktning-og-boligkonsulenter"}),
    ("politiet", {"sola-slt-pluss-politi", "haugesund-samarbeid-helse-fonna-kriminalomsorgen"}),
    ("velferdslab", {"velferdspiloten-velferdslab"}),
    (
        "samarbeidsavtalene",
        {
            "imdi-nav-husbanken-samarbeidsavtaler-flyktninger",
            "barnevern-maler-samarbeidsavtaler-bufetat-kommune",
            "samarbeidsavtale-stat-ks-okt-bosetting",
        },
    ),
    (
        "veikartet",
        {"sola-veikart-innbyggerinvolvering", "ks-veikart-tjenesteinnovasjon-bolig-for-velferd"},
    ),
    ("tilsyn med barnevernet", {"statsforvalteren-tilsyn-og-kvalitetsutvikling-barnevern"}),
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGEFIND_JS = """async (q) => {
  const pf = await import('/pagefind/pagefind.js');
  const r = await pf.search(q);
  return Promise.all(r.results.slice(0, 10).map(x => x.data().then(d => d.url)));
}"""


def size_of(folder: Path) -> tuple[int, int]:
    """(files, bytes) under a folder."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (page workers, Pagefind)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed_export(content_root: Path, out: Path, index: Path | None = None) -> dict:
    """Load, index and export one content root, as `kb export` does; returns the figures.

    With `index`, an index built before is used as it is (`kb export --index`): its formatted
    references, kept beside it (kb.cite.store_path), are those of the earlier export."""
    t0 = time.perf_counter()
    content = load_content(content_root)
    t1 = time.perf_counter()
    if index is None:
        index = out.parent / (out.name + "-index")
        build_index(content, index)
    marks: list[tuple[float, str]] = []
    t2, cpu = time.perf_counter(), cpu_seconds()
    result = build_site(
        content,
        out,
        SITE_URL,
        EDIT_URL,
        REPO_URL,
        lambda message: marks.append((time.perf_counter(), message)),
        index_dir=index,
    )
    cpu = cpu_seconds() - cpu
    files, size = size_of(out)
    return {
        "stages": stage_seconds(t2, marks, time.perf_counter()),
        "cases": result.cases,
        "pages": result.pages,
        "load_s": t1 - t0,
        "index_s": t2 - t1,
        "export_s": result.seconds,
        "cpu_s": cpu,
        "files": files,
        "mb": size / 1e6,
    }


def stage_seconds(start: float, marks: list[tuple[float, str]], end: float) -> dict:
    """Seconds per stage of build_site, from the times of its progress messages."""
    at = [start]
    for words in ("Pagefind lager", "Pagefind:"):  # the messages that end a stage
        at.append(next((t for t, m in marks if words in m), at[-1]))
    ends = [*at[1:], end]
    return {name: b - a for name, a, b in zip(STAGES, at, ends, strict=True)}


STAGES = ("sider", "pagefind", "slutt")  # HTML pages; Pagefind and the rest beside it; the end


def synthetic_root(base: Path, n: int) -> Path:
    """A content root with n cases: the real ones copied under new ids, related ids renamed."""
    root = base / "content"
    for folder in ("vocabulary", "registers", "sources"):
        shutil.copytree(ROOT / "content" / folder, root / folder)
    (root / "grep").mkdir()
    real = sorted((ROOT / "content" / "grep").glob("*.md"))
    ids = [p.stem for p in real]
    pattern = re.compile(
        r"\b(" + "|".join(map(re.escape, sorted(ids, key=len, reverse=True))) + r")\b(?![-\w])"
    )
    for i in range(n):
        src = real[i % len(real)]
        copy = i // len(real)
        text = pattern.sub(lambda m, c=copy: f"{m.group(1)}-k{c:03d}", src.read_text("utf-8"))
        (root / "grep" / f"{src.stem}-k{copy:03d}.md").write_text(text, "utf-8")
    return root


def report(label: str, figures: dict, baseline: dict | None = None) -> None:
    """Print one line of figures, with per-case ratios against the baseline."""
    line = (
        f"{label:<22} {figures['cases']:>5} grep {figures['pages']:>5} sider  "
        f"last {figures['load_s']:6.1f} s  indeks {figures['index_s']:6.1f} s  "
        f"eksport {figures['export_s']:6.1f} s (cpu {figures['cpu_s']:6.1f} s)  "
        f"{figures['files']:>6} filer {figures['mb']:8.1f} MB"
    )
    line += "  (" + ", ".join(f"{k} {v:.1f} s" for k, v in figures["stages"].items()) + ")"
    if baseline:
        total, base = (f["index_s"] + f["export_s"] for f in (figures, baseline))
        per = (total / figures["cases"]) / (base / baseline["cases"])
        line += f"  (tid per grep x{per:.2f} mot ekte innhold)"
    print(line, flush=True)


def run_sizes(n: int) -> None:
    """Export the real content and n synthetic cases; print time and size."""
    print(
        "belastning (load average 1, 5, 15 min): " + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        base = timed_export(ROOT / "content", Path(tmp) / "ekte")
        report("ekte innhold", base)
        root = synthetic_root(Path(tmp), n)
        synth = timed_export(root, Path(tmp) / "syntetisk")
        report(f"syntetisk ({n})", synth, base)
        # Again with the same index, as a repeated `kb export --index` does: the references
        # formatted the first time are read back from the store beside the index.
        again = timed_export(root, Path(tmp) / "igjen", index=Path(tmp) / "syntetisk-index")
        report(f"syntetisk ({n}) igjen", again)
    print(
        "belastning (load average 1, 5, 15 min): " + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        flush=True,
    )


def run_pages(n: int, count: int) -> None:
    """CPU per case page through the export's app (one process), on n synthetic cases."""
    from web.static_site.render import export_app

    with tempfile.TemporaryDirectory() as tmp:
        content = load_content(synthetic_root(Path(tmp), n))
        build_index(content, Path(tmp) / "index")
        app = export_app(content, Path(tmp) / "index", SITE_URL, EDIT_URL, REPO_URL, Path(tmp))
        client = app.test_client()
        ids = sorted(content.cases)
        for case_id in ids[:5]:  # templates compiled, tables mapped
            client.get(f"/grep/{case_id}")
        step = max(1, len(ids) // count)
        chosen = ids[5::step][:count]
        load = os.getloadavg()[0]
        started = time.process_time()
        for case_id in chosen:
            assert client.get(f"/grep/{case_id}").status_code == 200
        cpu = (time.process_time() - started) / len(chosen) * 1000
    pages = len(chosen)
    print(f"grepsider ({n} grep): {cpu:.1f} ms cpu per side, {pages} sider (belastning {load:.2f})")


def run_apa(rounds: int = 5) -> None:
    """CPU per case reference through citeproc (text and HTML, no store), over the real cases
    cited from `rounds` site addresses (every item new to the process cache)."""
    import json

    from kb import cite

    content = load_content(ROOT / "content")
    items = [
        json.dumps(cite.case_item(case, f"https://k{n}.example/"), ensure_ascii=False)
        for n in range(rounds)
        for case in content.cases.values()
    ]
    cite.format_apa(items[0], True)  # the style read, its lookups remembered
    load = os.getloadavg()[0]
    started = time.process_time()
    for item in items:
        cite.format_apa(item, False)
        cite.format_apa(item, True)
    cpu = (time.process_time() - started) / len(items) * 1000
    print(f"APA: {cpu:.2f} ms cpu per grep (tekst og HTML), {len(items)} grep", end=" ")
    print(f"(belastning {load:.2f})")


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve a folder on a free localhost port in a background thread."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def case_ids(urls: list[str]) -> list[str]:
    """Case ids in result order, each once (section hits fold into their page)."""
    found = [m.group(1) for u in urls if (m := re.search(r"/grep/([^/?#]+)/", u))]
    return list(dict.fromkeys(found))


def score(ranked: list[str], expected: set[str]) -> tuple[bool, float]:
    """(an expected case in the top 5, reciprocal rank of the first expected case)."""
    ranks = [i for i, c in enumerate(ranked[:10], 1) if c in expected]
    return bool(ranks and ranks[0] <= 5), 1 / ranks[0] if ranks else 0.0


def run_search() -> None:
    """Export the real content and score the export's Pagefind search on RELEVANCE."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        content = load_content(ROOT / "content")
        build_index(content, Path(tmp) / "index")
        build_site(content, out, SITE_URL, EDIT_URL, REPO_URL, index_dir=Path(tmp) / "index")
        server, base = serve(out)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(base + "/sok/")
            hits, total_rr = 0, 0.0
            for query, expected in RELEVANCE:
                hit, rr = score(case_ids(page.evaluate(PAGEFIND_JS, query)), expected)
                hits, total_rr = hits + hit, total_rr + rr
                print(f"{query:<26} pagefind {'ja ' if hit else 'nei'} rr={rr:.2f}", flush=True)
            browser.close()
        server.shutdown()
    n = len(RELEVANCE)
    print(f"pagefind  treff i topp 5: {hits}/{n}   MRR@10: {total_rr / n:.2f}")


def main() -> None:
    """Parse the arguments and run the chosen benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search", action="store_true", help="sammenlign søkemotorene")
    parser.add_argument("--cases", type=int, default=2000, help="antall syntetiske grep")
    parser.add_argument("--pages", type=int, default=0, help="mål CPU per grepside på så mange")
    parser.add_argument("--apa", action="store_true", help="mål CPU per APA-referanse")
    args = parser.parse_args()
    if args.search:
        run_search()
    elif args.apa:
        run_apa()
    elif args.pages:
        run_pages(args.cases, args.pages)
    else:
        run_sizes(args.cases)


if __name__ == "__main__":
    main()
