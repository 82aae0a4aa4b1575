"""Time the directory on synthetic data: `python -m bot directory bench`.

Builds directories of 1,000, 10,000 and 100,000 made-up services (in a
temporary folder, through the real CSV validation and build), then runs
random searches (random place, kind of help and audience) on one open
connection and prints the build time and the 50th/95th percentile search
time. Target: p95 under 5 ms at 100,000 services.
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Iterable, Optional, Sequence

from bot.directory.build import build
from bot.directory.locations import load_gazetteer, nation_for_outcode, resolve_place
from bot.directory.schema import AUDIENCES, CATEGORIES, TABLES_BY_NAME
from bot.directory.search import open_directory, search

RADII_KM = (5, 10, 15, 25, 40)
SEED = 20261123


def _write(path: Path, table: str, rows: Iterable[dict]) -> None:
    columns = TABLES_BY_NAME[table].column_names
    with open(path / f"{table}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def synthetic_directory(folder: Path, n_services: int, seed: int = SEED) -> None:
    """Write ORUK-shaped CSVs for n made-up services (85% local, 10% one nation, 5% UK-wide)."""
    rng = random.Random(seed)
    districts = [(code, pos) for code, pos in load_gazetteer().outcodes.items() if nation_for_outcode(code)]
    n_orgs = max(1, n_services // 5)
    orgs = [{"id": f"o{i}", "name": f"Example Organisation {i}", "description": "", "url": ""}
            for i in range(n_orgs)]
    services, locations, links, phones, schedules, areas, tags = [], [], [], [], [], [], []
    for i in range(n_services):
        sid = f"s{i}"
        services.append({
            "id": sid, "organization_id": f"o{rng.randrange(n_orgs)}", "name": f"Example Service {i}",
            "description": "A made-up service for timing.", "url": f"https://s{i}.example.org",
            "email": "", "eligibility": "Anyone.", "referral": "self_referral", "fees": "free",
            "languages": "English", "source_url": f"https://s{i}.example.org/about",
            "last_verified": "2026-01-01", "status": "active"})
        phones.append({"id": f"p{i}", "service_id": sid, "number": f"0808 157 {i % 10000:04d}",
                       "type": "voice", "description": ""})
        schedules.append({"id": f"h{i}", "service_id": sid, "byday": "MO,TU,WE,TH,FR",
                          "opens_at": "09:00", "closes_at": "17:00", "description": ""})
        for j, term in enumerate(rng.sample(CATEGORIES, rng.choice((1, 1, 2)))
                                 + rng.sample(AUDIENCES, rng.choice((0, 1, 1, 2)))):
            tags.append({"id": f"t{i}-{j}", "service_id": sid, "taxonomy_term_id": term})
        roll = rng.random()
        if roll < 0.85:
            code, (lat, lon) = rng.choice(districts)
            locations.append({"id": f"l{i}", "name": "", "address_1": "", "city": "", "postcode": code,
                              "latitude": f"{lat + rng.uniform(-0.02, 0.02):.5f}",
                              "longitude": f"{lon + rng.uniform(-0.02, 0.02):.5f}"})
            links.append({"id": f"k{i}", "service_id": sid, "location_id": f"l{i}"})
            areas.append({"id": f"a{i}", "service_id": sid, "scope": "local",
                          "nation": nation_for_outcode(code), "area_name": code,
                          "radius_km": str(rng.choice(RADII_KM))})
        elif roll < 0.95:
            nation = rng.choice(("england", "wales", "scotland", "northern_ireland"))
            areas.append({"id": f"a{i}", "service_id": sid, "scope": "nation", "nation": nation,
                          "area_name": nation, "radius_km": ""})
        else:
            areas.append({"id": f"a{i}", "service_id": sid, "scope": "uk", "nation": "",
                          "area_name": "United Kingdom", "radius_km": ""})
    for table, rows in (("organizations", orgs), ("services", services), ("locations", locations),
                        ("service_at_locations", links), ("phones", phones), ("schedules", schedules),
                        ("service_areas", areas), ("service_taxonomy", tags)):
        _write(folder, table, rows)


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def run(n_services: int, searches: int, seed: int = SEED) -> dict[str, float]:
    rng = random.Random(seed + n_services)
    with tempfile.TemporaryDirectory(prefix="directory-bench-") as tmp:
        folder = Path(tmp)
        synthetic_directory(folder, n_services, seed)
        started, cpu_started = time.perf_counter(), time.process_time()
        report = build(folder, folder / "bench.sqlite")
        build_s, build_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
        codes = sorted(load_gazetteer().outcodes)
        places = [resolve_place(rng.choice(codes)) for _ in range(searches)]
        conn = open_directory(folder / "bench.sqlite")  # as the action server opens it
        wall, cpu, local_hits = [], [], 0
        for place in places:
            category = rng.choice(CATEGORIES)
            audience = rng.choice((None, None, *AUDIENCES))
            t0, c0 = time.perf_counter(), time.thread_time()
            result = search(conn, category, audience=audience, place=place, limit=5)
            cpu.append((time.thread_time() - c0) * 1000)
            wall.append((time.perf_counter() - t0) * 1000)
            local_hits += result.local_found
            assert result.items, "a search came back empty"
        conn.close()
    return {"services": n_services, "build_s": build_s, "build_cpu_s": build_cpu_s,
            "search_rows": report.counts["search rows"],
            "p50_ms": statistics.median(wall), "p95_ms": percentile(wall, 95), "max_ms": max(wall),
            "cpu_p50_ms": statistics.median(cpu), "cpu_p95_ms": percentile(cpu, 95),
            "local_share": local_hits / len(places)}


def main(sizes: Optional[Sequence[int]] = None, searches: int = 1000) -> list[dict[str, float]]:
    results = []
    print(f"{searches} random searches per size. 'wall' is elapsed time; 'cpu' is this thread's CPU time,")
    print(f"which other busy processes on the machine do not inflate. Load average now: {_load()}.")
    print(f"{'services':>9} {'build s':>8} {'cpu s':>7} {'rows':>8} {'wall p50':>9} {'wall p95':>9} "
          f"{'cpu p50':>8} {'cpu p95':>8} {'local':>6}")
    for n in sizes or (1_000, 10_000, 100_000):
        r = run(n, searches)
        results.append(r)
        print(f"{n:>9,} {r['build_s']:>8.2f} {r['build_cpu_s']:>7.2f} {r['search_rows']:>8,} "
              f"{r['p50_ms']:>7.2f}ms {r['p95_ms']:>7.2f}ms {r['cpu_p50_ms']:>6.2f}ms "
              f"{r['cpu_p95_ms']:>6.2f}ms {r['local_share']:>6.0%}", flush=True)
    print(f"Load average at the end: {_load()}.")
    return results


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
