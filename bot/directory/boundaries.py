"""Which district boundary a point falls in, from TopoJSON, in pure Python.

Point in polygon is ray casting (even-odd, so holes and islands just work);
each district's edges are filed by latitude band so a test reads only the few
edges level with the point. Distances to boundaries use a grid of edges and a
flat-earth projection around the point (good to well under 1% at a few km).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

BAND_DEGREES = 0.02        # latitude band for the ray-casting index
CELL_DEGREES = 0.05        # grid cell for the distance index
KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON_EQUATOR = 111.32

Edge = tuple[float, float, float, float]  # lon1, lat1, lon2, lat2


@dataclass
class Region:
    """One district: its code, bounding box and edges by latitude band."""
    code: str
    min_lon: float = math.inf
    min_lat: float = math.inf
    max_lon: float = -math.inf
    max_lat: float = -math.inf
    bands: dict[int, list[Edge]] = field(default_factory=dict)

    def add_ring(self, ring: list[tuple[float, float]]) -> list[Edge]:
        """File the ring's edges by latitude band and return them. (Tight loop: 500,000 edges.)"""
        if not ring:
            return []
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        self.min_lon, self.max_lon = min(self.min_lon, *xs), max(self.max_lon, *xs)
        self.min_lat, self.max_lat = min(self.min_lat, *ys), max(self.max_lat, *ys)
        bands, edges, floor = self.bands, [], math.floor
        for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
            if x1 == x2 and y1 == y2:
                continue
            edge = (x1, y1, x2, y2)
            b1, b2 = floor(y1 / BAND_DEGREES), floor(y2 / BAND_DEGREES)
            if b1 == b2:
                bands.setdefault(b1, []).append(edge)
            else:
                for band in range(min(b1, b2), max(b1, b2) + 1):
                    bands.setdefault(band, []).append(edge)
            edges.append(edge)
        return edges

    def contains(self, lon: float, lat: float) -> bool:
        if not (self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat):
            return False
        inside = False
        for x1, y1, x2, y2 in self.bands.get(_band(lat), ()):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return inside


def _band(lat: float) -> int:
    return math.floor(lat / BAND_DEGREES)


def _cell(lon: float, lat: float) -> tuple[int, int]:
    return math.floor(lon / CELL_DEGREES), math.floor(lat / CELL_DEGREES)


class Boundaries:
    """Districts from one or more TopoJSON files, keyed by a property (e.g. LAD13CD)."""

    def __init__(self) -> None:
        self.regions: list[Region] = []
        self.grid: dict[tuple[int, int], list[tuple[int, Edge]]] = {}

    def load(self, path: Path, code_property: str) -> "Boundaries":
        topology = json.loads(path.read_text(encoding="utf-8"))
        arcs = _decode_arcs(topology)
        for collection in topology["objects"].values():
            for geometry in collection["geometries"]:
                self._add(geometry["properties"][code_property], geometry, arcs)
        return self

    def _add(self, code: str, geometry: dict, arcs: list[list[tuple[float, float]]]) -> None:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        region, index = Region(code), len(self.regions)
        for polygon in polygons:
            for ring_arcs in polygon:
                self._file_edges(index, region.add_ring(_ring(ring_arcs, arcs)))
        self.regions.append(region)

    def _file_edges(self, index: int, edges: list[Edge]) -> None:
        grid, floor = self.grid, math.floor
        for edge in edges:
            x1, y1, x2, y2 = edge
            c1, c2 = floor(x1 / CELL_DEGREES), floor(x2 / CELL_DEGREES)
            r1, r2 = floor(y1 / CELL_DEGREES), floor(y2 / CELL_DEGREES)
            if c1 == c2 and r1 == r2:
                grid.setdefault((c1, r1), []).append((index, edge))
                continue
            for col in range(min(c1, c2), max(c1, c2) + 1):
                for row in range(min(r1, r2), max(r1, r2) + 1):
                    grid.setdefault((col, row), []).append((index, edge))

    def containing(self, lon: float, lat: float) -> Optional[str]:
        for region in self.regions:
            if region.contains(lon, lat):
                return region.code
        return None

    def distances(self, lon: float, lat: float, within_km: float) -> dict[str, float]:
        """Distance in km from the point to each district boundary within `within_km`."""
        km_lon = KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat))
        d_lon, d_lat = within_km / km_lon, within_km / KM_PER_DEG_LAT
        (c1, r1), (c2, r2) = _cell(lon - d_lon, lat - d_lat), _cell(lon + d_lon, lat + d_lat)
        best: dict[int, float] = {}
        for col in range(c1, c2 + 1):
            for row in range(r1, r2 + 1):
                for index, (x1, y1, x2, y2) in self.grid.get((col, row), ()):
                    d = _segment_km((x1 - lon) * km_lon, (y1 - lat) * KM_PER_DEG_LAT,
                                    (x2 - lon) * km_lon, (y2 - lat) * KM_PER_DEG_LAT)
                    if d <= within_km and d < best.get(index, math.inf):
                        best[index] = d
        found: dict[str, float] = {}
        for index, d in best.items():
            code = self.regions[index].code
            found[code] = min(d, found.get(code, math.inf))
        return found

    def nearest(self, lon: float, lat: float, max_km: float = 60.0) -> Optional[tuple[str, float]]:
        """The district whose boundary is nearest the point (for points just off the coast)."""
        reach = 2.0
        while reach <= max_km:
            found = self.distances(lon, lat, reach)
            if found:
                code = min(found, key=found.get)
                return code, found[code]
            reach *= 2
        return None


def _segment_km(x1: float, y1: float, x2: float, y2: float) -> float:
    """Distance from the origin to the segment (x1, y1)-(x2, y2), in the same units."""
    dx, dy = x2 - x1, y2 - y1
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(x1 * dx + y1 * dy) / length2))
    return math.hypot(x1 + t * dx, y1 + t * dy)


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs to lists of (lon, lat): undo the delta encoding and the quantisation."""
    transform = topology.get("transform")
    if not transform:
        return [[(p[0], p[1]) for p in arc] for arc in topology["arcs"]]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in topology["arcs"]:
        points, x, y = [], 0, 0
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(ring_arcs: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Join a ring's arcs; a negative index ~i means arc i reversed. Shared ends are not repeated."""
    ring: list[tuple[float, float]] = []
    for index in ring_arcs:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring
