"""Staff commands for the service directory: `python -m bot directory ...`.

  build     validate the CSVs and write the SQLite file (atomically)
  validate  check the CSVs only; list every problem with file, row and field
  stats     what the built file holds
  export    write the built file back out as Open Referral UK shaped CSVs
  stale     services not checked for N days (default STALE_AFTER_DAYS)
  find      staff text search over names and descriptions
  bench     build synthetic directories and time builds and searches
  councils  the postcode district -> council table (from data/councils/), as CSV
  coverage  local services by council area; writes test-artifacts/coverage.html

Paths default to the settings (.env: DIRECTORY_SOURCE, DIRECTORY_DB), so a
local partnership can load its own directory with
`python -m bot directory build --source path/to/csvs --out path.sqlite`.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Optional, Sequence

from bot.directory.build import DEFAULT_OUTCODES, build, load_outcodes
from bot.directory.schema import TABLES
from bot.directory.search import DirectoryUnavailable, open_directory, text_search
from bot.directory.validate import DirectoryValidationError, read_source, validate_source


class CliError(Exception):
    """A problem to report in one line, with exit code 2."""


def _settings():  # noqa: ANN202 - the settings object, when it can be read
    try:
        from bot.settings import load_settings
        return load_settings()
    except Exception as exc:  # a bad .env must not hide the real command's outcome
        raise CliError(f"settings could not be read ({exc}); pass the paths explicitly") from exc


def _source(value: Optional[str]) -> Path:
    return Path(value) if value else _settings().directory_source


def _db(value: Optional[str]) -> Path:
    return Path(value) if value else _settings().directory_db


def cmd_build(args: argparse.Namespace) -> int:
    source, out = _source(args.source), _db(args.out)
    try:
        report = build(source, out, Path(args.outcodes))
    except DirectoryValidationError as exc:
        print(f"Not built: {exc}", file=sys.stderr)
        print(f"The previous file at {out} (if any) was left as it was.", file=sys.stderr)
        return 1
    print(report)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    source = _source(args.source)
    _, errors = validate_source(source, outcodes=load_outcodes(Path(args.outcodes)))
    for error in errors:
        print(error)
    print(f"{len(errors)} problem(s) in {source}" if errors else f"No problems in {source}")
    return 1 if errors else 0


def cmd_stats(args: argparse.Namespace) -> int:
    conn = open_directory(_db(args.db))
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        print(f"Directory {args.db or _db(None)} (built {meta.get('built_at')}, from {meta.get('source')})")
        for table in TABLES:
            count = conn.execute(f"SELECT count(*) FROM [{table.name}]").fetchone()[0]
            print(f"  {table.file:26} {count:7} rows")
        print(f"  active services            {meta.get('active_services')}")
        _print_group(conn, "By kind of help", "category")
        _print_group(conn, "By scope", "scope")
        _print_group(conn, "Nation-wide services by nation", "nation", "scope = 'nation'")
    finally:
        conn.close()
    return 0


def _print_group(conn: sqlite3.Connection, title: str, column: str, where: str = "1") -> None:
    print(title + ":")
    rows = conn.execute(f"SELECT {column}, count(DISTINCT service_key) FROM search_area "
                        f"WHERE {where} GROUP BY {column} ORDER BY 2 DESC").fetchall()
    for value, count in rows:
        print(f"  {value or '-':26} {count:7}")


def export(db_path: Path, out_dir: Path) -> list[Path]:
    """Write every source table back to CSV, with the columns as they were read."""
    conn = open_directory(db_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for table in TABLES:
            header = [r[0] for r in conn.execute(
                "SELECT column_name FROM source_columns WHERE table_name = ? ORDER BY position",
                (table.name,))]
            path = out_dir / table.file
            with open(path, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(header)
                columns = ", ".join(f"[{h}]" for h in header)
                writer.writerows(conn.execute(f"SELECT {columns} FROM [{table.name}] ORDER BY rowid"))
            written.append(path)
    finally:
        conn.close()
    return written


def cmd_export(args: argparse.Namespace) -> int:
    paths = export(_db(args.db), Path(args.out))
    print(f"Wrote {len(paths)} files to {args.out}")
    return 0


def stale_services(source_dir: Path, days: int, today: Optional[date] = None) -> list[dict[str, str]]:
    """Active services whose last_verified is more than `days` days ago (oldest first)."""
    today = today or date.today()
    tables, _ = read_source(source_dir)
    found = []
    for row in tables.rows["services"]:
        if not row or row.get("status") != "active":
            continue
        try:
            age = (today - date.fromisoformat(row.get("last_verified", ""))).days
        except ValueError:
            age = 10**6  # no usable date: the oldest of all
        if age > days:
            found.append({**row, "age_days": str(age)})
    return sorted(found, key=lambda r: -int(r["age_days"]))


def cmd_stale(args: argparse.Namespace) -> int:
    days = args.days if args.days is not None else _settings().stale_after_days
    rows = stale_services(_source(args.source), days)
    for row in rows:
        print(f"{row.get('last_verified') or '(no date)':12} {row['age_days']:>6} days  "
              f"{row['id']}  {row['name']}  {row.get('source_url', '')}")
    print(f"{len(rows)} service(s) not checked for more than {days} days")
    return 0


def cmd_find(args: argparse.Namespace) -> int:
    for hit in text_search(_db(args.db), " ".join(args.words), limit=args.limit):
        print(f"{hit['service_id']}  {hit['name']} ({hit['organisation']})")
    return 0


def cmd_councils(args: argparse.Namespace) -> int:
    """The derived postcode district -> council table (rebuilt from data/councils/)."""
    from bot.directory.councils import bodies, derive_table, table_rows
    rows = derive_table()
    out = open(args.out, "w", newline="", encoding="utf-8") if args.out else sys.stdout
    try:
        csv.writer(out, lineterminator="\n").writerows(table_rows(rows, bodies()))
    finally:
        if args.out:
            out.close()
    hows = ", ".join(f"{k} {v}" for k, v in sorted(Counter(r.how for r in rows).items()))
    print(f"{len(rows)} postcode districts ({hows})", file=sys.stderr)
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from bot.directory.coverage import coverage, text_report, write_html
    conn = open_directory(_db(args.db))
    try:
        report = coverage(conn)
    finally:
        conn.close()
    print(text_report(report))
    print(f"Map written to {write_html(report, Path(args.html))}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from bot.directory import bench
    bench.main(sizes=args.sizes, searches=args.searches)
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot directory", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = root.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="validate the CSVs and build the SQLite file")
    p.add_argument("--source", help="folder of CSV files (default: DIRECTORY_SOURCE)")
    p.add_argument("--out", help="SQLite file to write (default: DIRECTORY_DB)")
    p.add_argument("--outcodes", default=str(DEFAULT_OUTCODES), help="postcode district centres CSV")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("validate", help="check the CSVs only")
    p.add_argument("--source")
    p.add_argument("--outcodes", default=str(DEFAULT_OUTCODES))
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("stats", help="what the built file holds")
    p.add_argument("--db")
    p.set_defaults(func=cmd_stats)
    p = sub.add_parser("export", help="write the built file back out as CSVs")
    p.add_argument("--db")
    p.add_argument("--out", required=True, help="folder to write the CSV files to")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("stale", help="services not checked for a long time")
    p.add_argument("--days", type=int, help="default: STALE_AFTER_DAYS (365)")
    p.add_argument("--source")
    p.set_defaults(func=cmd_stale)
    p = sub.add_parser("find", help="text search over the built file")
    p.add_argument("words", nargs="+")
    p.add_argument("--db")
    p.add_argument("--limit", type=int, default=10)
    p.set_defaults(func=cmd_find)
    p = sub.add_parser("councils", help="postcode district -> council table, as CSV")
    p.add_argument("--out", help="CSV file to write (default: print)")
    p.set_defaults(func=cmd_councils)
    p = sub.add_parser("coverage", help="local services by council area, and a map of the gaps")
    p.add_argument("--db")
    p.add_argument("--html", default=str(Path(__file__).resolve().parents[2] / "test-artifacts" / "coverage.html"))
    p.set_defaults(func=cmd_coverage)
    p = sub.add_parser("bench", help="time builds and searches on synthetic directories")
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    p.add_argument("--searches", type=int, default=1000)
    p.set_defaults(func=cmd_bench)
    return root


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (CliError, DirectoryUnavailable) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
