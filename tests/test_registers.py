"""The kommune register: content/registers/*.yaml and kb.registers."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
import yaml

from kb.content.registers import Register, load_register, size_class
from kb.errors import ContentError

FOLDER = Path(__file__).resolve().parents[1] / "content" / "registers"


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register(FOLDER)


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load((FOLDER / "kommuner.yaml").read_text(encoding="utf-8"))


def test_counts(register: Register) -> None:
    assert len(register.kommuner) == 357
    assert len(register.fylker) == 15


def test_files_name_their_source_and_date(raw: dict) -> None:
    hist = yaml.safe_load((FOLDER / "historiske-navn.yaml").read_text(encoding="utf-8"))
    for data in (raw, hist):
        assert data["source"] and data["updated"]


def test_numbers_are_unique_quoted_four_digit_strings(raw: dict) -> None:
    numbers = [k["number"] for k in raw["kommuner"]]
    assert all(isinstance(n, str) and len(n) == 4 and n.isdigit() for n in numbers)
    assert len(set(numbers)) == len(numbers)
    assert all(isinstance(k["fylkesnummer"], str) for k in raw["kommuner"])
    fylker = [f["number"] for f in raw["fylker"]]
    assert all(isinstance(n, str) and len(n) == 2 for n in fylker)
    assert len(set(fylker)) == 15


def test_fylkesnummer_matches_number_and_a_listed_fylke(register: Register) -> None:
    fylker = {f.number: f.name for f in register.fylker}
    for k in register.kommuner:
        assert k.fylkesnummer == k.number[:2], k
        assert fylker[k.fylkesnummer] == k.fylke, k
    assert {k.fylkesnummer for k in register.kommuner} == set(fylker)


def test_the_2024_fylker(register: Register) -> None:
    assert {f.number: f.name for f in register.fylker} == {
        "03": "Oslo", "11": "Rogaland", "15": "Møre og Romsdal", "18": "Nordland",
        "31": "Østfold", "32": "Akershus", "33": "Buskerud", "34": "Innlandet",
        "39": "Vestfold", "40": "Telemark", "42": "Agder", "46": "Vestland",
        "50": "Trøndelag", "55": "Troms", "56": "Finnmark",
    }  # fmt: skip
    counts = {f.number: 0 for f in register.fylker}
    for k in register.kommuner:
        counts[k.fylkesnummer] += 1
    assert (counts["31"], counts["32"], counts["33"]) == (12, 21, 18)
    assert (counts["39"], counts["40"], counts["55"], counts["56"]) == (6, 17, 21, 18)


def test_coordinates_are_in_norway(register: Register) -> None:
    for place in (*register.kommuner, *register.fylker):
        assert 57.9 <= place.lat <= 71.2, place
        assert 4.5 <= place.lon <= 31.2, place


@pytest.mark.parametrize(
    ("name", "number", "current"),
    [
        ("Lillehammer", "3405", "Lillehammer"),
        ("Oslo kommune", "0301", "Oslo"),
        ("0301", "0301", "Oslo"),
        ("oslo", "0301", "Oslo"),
        ("Flora", "4602", "Kinn"),
        ("Vågsøy", "4602", "Kinn"),
        ("Os (Hordaland)", "4624", "Bjørnafjorden"),
        ("Os i Hordaland", "4624", "Bjørnafjorden"),
        ("Fusa", "4624", "Bjørnafjorden"),
        ("Os", "3430", "Os"),  # the current Os (Innlandet) wins over the old one
        ("Fjell", "4626", "Øygarden"),
        ("Eid", "4649", "Stad"),
        ("Selje", "4649", "Stad"),
        ("Askim", "3118", "Indre Østfold"),
        ("Trøgstad", "3118", "Indre Østfold"),
        ("Indre Østfold", "3118", "Indre Østfold"),
        ("Nedre Eiker", "3301", "Drammen"),
        ("Svelvik", "3301", "Drammen"),
        ("Haugesund", "1106", "Haugesund"),
        ("Sola", "1124", "Sola"),
        ("Askøy", "4627", "Askøy"),
        ("Bærum", "3201", "Bærum"),
        ("Bærum kommune", "3201", "Bærum"),
        ("3024", "3201", "Bærum"),  # its 2020-2023 number
        ("Kvinesdal", "4227", "Kvinesdal"),
        ("Hammerfest", "5603", "Hammerfest"),
        ("Kristiansund", "1505", "Kristiansund"),
        ("Bergen", "4601", "Bergen"),
        ("BERGEN KOMMUNE", "4601", "Bergen"),
        ("Drammen", "3301", "Drammen"),
        ("Molde", "1506", "Molde"),
        ("Trondheim", "5001", "Trondheim"),
        ("Tråante", "5001", "Trondheim"),
        ("Ålesund", "1508", "Ålesund"),
        ("Haram", "1580", "Haram"),
        ("Guovdageaidnu", "5612", "Kautokeino"),
        ("Guovdageaidnu – Kautokeino", "5612", "Kautokeino"),
        ("Ullensvang herad", "4618", "Ullensvang"),
        ("Herøy (Nordland)", "1818", "Herøy"),
        ("Våler i Østfold", "3114", "Våler"),
    ],
)
def test_kommune_lookup(register: Register, name: str, number: str, current: str) -> None:
    kommune = register.kommune(name)
    assert kommune is not None, name
    assert (kommune.number, kommune.name) == (number, current)


@pytest.mark.parametrize("name", ["Sandvika", "Atlantis", "", "9999", "Herøy", "Våler"])
def test_unknown_or_ambiguous_kommune_is_none(register: Register, name: str) -> None:
    assert register.kommune(name) is None


def test_every_historical_kommune_name_resolves(register: Register) -> None:
    hist = yaml.safe_load((FOLDER / "historiske-navn.yaml").read_text(encoding="utf-8"))
    current = {k.name.casefold() for k in register.kommuner}
    for entry in hist["kommuner"]:
        assert entry["name"].casefold() not in current, f"qualify {entry['name']}"
        kommune = register.kommune(entry["name"])
        assert kommune is not None and kommune.number == entry["kommune"], entry
        assert register.is_historical(entry["name"])


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("Lilehammer", "Lillehammer"), ("Kristiansun", "Kristiansund"), ("Bærumm", "Bærum"),
     ("Trondhiem", "Trondheim"), ("Bjørnafjordn kommune", "Bjørnafjorden")],
)  # fmt: skip
def test_suggest_kommune(register: Register, typo: str, meant: str) -> None:
    assert register.kommune(typo) is None
    assert register.suggest_kommune(typo) == meant


@pytest.mark.parametrize("name", ["Xyzzy", "Sandvika", "Gotham City"])
def test_suggest_kommune_nothing_close(register: Register, name: str) -> None:
    assert register.suggest_kommune(name) is None


def _names(register: Register, region: str) -> list[str]:
    return [f.name for f in register.fylker_for(region)]


@pytest.mark.parametrize(
    ("region", "fylker"),
    [
        ("Viken", ["Østfold", "Akershus", "Buskerud"]),
        ("Viken (2020-2023)", ["Østfold", "Akershus", "Buskerud"]),
        ("Fylkesmannen i Hordaland", ["Vestland"]),
        ("Statsforvalteren i Vestland", ["Vestland"]),
        ("Sogn og Fjordane", ["Vestland"]),
        ("Fylkesmannen i Oslo og Viken", ["Oslo", "Østfold", "Akershus", "Buskerud"]),
        ("Statsforvalteren i Østfold, Buskerud, Oslo og Akershus",
         ["Oslo", "Østfold", "Akershus", "Buskerud"]),
        ("Hedmark", ["Innlandet"]),
        ("Oppland", ["Innlandet"]),
        ("Vest-Agder", ["Agder"]),
        ("Aust-Agder", ["Agder"]),
        ("Sør-Trøndelag", ["Trøndelag"]),
        ("Nord-Trøndelag", ["Trøndelag"]),
        ("Troms og Finnmark", ["Troms", "Finnmark"]),
        ("Vestfold og Telemark", ["Vestfold", "Telemark"]),
        ("Troms - Romsa - Tromssa", ["Troms"]),
        ("Nordland fylkeskommune", ["Nordland"]),
        ("akershus", ["Akershus"]),
        ("46", ["Vestland"]),
    ],
)  # fmt: skip
def test_fylker_for(register: Register, region: str, fylker: list[str]) -> None:
    assert _names(register, region) == fylker


@pytest.mark.parametrize("region", ["Atlantis", "", "Fylkesmannen i Narnia", "Bergen"])
def test_fylker_for_unknown(register: Register, region: str) -> None:
    assert register.fylker_for(region) == ()


def test_suggest_region(register: Register) -> None:
    assert register.suggest_region("Hordalnd") == "Hordaland"
    assert register.suggest_region("Statsforvalteren i Vestlnd") == "Vestland"
    assert register.suggest_region("Narnia") is None


@pytest.mark.parametrize(
    ("name", "historical"),
    [
        ("Flora", True), ("Os (Hordaland)", True), ("3024", True), ("Viken", True),
        ("Hordaland", True), ("Fylkesmannen i Hordaland", True), ("Troms og Finnmark", True),
        ("Statsforvalteren i Troms og Finnmark", False), ("Kinn", False), ("Os", False),
        ("Haram", False), ("Vestland", False), ("Statsforvalteren i Vestland", False),
        ("Akershus", False), ("Atlantis", False),
    ],
)  # fmt: skip
def test_is_historical(register: Register, name: str, historical: bool) -> None:
    assert register.is_historical(name) is historical


def test_broken_files_raise_content_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError):
        load_register(tmp_path)
    (tmp_path / "kommuner.yaml").write_text("fylker: [{number: '03'}]\nkommuner: []\n")
    with pytest.raises(ContentError, match="kommuner.yaml"):
        load_register(tmp_path)


def test_historical_name_must_point_at_a_known_kommune(tmp_path: Path) -> None:
    (tmp_path / "kommuner.yaml").write_text(
        "fylker: [{number: '03', name: Oslo, lat: 59.9, lon: 10.7}]\n"
        "kommuner: [{number: '0301', name: Oslo, fylke: Oslo, fylkesnummer: '03',"
        " lat: 59.9, lon: 10.7}]\n"
    )
    (tmp_path / "historiske-navn.yaml").write_text("kommuner: [{name: Aker, kommune: '0999'}]\n")
    with pytest.raises(ContentError, match="0999"):
        load_register(tmp_path)
    (tmp_path / "historiske-navn.yaml").write_text("kommuner: [{name: Aker, kommune: '0301'}]\n")
    assert load_register(tmp_path).kommune("Aker").name == "Oslo"


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("Vestland og Rogaland", {"Vestland", "Rogaland"}),
        ("Trøndelag og Møre og Romsdal", {"Trøndelag", "Møre og Romsdal"}),
        ("Midt-Norge", {"Trøndelag", "Møre og Romsdal"}),
        ("Nordland, Troms og Finnmark", {"Nordland", "Troms", "Finnmark"}),
        ("Vestland og Atlantis", set()),
    ],
)
def test_region_lists_and_landsdeler(register: Register, region: str, expected: set) -> None:
    assert {f.name for f in register.fylker_for(region)} == expected


SHARED_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "kommuner-folketall-2024.csv"


def test_every_kommune_has_population_area_and_a_size_class(register: Register) -> None:
    assert all(k.population and k.area_km2 for k in register.kommuner)
    assert sum(k.population for k in register.kommuner) == 5_550_203  # SSB, 1 January 2024
    classes = Counter(k.size_class for k in register.kommuner)
    assert classes == {"under-5000": 174, "5000-19999": 117, "20000-49999": 46, "50000-og-over": 20}
    assert register.facts["credit"] == "Kilde: SSB" and register.facts["date"] == "2024-01-01"
    assert "SSB" in register.facts["source"]


@pytest.mark.parametrize(
    ("population", "expected"),
    [(0, "under-5000"), (4999, "under-5000"), (5000, "5000-19999"), (19999, "5000-19999"),
     (20000, "20000-49999"), (49999, "20000-49999"), (50000, "50000-og-over"), (None, None)],
)  # fmt: skip
def test_size_class_boundaries(population: int | None, expected: str | None) -> None:
    assert size_class(population) == expected


def test_population_matches_the_shared_csv(register: Register) -> None:
    if not SHARED_CSV.exists():
        pytest.skip("../shared/data/kommuner-folketall-2024.csv finnes ikke her")
    rows = list(csv.DictReader(SHARED_CSV.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 357
    by_number = {k.number: k for k in register.kommuner}
    for row in rows:
        k = by_number[row["kommunenummer"]]
        assert (k.name, k.population, k.area_km2) == (
            row["kommune"],
            int(row["folketall"]),
            float(row["areal_km2"]),
        )


def test_facts_for_an_unknown_kommune_raise(tmp_path: Path) -> None:
    for name in ("kommuner.yaml", "historiske-navn.yaml"):
        (tmp_path / name).write_text((FOLDER / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "folketall.yaml").write_text(
        'kommuner:\n  - {number: "9999", population: 1, area_km2: 1.0}\n', encoding="utf-8"
    )
    with pytest.raises(ContentError, match="9999"):
        load_register(tmp_path)
