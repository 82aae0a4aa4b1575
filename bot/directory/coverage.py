"""Where the directory has local services and where it has none: `python -m bot directory coverage`.

A local service counts for the council area (the body that runs children's
services: county, unitary, Scottish or Welsh council, or NI Trust) its
location falls in. The report prints a table and writes a self-contained HTML
page (inline SVG, no scripts, no outside requests) with a map of postcode
district centres coloured by how many local services their council area has.
"""

from __future__ import annotations

import html
import math
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from bot.directory.councils import (
    Body, bodies, current_code, derive_table, load_boundaries, load_gss_lookup, load_register, roles,
)
from bot.directory.schema import CATEGORIES

DEFAULT_HTML = Path(__file__).resolve().parents[2] / "test-artifacts" / "coverage.html"
COLOURS = ((0, "#c0392b", "none"), (1, "#e67e22", "1"), (3, "#f1c40f", "2 to 4"), (5, "#27ae60", "5 or more"))


@dataclass(frozen=True)
class Coverage:
    areas: dict[str, Body]                       # every children's services body
    counts: dict[str, Counter]                   # body code -> category -> local services
    centres: list[tuple[str, float, float, str]]  # outcode, lat, lon, body code


def coverage(conn: sqlite3.Connection) -> Coverage:
    register, lookup = load_register(), load_gss_lookup()
    shapes, names = load_boundaries(), bodies(register)
    table = {r.outcode: r for r in derive_table()}
    areas = {c: names[c] for r in table.values() for c in r.social_care[:1]}
    counts: dict[str, Counter] = defaultdict(Counter)
    seen: set[tuple[str, int, str]] = set()
    for key, category, lat, lon, area_name in conn.execute(
            "SELECT service_key, category, lat, lon, area_name FROM local_area"):
        region = shapes.containing(lon, lat) or (shapes.nearest(lon, lat) or ("",))[0]
        if not region:
            continue
        care, _ = roles(current_code(lookup[region], register), register)
        code = _ni_trust(care, area_name, names) if len(care) > 1 else care[0]
        if (code, key, category) not in seen:
            seen.add((code, key, category))
            counts[code][category] += 1
    centres = [(p.outcode, *_position(p.outcode), p.social_care[0]) for p in table.values()
               if p.social_care and _position(p.outcode)]
    return Coverage(areas, {c: counts.get(c, Counter()) for c in areas}, centres)


def _ni_trust(care: tuple[str, ...], area_name: str, names: dict[str, Body]) -> str:
    """A service in a district split between Trusts: the Trust its own area names, else the first."""
    for code in care:
        if names[code].name.split(" Health")[0].lower() in (area_name or "").lower():
            return code
    return care[0]


_POSITIONS: dict[str, tuple[float, float]] = {}


def _position(outcode: str) -> Optional[tuple[float, float]]:
    if not _POSITIONS:
        from bot.directory.locations import load_gazetteer
        _POSITIONS.update(load_gazetteer().outcodes)
    return _POSITIONS.get(outcode)


def services_in(report: Coverage, code: str) -> int:
    """Distinct local services in an area (a service with two kinds of help counts once per kind)."""
    return sum(report.counts[code].values())


def text_report(report: Coverage) -> str:
    short = {c: c.split("_")[0][:6] for c in CATEGORIES}
    header = f"{'council area':48} {'total':>5}  " + " ".join(f"{short[c]:>6}" for c in CATEGORIES)
    lines = [header]
    for code in sorted(report.areas, key=lambda c: (report.areas[c].nation, report.areas[c].name)):
        row = report.counts[code]
        lines.append(f"{report.areas[code].name[:48]:48} {services_in(report, code):5}  "
                     + " ".join(f"{row.get(c, 0):6}" for c in CATEGORIES))
    empty = sum(1 for c in report.areas if not services_in(report, c))
    lines.append(f"{len(report.areas)} council areas; {empty} with no local service at all")
    return "\n".join(lines)


def _colour(count: int) -> str:
    colour = COLOURS[0][1]
    for threshold, value, _ in COLOURS:
        if count >= threshold:
            colour = value
    return colour


def html_report(report: Coverage) -> str:
    width, height = 640, 900
    min_lat, max_lat, min_lon, max_lon = 49.8, 60.9, -8.3, 1.8
    x_scale = width / ((max_lon - min_lon) * math.cos(math.radians(55)))
    y_scale = height / (max_lat - min_lat)
    dots = []
    for outcode, lat, lon, code in report.centres:
        x = (lon - min_lon) * math.cos(math.radians(55)) * x_scale
        y = (max_lat - lat) * y_scale
        count = services_in(report, code)
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{_colour(count)}">'
                    f'<title>{html.escape(outcode)}: {html.escape(report.areas[code].name)}, '
                    f'{count} local</title></circle>')
    legend = "".join(f'<li><span style="background:{c}"></span>{label}</li>' for _, c, label in COLOURS)
    rows = "".join(
        f"<tr><td>{html.escape(report.areas[c].name)}</td><td>{services_in(report, c)}</td>"
        + "".join(f"<td>{report.counts[c].get(k, 0) or ''}</td>" for k in CATEGORIES) + "</tr>"
        for c in sorted(report.areas, key=lambda c: (services_in(report, c), report.areas[c].name)))
    heads = "".join(f"<th>{html.escape(k.replace('_', ' '))}</th>" for k in CATEGORIES)
    empty = sum(1 for c in report.areas if not services_in(report, c))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Local service coverage</title>
<style>body{{font-family:sans-serif;margin:1rem;color:#222}} .wrap{{display:flex;gap:2rem;flex-wrap:wrap}}
ul.legend{{list-style:none;padding:0}} ul.legend span{{display:inline-block;width:1em;height:1em;margin-right:.5em;vertical-align:middle}}
table{{border-collapse:collapse;font-size:.85rem}} td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}}
td:first-child{{text-align:left}}</style></head>
<body><h1>Local service coverage</h1>
<p>{len(report.areas)} council areas (the body that runs children's services); {empty} have no local
service in the directory. Each dot is a postcode district centre, coloured by the number of local
services in its council area.</p>
<div class="wrap"><svg role="img" aria-label="Map of UK postcode districts coloured by local services"
 width="{width}" height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">
<rect width="100%" height="100%" fill="#eef4f8"/>{''.join(dots)}</svg>
<div><h2>Local services in the council area</h2><ul class="legend">{legend}</ul></div></div>
<h2>By council area and kind of help (fewest first)</h2>
<table><thead><tr><th>council area</th><th>total</th>{heads}</tr></thead><tbody>{rows}</tbody></table>
</body></html>
"""


def write_html(report: Coverage, path: Path = DEFAULT_HTML) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_report(report), encoding="utf-8")
    return path
