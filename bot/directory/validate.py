"""Read and check the directory's CSV files before anything is built.

Every problem names the file, the row (as a spreadsheet shows it: the header
is row 1), the field and the reason, so the person who keeps the CSV can fix
it without reading code.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Mapping, Optional

from bot.directory import phones
from bot.directory.schema import (
    TABLES, TABLES_BY_NAME, TERM_LABELS, UK_BOUNDS, VOCABULARIES, Column, Table,
)

DEFAULT_OUTCODES = Path(__file__).resolve().parents[2] / "data" / "places" / "uk_outcodes.csv"
POSTCODE_OR_DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?(\s*\d[A-Z]{2})?$", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)
PLAIN_KINDS = {"text", "id", "ref"}  # references are checked once all ids are known
TIME = re.compile(r"^(\d{2}):(\d{2})$")
MAX_RADIUS_KM = 1000.0
# Made-up services (tests, timing) are named "Example ..."; only they may use a
# placeholder source address or leave out the audience.
MADE_UP_NAME = re.compile(r"^Example\b")
PLACEHOLDER_HOSTS = {"example.com", "example.org", "example.net", "example.co.uk", "example.org.uk",
                     "localhost", "domain.com", "yourdomain.com", "website.com"}
PLACEHOLDER_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local")
PLACEHOLDER_WORDS = re.compile(r"(?:^|[.-])(?:placeholder|changeme|todo|tbc|tbd|xxx+)(?:[.-]|$)")

Row = dict[str, str]


@dataclass(frozen=True)
class ValidationError:
    file: str
    row: int  # 0 = the whole file
    field: str
    reason: str

    def __str__(self) -> str:
        where = self.file if self.row == 0 else f"{self.file} row {self.row}"
        return f"{where}, field '{self.field}': {self.reason}" if self.field else f"{where}: {self.reason}"


class DirectoryValidationError(Exception):
    """The source CSVs have problems; nothing was built."""

    def __init__(self, errors: list[ValidationError]):
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} problem(s) in the directory CSV files:\n{shown}{more}")


@dataclass
class SourceTables:
    """Rows of every table (values stripped) and each file's header as written."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)


def default_taxonomy_rows() -> list[Row]:
    rows = []
    for vocabulary, terms in VOCABULARIES.items():
        for term in terms:
            label, description = TERM_LABELS[term]
            rows.append({"id": term, "term": term, "vocabulary": vocabulary,
                         "label": label, "description": description})
    return rows


def read_source(source_dir: Path) -> tuple[SourceTables, list[ValidationError]]:
    tables = SourceTables()
    errors: list[ValidationError] = []
    for table in TABLES:
        path = Path(source_dir) / table.file
        if not path.is_file():
            if table.name == "taxonomy_terms":
                tables.rows[table.name] = default_taxonomy_rows()
                tables.headers[table.name] = list(table.column_names)
            elif table.required_file:
                errors.append(ValidationError(table.file, 0, "", f"file is missing from {source_dir}"))
                tables.rows[table.name], tables.headers[table.name] = [], list(table.column_names)
            else:
                tables.rows[table.name], tables.headers[table.name] = [], list(table.column_names)
            continue
        rows, header, file_errors = _read_csv(path, table)
        tables.rows[table.name], tables.headers[table.name] = rows, header
        errors.extend(file_errors)
    return tables, errors


def _read_csv(path: Path, table: Table) -> tuple[list[Row], list[str], list[ValidationError]]:
    errors: list[ValidationError] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], list(table.column_names), [ValidationError(table.file, 0, "", f"is not UTF-8 text ({exc.reason})")]
    reader = csv.reader(text.splitlines(keepends=True))
    header = [h.strip() for h in next(reader, [])]
    for column in table.columns:
        if column.name not in header:
            errors.append(ValidationError(table.file, 1, column.name, "column is missing from the header row"))
    rows: list[Row] = []
    for index, values in enumerate(reader):
        if not any(v.strip() for v in values):
            rows.append({})  # keep numbering; blank lines are skipped later
            continue
        if len(values) > len(header):
            errors.append(ValidationError(table.file, index + 2, "",
                                          f"has {len(values)} values but the header has {len(header)} columns"))
        row = {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header) if name}
        rows.append(row)
    return rows, header, errors


def load_outcodes(outcodes_csv: Optional[Path] = None) -> dict[str, tuple[float, float]]:
    """Centres of postcode districts (non-geographic ones, at 0,0, left out)."""
    path = Path(outcodes_csv or DEFAULT_OUTCODES)
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as handle:
        return {r["outcode"].strip().upper(): (float(r["latitude"]), float(r["longitude"]))
                for r in csv.DictReader(handle)
                if (float(r["latitude"]), float(r["longitude"])) != (0.0, 0.0)}


def validate_source(source_dir: Path, outcodes: Optional[Mapping[str, tuple[float, float]]] = None,
                    today: Optional[date] = None) -> tuple[SourceTables, list[ValidationError]]:
    """Read and check every CSV. Without `outcodes`, the bundled postcode districts are used."""
    if outcodes is None:
        outcodes = load_outcodes()
    tables, errors = read_source(source_dir)
    errors.extend(validate_tables(tables, outcodes=outcodes, today=today))
    return tables, errors


def validate_tables(tables: SourceTables, outcodes: Optional[Mapping[str, tuple[float, float]]] = None,
                    today: Optional[date] = None) -> list[ValidationError]:
    today = today or date.today()
    errors: list[ValidationError] = []
    ids: dict[str, dict[str, int]] = {}
    for table in TABLES:
        ids[table.name] = {}
        for row_no, row in _numbered(tables.rows.get(table.name, [])):
            errors.extend(_check_row(table, row_no, row, ids[table.name], today))
    errors.extend(_check_references(tables, ids))
    errors.extend(_check_cross_table(tables, ids, outcodes))
    return errors


def _numbered(rows: list[Row]) -> Iterable[tuple[int, Row]]:
    for index, row in enumerate(rows):
        if row:
            yield index + 2, row


def _check_row(table: Table, row_no: int, row: Row, seen: dict[str, int], today: date) -> list[ValidationError]:
    errors = []

    def err(column: str, reason: str) -> None:
        errors.append(ValidationError(table.file, row_no, column, reason))

    for column in table.columns:
        value = row.get(column.name, "")
        if not value:
            if column.required:
                err(column.name, "is required but empty")
            continue
        if column.kind in PLAIN_KINDS:
            continue
        reason = _value_problem(column, value, row, today)
        if not reason and column.name == "source_url" and not is_made_up(row):
            reason = _placeholder_problem(value)
        if reason:
            err(column.name, reason)
    row_id = row.get("id", "")
    if row_id:
        if row_id in seen:
            err("id", f"duplicate id '{row_id}' (first used on row {seen[row_id]})")
        else:
            seen[row_id] = row_no
    for reason_field, reason in _row_rules(table.name, row):
        err(reason_field, reason)
    return errors


def _value_problem(column: Column, value: str, row: Row, today: date) -> Optional[str]:
    kind = column.kind
    if kind == "choice" and value not in column.allowed:
        return f"'{value}' is not one of: {', '.join(column.allowed)}"
    if kind == "choices":
        bad = [v for v in _split_list(value) if v not in column.allowed]
        if bad:
            return f"{', '.join(repr(b) for b in bad)} not in: {', '.join(column.allowed)}"
    if kind == "date":
        return _date_problem(value, today)
    if kind == "time":
        return _time_problem(value, allow_24=column.name == "closes_at")
    if kind == "number":
        try:
            float(value)
        except ValueError:
            return f"'{value}' is not a number"
    if kind == "url" and not URL.match(value):
        return f"'{value}' is not a web address starting with https:// or http://"
    if kind == "email" and not EMAIL.match(value):
        return f"'{value}' is not an email address"
    if kind == "phone":
        return phones.phone_problem(value, row.get("type", "voice"))
    if kind == "postcode" and not POSTCODE_OR_DISTRICT.match(value):
        return f"'{value}' is not a UK postcode"
    return None


def is_made_up(row: Row) -> bool:
    """A made-up service for tests or timing: its name starts with "Example"."""
    return bool(MADE_UP_NAME.match(row.get("name", "")))


def placeholder_host(url: str) -> Optional[str]:
    """The host of `url` when it is an example or placeholder domain, else None."""
    host = re.sub(r"^https?://", "", url.strip(), flags=re.IGNORECASE)
    host = re.split(r"[/?#:]", host, maxsplit=1)[0].lower().rstrip(".")
    if not host:
        return None
    if any(host == h or host.endswith("." + h) for h in PLACEHOLDER_HOSTS):
        return host
    if host.endswith(PLACEHOLDER_SUFFIXES) or PLACEHOLDER_WORDS.search(host):
        return host
    if re.fullmatch(r"[\d.]+", host):
        return host  # a bare IP address is nobody's public page
    return None


def _placeholder_problem(value: str) -> Optional[str]:
    host = placeholder_host(value)
    if host is None:
        return None
    return (f"'{value}' is on a placeholder domain ({host}); give the public page the "
            "facts were checked on (only made-up services named 'Example ...' may use one)")


def _split_list(value: str) -> list[str]:
    return [v.strip().upper() for v in value.split(",") if v.strip()]


def _date_problem(value: str, today: date) -> Optional[str]:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"'{value}' is not a date written YYYY-MM-DD"
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return f"'{value}' is not a real date"
    if day > today + timedelta(days=1):
        return f"'{value}' is in the future"
    return None


def _time_problem(value: str, allow_24: bool) -> Optional[str]:
    match = TIME.match(value)
    if not match:
        return f"'{value}' is not a time written HH:MM (24-hour clock)"
    hours, minutes = int(match.group(1)), int(match.group(2))
    if allow_24 and (hours, minutes) == (24, 0):
        return None
    if hours > 23 or minutes > 59:
        return f"'{value}' is not a real time"
    return None


def _row_rules(table: str, row: Row) -> list[tuple[str, str]]:
    """Rules that look at more than one field of the same row."""
    problems: list[tuple[str, str]] = []
    if table == "locations":
        problems += _location_rules(row)
    elif table == "schedules":
        opens, closes = row.get("opens_at", ""), row.get("closes_at", "")
        if bool(opens) != bool(closes):
            problems.append(("closes_at" if opens else "opens_at", "give both opens_at and closes_at, or neither"))
        if (opens or closes) and not row.get("byday"):
            problems.append(("byday", "is required when opening times are given"))
        if not (opens or closes or row.get("description")):
            problems.append(("description", "give opening times or a description"))
    elif table == "service_areas":
        problems += _area_rules(row)
    elif table == "taxonomy_terms":
        known = VOCABULARIES.get(row.get("vocabulary", ""))
        term = row.get("term", "")
        if known is not None and term and term not in known:
            problems.append(("term", f"unknown taxonomy term '{term}' for vocabulary "
                                     f"'{row['vocabulary']}' (known: {', '.join(known)})"))
    return problems


def _location_rules(row: Row) -> list[tuple[str, str]]:
    lat, lon = row.get("latitude", ""), row.get("longitude", "")
    if bool(lat) != bool(lon):
        return [("longitude" if lat else "latitude", "give both latitude and longitude, or neither")]
    try:
        lat_f, lon_f = float(lat), float(lon)
    except ValueError:
        return []  # empty, or already reported as not a number
    problems = []
    if not UK_BOUNDS["min_lat"] <= lat_f <= UK_BOUNDS["max_lat"]:
        problems.append(("latitude", f"{lat} is outside the UK"))
    if not UK_BOUNDS["min_lon"] <= lon_f <= UK_BOUNDS["max_lon"]:
        problems.append(("longitude", f"{lon} is outside the UK"))
    return problems


def _area_rules(row: Row) -> list[tuple[str, str]]:
    scope, nation, radius = row.get("scope", ""), row.get("nation", ""), row.get("radius_km", "")
    problems = []
    if scope == "nation" and not nation:
        problems.append(("nation", "is required when scope is nation"))
    if scope == "uk" and nation:
        problems.append(("nation", "must be empty when scope is uk (a UK-wide service)"))
    if scope == "local":
        if not radius:
            problems.append(("radius_km", "is required when scope is local"))
        else:
            try:
                value = float(radius)
            except ValueError:
                return problems
            if not 0 < value <= MAX_RADIUS_KM:
                problems.append(("radius_km", f"{radius} must be more than 0 and at most {MAX_RADIUS_KM:g}"))
    return problems


def _check_references(tables: SourceTables, ids: dict[str, dict[str, int]]) -> list[ValidationError]:
    errors = []
    for table in TABLES:
        for column in table.columns:
            if not column.ref:
                continue
            target_table, _ = column.ref
            target_file = TABLES_BY_NAME[target_table].file
            for row_no, row in _numbered(tables.rows.get(table.name, [])):
                value = row.get(column.name, "")
                if value and value not in ids[target_table]:
                    if target_table == "taxonomy_terms":
                        reason = f"unknown taxonomy term '{value}' (no such id in {target_file})"
                    else:
                        reason = f"'{value}' does not match any id in {target_file}"
                    errors.append(ValidationError(table.file, row_no, column.name, reason))
    return errors


def _check_cross_table(tables: SourceTables, ids: dict[str, dict[str, int]],
                       outcodes: Optional[Mapping[str, tuple[float, float]]]) -> list[ValidationError]:
    """Every active service must be findable: a category, an audience, an area, and a place for
    local areas."""
    errors = []
    terms = {r.get("id"): r.get("vocabulary") for _, r in _numbered(tables.rows["taxonomy_terms"])}
    categorised = {r.get("service_id") for _, r in _numbered(tables.rows["service_taxonomy"])
                   if terms.get(r.get("taxonomy_term_id")) == "category"}
    for_someone = {r.get("service_id") for _, r in _numbered(tables.rows["service_taxonomy"])
                   if terms.get(r.get("taxonomy_term_id")) == "audience"}
    with_area = {r.get("service_id") for _, r in _numbered(tables.rows["service_areas"])}
    locations = {r.get("id", ""): r for _, r in _numbered(tables.rows["locations"])}
    located = {r.get("service_id") for _, r in _numbered(tables.rows["service_at_locations"])
               if _has_coordinates(locations.get(r.get("location_id", "")), outcodes)}
    for row_no, row in _numbered(tables.rows["services"]):
        service_id = row.get("id", "")
        if row.get("status") != "active" or not service_id:
            continue
        if service_id not in categorised:
            errors.append(ValidationError("services.csv", row_no, "id",
                                          f"service '{service_id}' has no category in service_taxonomy.csv, "
                                          "so nobody could find it"))
        if service_id not in with_area:
            errors.append(ValidationError("services.csv", row_no, "id",
                                          f"service '{service_id}' has no row in service_areas.csv, "
                                          "so nobody could find it"))
        if service_id not in for_someone and not is_made_up(row):
            errors.append(ValidationError("services.csv", row_no, "id",
                                          f"service '{service_id}' has no audience in service_taxonomy.csv "
                                          "(for example parents, mothers, fathers or anyone), so it cannot "
                                          "be matched to who is asking"))
    for row_no, row in _numbered(tables.rows["service_areas"]):
        if row.get("scope") == "local" and row.get("service_id") in ids["services"] \
                and row.get("service_id") not in located:
            errors.append(ValidationError("service_areas.csv", row_no, "scope",
                                          f"a local area needs service '{row.get('service_id')}' to have a location "
                                          "with latitude and longitude (or a known postcode) in "
                                          "service_at_locations.csv"))
    return errors


def _has_coordinates(row: Optional[Row], outcodes: Optional[Mapping[str, tuple[float, float]]]) -> bool:
    return row is not None and location_coordinates(row, outcodes) is not None


def location_coordinates(row: Row, outcodes: Optional[Mapping[str, tuple[float, float]]]) \
        -> Optional[tuple[float, float]]:
    """The row's latitude/longitude, or the centre of its postcode district."""
    try:
        return float(row["latitude"]), float(row["longitude"])
    except (KeyError, ValueError):
        pass
    postcode = row.get("postcode", "").upper().replace(" ", "")
    if outcodes and postcode:
        district = postcode[:-3] if len(postcode) > 4 and postcode[-3].isdigit() else postcode
        return outcodes.get(district)
    return None
