"""Build, export, stats and stale reports on real SQLite files made by the real build."""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.directory.bench import run as bench_run
from bot.directory.build import build
from bot.directory.cli import export, main as cli_main, stale_services
from bot.directory.schema import CATEGORIES, TABLES
from bot.directory.search import DirectoryUnavailable, open_directory, text_search

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "directory_fixture"
REAL = ROOT / "data" / "directory"


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), [dict(r) for r in reader]


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("fixture") / "directory.sqlite"
    build(FIXTURE, db)
    return db


def test_fixture_build_has_every_table_index_and_search_structure(fixture_db: Path) -> None:
    conn = sqlite3.connect(fixture_db)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {t.name for t in TABLES} <= names
    assert {"service_card", "local_area", "national_area", "national_rank", "service_card_fts",
            "local_reach", "meta"} <= names
    assert {f"local_points_{c}" for c in CATEGORIES} <= names
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "idx_phones_service_id" in indexes and "idx_service_card_service_id" in indexes
    # Active services only: the closed Leeds group is in the source table but not searchable.
    assert conn.execute("SELECT count(*) FROM services").fetchone()[0] == 16
    assert conn.execute("SELECT count(*) FROM service_card").fetchone()[0] == 15
    assert conn.execute("SELECT count(*) FROM service_card WHERE service_id = 'svc-ex-closed-leeds'"
                        ).fetchone()[0] == 0


def test_a_location_with_only_a_postcode_gets_the_district_centre(fixture_db: Path) -> None:
    conn = sqlite3.connect(fixture_db)
    lat, lon = conn.execute(
        "SELECT lat, lon FROM local_area a JOIN service_card c USING (service_key) "
        "WHERE c.service_id = 'svc-ex-men-bradford'").fetchone()
    with open(ROOT / "data" / "places" / "uk_outcodes.csv", encoding="utf-8") as handle:
        bd1 = next(r for r in csv.DictReader(handle) if r["outcode"] == "BD1")
    assert (lat, lon) == (float(bd1["latitude"]), float(bd1["longitude"]))


def test_full_text_search(fixture_db: Path) -> None:
    assert [h["service_id"] for h in text_search(fixture_db, "dads")] == ["svc-ex-dads-leeds"]
    assert text_search(fixture_db, "'; DROP TABLE services; --") == []
    assert text_search(fixture_db, "") == []


def test_export_round_trips(fixture_db: Path, tmp_path: Path) -> None:
    exported = tmp_path / "exported"
    export(fixture_db, exported)
    for table in TABLES:
        assert read_csv(exported / table.file) == read_csv(FIXTURE / table.file), table.file
    rebuilt = tmp_path / "again.sqlite"
    build(exported, rebuilt)
    again = tmp_path / "again"
    export(rebuilt, again)
    for table in TABLES:
        assert (again / table.file).read_bytes() == (exported / table.file).read_bytes()


def test_extra_open_referral_columns_are_kept(tmp_path: Path) -> None:
    """A partnership's own ORUK export may have more columns; they survive build and export."""
    source = tmp_path / "csv"
    source.mkdir()
    for table in TABLES:
        header, rows = read_csv(FIXTURE / table.file)
        if table.name == "services":
            header.append("alternate_name")
            for row in rows:
                row["alternate_name"] = "Also known as " + row["name"]
        with open(source / table.file, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    db = tmp_path / "partner.sqlite"
    build(source, db)
    export(db, tmp_path / "out")
    header, rows = read_csv(tmp_path / "out" / "services.csv")
    assert header[-1] == "alternate_name" and rows[0]["alternate_name"].startswith("Also known as")


def test_build_replaces_the_file_atomically(tmp_path: Path) -> None:
    db = tmp_path / "directory.sqlite"
    build(FIXTURE, db)
    reader = open_directory(db)  # an open reader keeps working while the file is replaced
    build(REAL, db)
    assert reader.execute("SELECT count(*) FROM service_card").fetchone()[0] == 15
    reader.close()
    assert sqlite3.connect(db).execute("SELECT count(*) FROM service_card").fetchone()[0] > 15
    assert [p.name for p in tmp_path.iterdir()] == ["directory.sqlite"]


def test_real_directory_builds_and_has_national_services_for_every_category(tmp_path: Path) -> None:
    db = tmp_path / "real.sqlite"
    report = build(REAL, db)
    conn = sqlite3.connect(db)
    assert report.counts["services"] == conn.execute("SELECT count(*) FROM service_card").fetchone()[0] > 0
    missing = [c for c in CATEGORIES if not conn.execute(
        "SELECT 1 FROM national_area WHERE category = ? LIMIT 1", (c,)).fetchone()]
    # Not an error (related kinds of help fill the gap), but worth knowing.
    print("categories with no nation- or UK-wide service:", missing or "none")
    assert conn.execute("SELECT count(*) FROM national_area WHERE category = 'crisis_line' "
                        "AND scope = 'uk'").fetchone()[0] > 0


def test_open_directory_reports_a_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(DirectoryUnavailable, match="does not exist"):
        open_directory(tmp_path / "none.sqlite")
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DirectoryUnavailable, match="cannot be read"):
        open_directory(broken)


def test_stale_report(tmp_path: Path) -> None:
    stale = stale_services(FIXTURE, days=365, today=date(2026, 11, 23))
    assert [r["id"] for r in stale] == ["svc-ex-night-line"]
    everything = stale_services(FIXTURE, days=30, today=date(2026, 11, 23))
    assert len(everything) == 15 and everything[0]["id"] == "svc-ex-night-line"


def test_cli_build_validate_stats_export_stale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.sqlite"
    assert cli_main(["build", "--source", str(FIXTURE), "--out", str(db)]) == 0
    assert cli_main(["validate", "--source", str(FIXTURE)]) == 0
    assert cli_main(["stats", "--db", str(db)]) == 0
    assert cli_main(["export", "--db", str(db), "--out", str(tmp_path / "out")]) == 0
    assert cli_main(["stale", "--days", "365", "--source", str(FIXTURE)]) == 0
    assert cli_main(["find", "dads", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "services.csv" in out and "peer_support" in out and "svc-ex-night-line" in out
    assert cli_main(["stats", "--db", str(tmp_path / "missing.sqlite")]) == 2


def test_cli_build_refuses_bad_csv_with_exit_code_1(tmp_path: Path) -> None:
    source = tmp_path / "bad"
    source.mkdir()
    for table in TABLES:
        (source / table.file).write_bytes((FIXTURE / table.file).read_bytes())
    with open(source / "phones.csv", "a", encoding="utf-8") as handle:
        handle.write("ph-99,svc-ex-dads-leeds,0900 000 000,voice,\n")
    result = subprocess.run([sys.executable, "-m", "bot", "directory", "build", "--source", str(source),
                             "--out", str(tmp_path / "x.sqlite")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "phones.csv row 18, field 'number'" in result.stderr
    assert not (tmp_path / "x.sqlite").exists()


def test_benchmark_runs_on_a_small_synthetic_directory() -> None:
    result = bench_run(300, searches=50)
    assert result["services"] == 300 and result["search_rows"] > 300
    assert result["p95_ms"] > 0
