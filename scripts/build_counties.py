"""Build trace_dealer's prefecture and county data files from a public dataset.

The source is the repository modood/Administrative-divisions-of-China (WTFPL), whose ``dist/``
folder holds the National Bureau of Statistics' division codes as CSV: ``provinces.csv``
(code, name), ``cities.csv`` (code, name, provinceCode) and ``areas.csv`` (code, name, cityCode,
provinceCode). Check it out (or export its ``dist/`` folder) and run, with any Python 3.10+::

    python3 scripts/build_counties.py --source /path/to/Administrative-divisions-of-China \\
        --cities-xml /path/to/odoo/addons/l10n_cn_city/data/res_city_data.xml

It writes ``addons/trace_dealer/data/trace.prefecture.csv`` and ``trace.county.csv`` and prints
how many counties it linked to a city of ``l10n_cn_city`` (the ``res.city`` records Odoo offers in
Chinese addresses) and how many it left with their province only.

Why the link is by name: ``l10n_cn_city``'s cities carry a postcode, not an administrative code,
and are mostly county-level places named "<prefecture><county>" ("苏州市吴中区"; in the four
municipalities the county alone, "大兴区"), from about 2010. A county is linked when the names match
exactly; failing that, when the prefecture's first two characters and the county's name without
its last character (县/市/区/旗) match within the same province, which catches renames such as
林芝地区 -> 林芝市 or 吴江市 -> 吴江区. Each city is linked to at most one county, exact matches first.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "addons" / "trace_dealer" / "data"
# cities.csv names these pseudo-prefectures: the districts and counties of a municipality, and
# county-level divisions governed by the province directly (济源市, 仙桃市, 石河子市...).
MUNICIPAL = {"市辖区", "县"}
DIRECT = {"省直辖县级行政区划", "自治区直辖县级行政区划"}
PREFECTURE_SUFFIXES = ("自治州", "地区", "市", "盟")
MIN_ROOT = 2


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_states(path: Path) -> dict[str, str]:
    """Odoo's Chinese provinces: name -> xml id (base/data/res.country.state.csv)."""
    states = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if len(row) >= 3 and row[1] == "cn":
                states[row[2]] = f"base.{row[0]}"
    return states


def read_cities(path: Path) -> list[dict]:
    """l10n_cn_city's res.city records: xml id, name, state xml id, split into prefecture and county."""
    cities = []
    for record in ElementTree.parse(path).iter("record"):
        if record.get("model") != "res.city":
            continue
        fields = {f.get("name"): (f.text or f.get("ref") or "").strip() for f in record.iter("field")}
        prefecture, county = split_city_name(fields["name"])
        cities.append({
            "id": f"l10n_cn_city.{record.get('id')}", "name": fields["name"], "state": fields["state_id"],
            "prefecture": prefecture, "county": county,
        })
    return cities


def split_city_name(name: str) -> tuple[str | None, str]:
    """"苏州市吴中区" -> ("苏州市", "吴中区"); "大兴区" -> (None, "大兴区"): the shortest prefix that
    ends like a prefecture and leaves a county behind."""
    ends = [m.end() for suffix in PREFECTURE_SUFFIXES for m in re.finditer(suffix, name) if m.end() < len(name)]
    if not ends:
        return None, name
    cut = min(ends)
    return name[:cut], name[cut:]


def root(name: str) -> str:
    return name[:-1] if len(name) > MIN_ROOT else ""


def prefecture_matches(city_prefecture: str | None, prefecture: str | None) -> bool:
    if city_prefecture is None or prefecture is None:
        return city_prefecture is None and prefecture is None
    return city_prefecture == prefecture or city_prefecture[:MIN_ROOT] == prefecture[:MIN_ROOT]


def link_cities(counties: list[dict], cities: list[dict]) -> dict[str, int]:
    """Set county["city"] to a res.city xml id where one matches; returns counts per kind of match."""
    by_state: dict[str, list[dict]] = {}
    for city in cities:
        by_state.setdefault(city["state"], []).append(city)
    claimed: set[str] = set()
    counts = {"exact": 0, "renamed": 0}

    def exact(county, city):
        return city["county"] == county["name"] and (
            city["prefecture"] == county["prefecture"]
            or (city["prefecture"] is None and county["prefecture"] is None))

    def renamed(county, city):
        county_root = root(county["name"])
        return prefecture_matches(city["prefecture"], county["prefecture"]) and (
            city["county"] == county["name"] or (county_root and root(city["county"]) == county_root))

    for kind, test in (("exact", exact), ("renamed", renamed)):
        for county in counties:
            if county.get("city"):
                continue
            match = next((c for c in by_state.get(county["state"], [])
                          if c["id"] not in claimed and test(county, c)), None)
            if match:
                county["city"] = match["id"]
                claimed.add(match["id"])
                counts[kind] += 1
    return counts


def build(source: Path, cities_xml: Path, states_csv: Path) -> tuple[list[dict], list[dict], dict]:
    dist = source / "dist" if (source / "dist").is_dir() else source
    states = read_states(states_csv)
    provinces = {row["code"]: row["name"] for row in read_csv(dist / "provinces.csv")}
    missing = sorted(set(provinces.values()) - set(states))
    if missing:
        sys.exit(f"provinces without an Odoo state: {missing}")

    prefectures: dict[str, dict] = {}
    prefecture_of: dict[str, dict | None] = {}
    for row in read_csv(dist / "cities.csv"):
        province = provinces[row["provinceCode"]]
        if row["name"] in DIRECT:
            prefecture_of[row["code"]] = None
            continue
        if row["name"] in MUNICIPAL:
            # one city for the municipality: Chongqing's 市辖区 (5001) and 县 (5002) are both 重庆市
            code, name = row["provinceCode"] + "0100", province
        else:
            code, name = row["code"] + "00", row["name"]
        prefecture = prefectures.setdefault(code, {
            "id": f"trace_prefecture_{code}", "name": name, "code": code, "state": states[province],
        })
        prefecture_of[row["code"]] = prefecture

    counties = []
    for row in read_csv(dist / "areas.csv"):
        prefecture = prefecture_of[row["cityCode"]]
        counties.append({
            "id": f"trace_county_{row['code']}", "name": row["name"], "code": row["code"],
            "state": states[provinces[row["provinceCode"]]],
            "prefecture_id": prefecture and prefecture["id"],
            # the name l10n_cn_city would put before the county's ("苏州市"), None in municipalities
            # and for counties under the province directly
            "prefecture": prefecture and (None if prefecture["code"].endswith("0100")
                                          and prefecture["name"] == provinces[row["provinceCode"]]
                                          else prefecture["name"]),
            # NBS statistical areas (开发区, 管理区...): county digits 71-79, not in GB/T 2260
            "statistical": row["code"][4] == "7",
        })
    counts = link_cities(counties, read_cities(cities_xml))
    return list(prefectures.values()), counties, counts


def write(prefectures: list[dict], counties: list[dict]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "trace.prefecture.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "name", "code", "state_id:id"])
        for p in sorted(prefectures, key=lambda p: p["code"]):
            writer.writerow([p["id"], p["name"], p["code"], p["state"]])
    with (OUT / "trace.county.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "name", "code", "state_id:id", "prefecture_id:id", "city_id:id", "statistical_only"])
        for c in sorted(counties, key=lambda c: c["code"]):
            writer.writerow([c["id"], c["name"], c["code"], c["state"], c["prefecture_id"] or "",
                             c.get("city") or "", "1" if c["statistical"] else "0"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True,
                        help="checkout of modood/Administrative-divisions-of-China (or its dist/ folder)")
    parser.add_argument("--cities-xml", type=Path, required=True,
                        help="l10n_cn_city/data/res_city_data.xml of Odoo 18")
    parser.add_argument("--states-csv", type=Path,
                        help="base/data/res.country.state.csv of Odoo 18 (default: next to l10n_cn_city)")
    args = parser.parse_args(argv)
    states_csv = args.states_csv or args.cities_xml.resolve().parents[2] / "base" / "data" / "res.country.state.csv"
    prefectures, counties, counts = build(args.source, args.cities_xml, states_csv)
    write(prefectures, counties)
    unmatched = [c for c in counties if not c.get("city")]
    statistical = sum(c["statistical"] for c in counties)
    print(f"{len(prefectures)} prefectures, {len(counties)} counties ({statistical} NBS statistical areas)")
    print(f"linked to an l10n_cn_city city: {counts['exact']} by exact name, {counts['renamed']} after a rename")
    print(f"not linked (province only): {len(unmatched)}, of which {sum(c['statistical'] for c in unmatched)}"
          " statistical areas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
