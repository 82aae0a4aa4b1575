"""The commissioners' report: self-contained HTML and a CSV, with small numbers suppressed."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import usage_counts as uc
from bot.usage_counts import CountKey
from bot.usage_report import (
    FEWER_THAN_5, build_report, main, rate, recent_weeks, report_csv, shown, write_report,
)
from bot.usage_report_html import report_html
from bot.usage_store import add_counts, create_tables, record_purge

TODAY = date(2026, 12, 2)                     # in ISO week 2026-W49
WEEKS = recent_weeks(TODAY, 12)


@pytest.fixture
def engine(tmp_path: Path) -> sa.engine.Engine:
    return sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")


def populate(engine: sa.engine.Engine) -> None:
    create_tables(engine)
    add_counts(engine, {
        CountKey("2026-W49", "england", "", "housing", uc.ANSWERED): 7,
        CountKey("2026-W48", "england", "", "housing", uc.ANSWERED): 12,
        CountKey("2026-W49", "wales", "", "domestic_abuse", uc.ANSWERED): 3,
        CountKey("2026-W49", "england", "", "crisis", uc.CRISIS): 6,
        CountKey("2026-W48", "england", "", "crisis", uc.CRISIS): 2,
        CountKey("2026-W49", "england", "", "other", uc.FELL_BACK): 5,
        CountKey("2026-W49", "scotland", "Highland Council", "find_service", uc.SEARCH_NO_LOCAL,
                 "housing_homelessness"): 9,
        CountKey("2026-W49", "scotland", "Highland Council", "find_service", uc.SEARCH_LOCAL,
                 "housing_homelessness"): 1,
        CountKey("2026-W47", "wales", "Cardiff Council", "find_service", uc.SEARCH_NO_LOCAL,
                 "peer_support"): 2,
        CountKey("2025-W10", "england", "", "housing", uc.ANSWERED): 40,   # outside the 12 weeks
    })
    record_purge(engine, retention_days=30, deleted_events=17,
                 ran_at=datetime(2026, 12, 1, 14, 5, tzinfo=timezone.utc).timestamp())


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_small_numbers_are_never_shown() -> None:
    assert [shown(n) for n in range(5)] == [FEWER_THAN_5] * 5
    assert (shown(5), shown(1234)) == ("5", "1,234")
    assert rate(4, 100) == rate(50, 4) == "too few to show"
    assert rate(5, 20) == "25%"


def test_weeks_end_with_this_week() -> None:
    assert WEEKS[-1] == "2026-W49" and WEEKS[0] == "2026-W38" and len(WEEKS) == 12
    assert recent_weeks(date(2027, 1, 6), 2) == ("2026-W53", "2027-W01")


def test_report_from_a_fresh_database(engine: sa.engine.Engine, tmp_path: Path) -> None:
    report = build_report(engine, 12, today=TODAY)
    html_path, csv_path = write_report(report, tmp_path / "out")
    page = html_path.read_text(encoding="utf-8")
    assert "No purge has been recorded yet" in page
    assert "No search in these weeks found a place with no local service." in page
    rows = csv_rows(csv_path.read_text(encoding="utf-8"))
    assert {r["value"] for r in rows if r["section"] == "messages by week"} == {FEWER_THAN_5}
    assert len([r for r in rows if r["section"] == "crisis escalations by week"]) == 12


def test_report_from_a_populated_database(engine: sa.engine.Engine) -> None:
    populate(engine)
    report = build_report(engine, 12, today=TODAY, retention_days=30, purge_every_hours=6)
    assert report.total() == 7 + 12 + 3 + 6 + 2 + 5 + 9 + 1 + 2   # not the week outside the period
    page = report_html(report)
    assert "Highland Council" in page and "Housing" in page
    assert "deleted 17 stored events" in page and "1 December 2026 at 14:05 UTC" in page
    assert "RETENTION_DAYS=30" in page and "every 6 hours" in page
    rows = csv_rows(report_csv(report))
    need = {(r["council_area"], r["kind_of_help"], r["measure"]): r["value"]
            for r in rows if r["section"] == "unmet need"}
    assert need[("Highland Council", "Housing", "searches with no local service")] == "9"
    assert need[("Highland Council", "Housing", "searches with local services")] == FEWER_THAN_5
    assert need[("Cardiff Council", "Peer groups", "searches with no local service")] == FEWER_THAN_5
    crisis = {r["iso_week"]: r["value"] for r in rows if r["section"] == "crisis escalations by week"}
    assert crisis["2026-W49"] == "6" and crisis["2026-W48"] == FEWER_THAN_5
    fallback = {r["iso_week"]: r["value"] for r in rows if r["measure"] == "fallback rate"}
    assert fallback["2026-W49"] == "16%"   # 5 of 31 messages
    assert fallback["2026-W48"] == "too few to show"


def test_suppressed_counts_do_not_appear_anywhere(engine: sa.engine.Engine) -> None:
    populate(engine)
    report = build_report(engine, 12, today=TODAY)
    page, table = report_html(report), report_csv(report)
    values = [r["value"] for r in csv_rows(table)]
    assert not [v for v in values if v.isdigit() and int(v) < 5]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert not [c for c in cells if c.strip().isdigit() and int(c) < 5]
    # bar labels in the charts: suppressed bars say "<5", never the number
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", page)
    assert "19" in labels and "6" in labels   # the charts' labels were really read
    assert not [x for x in labels if x.strip().isdigit() and int(x) < 5]
    assert "&lt;5" in page


def test_the_page_is_self_contained(engine: sa.engine.Engine) -> None:
    populate(engine)
    page = report_html(build_report(engine, 12, today=TODAY))
    assert "<svg" in page and "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", page)
    assert not re.search(r"url\(\s*['\"]?https?:", page)
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {"http://www.w3.org/2000/svg"}


def test_the_command_writes_both_files(engine: sa.engine.Engine, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    populate(engine)
    monkeypatch.setenv("RETENTION_DAYS", "21")
    out = tmp_path / "report"
    assert main(["--weeks", "4", "--out", str(out), "--db", str(engine.url)]) == 0
    assert "usage-report.html" in capsys.readouterr().out
    assert "RETENTION_DAYS=21" in (out / "usage-report.html").read_text(encoding="utf-8")
    assert (out / "usage-report.csv").read_text(encoding="utf-8").startswith("section,week_starting")
