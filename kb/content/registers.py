"""The kommune register: the 2024 kommuner and fylker, with the historical names reports use."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from kb.content.safeyaml import safe_load
from kb.errors import ContentError

KOMMUNER_FILE = "kommuner.yaml"
HISTORICAL_FILE = "historiske-navn.yaml"
FACTS_FILE = "folketall.yaml"  # population and area (SSB), built by build_folketall.py

# Kommune size classes by population: (id, lowest population, label). The ids are URL values
# (/sok?storrelse=under-5000) and facet values; the thresholds follow SSB's usual grouping.
SIZE_CLASSES = (
    ("under-5000", 0, "under 5 000 innbyggere"),
    ("5000-19999", 5_000, "5 000–19 999 innbyggere"),
    ("20000-49999", 20_000, "20 000–49 999 innbyggere"),
    ("50000-og-over", 50_000, "50 000 innbyggere og over"),
)
SIZE_LABELS = {cid: text for cid, _, text in SIZE_CLASSES}


def size_class(population: int | None) -> str | None:
    """The size class id of a population (None when the population is unknown)."""
    if population is None:
        return None
    return [cid for cid, lowest, _ in SIZE_CLASSES if population >= lowest][-1]


# Official titles and forms around a region name: "Statsforvalteren i Vestland",
# "Fylkesmannen i Hordaland", "Vestland fylkeskommune", "Nordland fylke".
_STATSFORVALTER = ("statsforvalteren i ", "statsforvaltaren i ", "statsforvalter i ")
_REGION_PREFIXES = (
    *_STATSFORVALTER,
    "fylkesmannen i ",
    "fylkesmann i ",
    "fylkeskommunen i ",
)
_REGION_SUFFIXES = (" fylkeskommune", " fylke")
_KOMMUNE_SUFFIXES = (" kommune", " herad")
# "Viken (2020-2023)", "Hordaland (-2019)": SSB's labels for names of another period.
_PERIOD = re.compile(r"\s*\(\s*-?\d{4}\s*(?:-\s*(?:\d{4}|>)?)?\s*\)$")
_QUALIFIED = re.compile(r"^(.+?) \((.+)\)$")
_FUZZY_CUTOFF = 80.0


@dataclass(frozen=True)
class Kommune:
    """One kommune in the 2024 structure."""

    number: str
    name: str
    fylke: str
    fylkesnummer: str
    lat: float
    lon: float
    other_names: tuple[str, ...] = ()
    former_numbers: tuple[str, ...] = ()
    population: int | None = None  # 1 January of the facts' year (SSB)
    area_km2: float | None = None

    @property
    def size_class(self) -> str | None:
        """The kommune's size class id («under-5000» …), None without a population."""
        return size_class(self.population)


@dataclass(frozen=True)
class Fylke:
    """One fylke in the 2024 structure."""

    number: str
    name: str
    lat: float
    lon: float
    other_names: tuple[str, ...] = ()


def _norm(text: str) -> str:
    """A name folded for comparison: NFC, casefolded, one kind of dash, single spaces."""
    text = unicodedata.normalize("NFC", str(text)).casefold()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return _PERIOD.sub("", " ".join(text.split()))


def _strip(key: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> str:
    """The key without one leading title and one trailing form word."""
    for prefix in prefixes:
        if key.startswith(prefix):
            key = key[len(prefix) :]
            break
    for suffix in suffixes:
        if key.endswith(suffix):
            key = key[: -len(suffix)]
            break
    return key.strip()


def _variants(name: str) -> list[str]:
    """The keys a name is found under: itself, and "X i Q" for a qualified "X (Q)"."""
    key = _norm(name)
    match = _QUALIFIED.match(key)
    return [key, f"{match[1]} i {match[2]}"] if match else [key]


class Register:
    """The kommuner and fylker of 2024, looked up by any current or historical name."""

    def __init__(
        self,
        kommuner: tuple[Kommune, ...],
        fylker: tuple[Fylke, ...],
        historical_kommuner: dict[str, str] | None = None,
        historical_regions: dict[str, tuple[str, ...]] | None = None,
        statsforvalter_regions: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        """Index every name; historical maps are name -> kommune number or fylke numbers."""
        self.kommuner = kommuner
        self.fylker = fylker
        self.facts: dict = {}  # provenance of the population figures (source, date, credit)
        self._by_number = {k.number: k for k in kommuner}
        self._kommune_keys: dict[str, set[str]] = {}
        self._kommune_display: dict[str, str] = {}
        self._historical_keys: set[str] = set()
        for k in kommuner:
            self._add_kommune(k.number, k.number, display=False)
            for name in (k.name, *k.other_names):
                self._add_kommune(name, k.number)
                self._add_kommune(f"{name} ({k.fylke})", k.number, display=False)
            for old in k.former_numbers:
                self._add_kommune(old, k.number, display=False, historical=True)
        for name, number in (historical_kommuner or {}).items():
            self._add_kommune(name, number, historical=True)
        self._region_keys: dict[str, tuple[str, ...]] = {}
        self._region_display: dict[str, str] = {}
        for f in fylker:
            self._add_region(f.number, (f.number,), display=False)
            for name in (f.name, *f.other_names):
                self._add_region(name, (f.number,))
        self._current_region_keys = set(self._region_keys)
        self._statsforvalter_keys: set[str] = set()
        for name, numbers in (statsforvalter_regions or {}).items():
            self._add_region(name, numbers)
            self._statsforvalter_keys.add(_norm(name))
        self._historical_region_keys: set[str] = set()
        for name, numbers in (historical_regions or {}).items():
            self._add_region(name, numbers)
            self._historical_region_keys.add(_norm(name))

    def _add_kommune(
        self, name: str, number: str, display: bool = True, historical: bool = False
    ) -> None:
        """Index a name; a historical name never shadows a current one."""
        for key in _variants(name):
            if historical and key in self._kommune_keys and key not in self._historical_keys:
                continue
            self._kommune_keys.setdefault(key, set()).add(number)
            if historical:
                self._historical_keys.add(key)
            if display and key not in self._kommune_display:
                self._kommune_display[key] = name

    def _add_region(self, name: str, numbers: tuple[str, ...], display: bool = True) -> None:
        """Index a fylke or region name with the current fylker it stands for."""
        key = _norm(name)
        self._region_keys.setdefault(key, numbers)
        if display:
            self._region_display.setdefault(key, name)

    def _kommune_numbers(self, name: str) -> set[str]:
        """The numbers a name can mean; several when it is ambiguous (e.g. "Herøy")."""
        key = _strip(_norm(name), (), _KOMMUNE_SUFFIXES)
        if key.isdigit() and len(key) in (3, 4):
            key = key.zfill(4)
        found = self._kommune_keys.get(key)
        if found:
            return found
        if " - " in key:  # SSB's multi-language form, e.g. "Guovdageaidnu - Kautokeino"
            parts = [self._kommune_keys.get(p.strip(), set()) for p in key.split(" - ")]
            common = set.intersection(*parts) if all(parts) else set()
            if common:
                return common
        return set()

    def kommune(self, name: str) -> Kommune | None:
        """The kommune a name or number stands for; None when unknown or ambiguous."""
        numbers = self._kommune_numbers(name)
        return self._by_number[next(iter(numbers))] if len(numbers) == 1 else None

    def suggest_kommune(self, name: str) -> str | None:
        """The closest known kommune name (current, other or historical), or None."""
        key = _strip(_norm(name), (), _KOMMUNE_SUFFIXES)
        match = process.extractOne(
            key, list(self._kommune_display), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
        )
        return self._kommune_display[match[0]] if match else None

    def _region_key(self, name: str) -> str:
        """A region name without its title ("Statsforvalteren i") or form ("fylke")."""
        return _strip(_norm(name), _REGION_PREFIXES, _REGION_SUFFIXES)

    def fylker_for(self, name: str) -> tuple[Fylke, ...]:
        """The current fylker a fylke or region name stands for; () when unknown."""
        key = self._region_key(name)
        numbers = self._region_keys.get(key)
        if numbers is None and " - " in key:  # e.g. "Troms - Romsa - Tromssa"
            found = {self._region_keys.get(p.strip()) for p in key.split(" - ")}
            numbers = found.pop() if len(found) == 1 else None
        if numbers is None:  # a list: "Vestland og Rogaland", "Trøndelag og Møre og Romsdal"
            numbers = self._region_list(key)
        return tuple(f for f in self.fylker if f.number in (numbers or ()))

    def _region_list(self, key: str) -> set[str] | None:
        """Fylker of a list of region names joined by "," or "og" (names may contain "og")."""
        words = re.split(r"(,\s*|\s+og\s+)", key)
        pieces = words[::2]

        def solve(i: int) -> set[str] | None:
            for j in range(len(pieces), i, -1):
                name = "".join(words[2 * i : 2 * j - 1]).strip()
                found = self._region_keys.get(name)
                rest = set() if j == len(pieces) else solve(j)
                if found is not None and rest is not None:
                    return set(found) | rest
            return None

        return solve(0) if len(pieces) > 1 else None

    def suggest_region(self, name: str) -> str | None:
        """The closest known fylke or region name, or None."""
        match = process.extractOne(
            self._region_key(name),
            list(self._region_display),
            scorer=fuzz.ratio,
            score_cutoff=_FUZZY_CUTOFF,
        )
        return self._region_display[match[0]] if match else None

    def is_historical(self, name: str) -> bool:
        """Whether a name is a historical, no longer current, kommune or fylke name."""
        key = _strip(_norm(name), (), _KOMMUNE_SUFFIXES)
        if key.isdigit() and len(key) in (3, 4):
            key = key.zfill(4)
        if key in self._historical_keys:
            return True
        folded = _norm(name)
        region = self._region_key(name)
        if folded.startswith(_STATSFORVALTER) and region in self._statsforvalter_keys:
            return False  # a current Statsforvalter embete, e.g. "... i Vestfold og Telemark"
        return region in self._historical_region_keys and region not in self._current_region_keys


def _read(path: Path) -> dict:
    """One YAML file as a mapping; raises ContentError naming the file and the fix."""
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path}: kan ikke lese registeret ({exc}) — sjekk YAML-en") from None
    if not isinstance(data, dict):
        raise ContentError(f"{path}: registeret er tomt — filen skal være et YAML-kart")
    return data


def _strings(values: list | None) -> tuple[str, ...]:
    """A YAML list (of names or numbers) as a tuple of strings."""
    return tuple(str(v) for v in values or ())


def load_register(folder: Path) -> Register:
    """Read kommuner.yaml and historiske-navn.yaml from a folder (pure, so cacheable)."""
    path = Path(folder) / KOMMUNER_FILE
    data = _read(path)
    try:
        fylker = tuple(
            Fylke(
                number=str(f["number"]),
                name=str(f["name"]),
                lat=float(f["lat"]),
                lon=float(f["lon"]),
                other_names=_strings(f.get("other_names")),
            )
            for f in data["fylker"]
        )
        kommuner = tuple(
            Kommune(
                number=str(k["number"]),
                name=str(k["name"]),
                fylke=str(k["fylke"]),
                fylkesnummer=str(k["fylkesnummer"]),
                lat=float(k["lat"]),
                lon=float(k["lon"]),
                other_names=_strings(k.get("other_names")),
                former_numbers=_strings(k.get("former_numbers")),
            )
            for k in data["kommuner"]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ContentError(
            f"{path}: ugyldig oppføring ({exc!r}) — hver kommune trenger number, name, "
            "fylke, fylkesnummer, lat og lon; hvert fylke number, name, lat og lon"
        ) from None
    kommuner, facts = _with_facts(Path(folder) / FACTS_FILE, kommuner)
    known = {k.number for k in kommuner}
    fylke_numbers = {f.number for f in fylker}
    hist_path = Path(folder) / HISTORICAL_FILE
    hist = _read(hist_path) if hist_path.exists() else {}
    try:
        old_kommuner = {str(h["name"]): str(h["kommune"]) for h in hist.get("kommuner") or ()}
        regions = {
            str(name): _strings(h["current_fylker"])
            for h in hist.get("fylker") or ()
            for name in (h["name"], *(h.get("other_names") or ()))
        }
        embeter = {
            str(name): _strings(h["current_fylker"])
            for h in (hist.get("statsforvalter_regioner") or []) + (hist.get("landsdeler") or [])
            for name in (h["name"], *(h.get("other_names") or ()))
        }
    except (KeyError, TypeError) as exc:
        raise ContentError(
            f"{hist_path}: ugyldig oppføring ({exc!r}) — et kommunenavn trenger name og "
            "kommune, et fylkes- eller regionnavn name og current_fylker"
        ) from None
    for name, number in old_kommuner.items():
        if number not in known:
            raise ContentError(f"{hist_path}: {name}: ukjent kommunenummer {number}")
    for name, numbers in (regions | embeter).items():
        if not numbers or not set(numbers) <= fylke_numbers:
            raise ContentError(f"{hist_path}: {name}: ukjente fylkesnummer {list(numbers)}")
    register = Register(kommuner, fylker, old_kommuner, regions, embeter)
    register.facts = facts
    return register


def _with_facts(path: Path, kommuner: tuple[Kommune, ...]) -> tuple[tuple[Kommune, ...], dict]:
    """The kommuner with population and area from folketall.yaml (unchanged without it)."""
    if not path.exists():
        return kommuner, {}
    data = _read(path)
    try:
        rows = {str(r["number"]): r for r in data["kommuner"]}
        out = tuple(
            replace(
                k,
                population=int(rows[k.number]["population"]),
                area_km2=float(rows[k.number]["area_km2"]),
            )
            if k.number in rows
            else k
            for k in kommuner
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ContentError(
            f"{path}: ugyldig oppføring ({exc!r}) — hver kommune trenger number, population "
            "og area_km2"
        ) from None
    unknown = sorted(set(rows) - {k.number for k in kommuner})
    if unknown:
        raise ContentError(f"{path}: ukjente kommunenummer {unknown[:5]} — bygg filen på nytt")
    meta = {key: str(data.get(key) or "") for key in ("source", "date", "credit")}
    return out, meta
