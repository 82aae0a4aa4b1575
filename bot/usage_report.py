"""The report for commissioners: `python -m bot report --weeks 12 [--out DIR] [--db URL]`.

Reads only the anonymous counters (`bot/usage_store.py`) and writes one
self-contained HTML page (`usage-report.html`, charts as inline SVG, no
scripts, fonts or files from elsewhere) and the same figures as a CSV
(`usage-report.csv`). Any count under 5 is shown as "fewer than 5", in both.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url

from bot import usage_counts as uc
from bot.usage_store import PurgeRun, last_purge, read_counts

SUPPRESS_BELOW = 5
FEWER_THAN_5 = "fewer than 5"
HTML_NAME, CSV_NAME = "usage-report.html", "usage-report.csv"
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Topics from bot/topics.yml in plain words; small talk is shown as one line.
TOPIC_LABELS = {
    "child_protection": "Children's social care and child protection",
    "rights_advocacy": "Rights, legal advice and advocacy",
    "peer_support": "Peer groups",
    "drug_treatment": "Drug treatment and safer use",
    "housing": "Housing",
    "mental_health": "Mental health",
    "domestic_abuse": "Domestic abuse",
    "young_person": "Young people",
    "privacy": "Privacy and what is kept",
    "find_service": "Finding a local service",
    "crisis": "Crisis and safety",
    "talk_to_person": "Talking to a person",
    "out_of_scope": "Questions it does not cover",
    "conversation": "Hello, thanks and moving around",
}
SMALL_TALK = {"greet", "goodbye", "thanks", "bot_challenge", "other"}
CATEGORY_LABELS = {
    "child_protection_advice": "Social care and child protection advice",
    "legal_advice_advocacy": "Legal advice or an advocate",
    "peer_support": "Peer groups",
    "drug_alcohol_treatment": "Drug and alcohol services",
    "harm_reduction": "Needles, naloxone and safer use",
    "housing_homelessness": "Housing",
    "perinatal_mental_health": "Mental health in or after pregnancy",
    "mental_health": "Mental health",
    "domestic_abuse": "Domestic abuse",
    "crisis_line": "Someone to talk to now",
    "": "Kind of help not known",
}
NATION_LABELS = {"england": "England", "wales": "Wales", "scotland": "Scotland",
                 "northern_ireland": "Northern Ireland", "": "Not known"}


def shown(count: int) -> str:
    """Small-number suppression: 0 to 4 are never shown as a number."""
    return FEWER_THAN_5 if count < SUPPRESS_BELOW else f"{count:,}"


def rate(part: int, whole: int) -> str:
    """A percentage, only when neither number is small."""
    if part < SUPPRESS_BELOW or whole < SUPPRESS_BELOW:
        return "too few to show"
    return f"{100 * part / whole:.0f}%"


def recent_weeks(today: date, count: int) -> tuple[str, ...]:
    """The `count` ISO weeks ending with the one `today` is in, oldest first."""
    monday = today - timedelta(days=today.weekday())
    return tuple(_week_of(monday - timedelta(weeks=n)) for n in reversed(range(count)))


def _week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def week_label(week: str, with_year: bool = False) -> str:
    start = week_start(week)
    return f"{start.day} {start:%b}" + (f" {start.year}" if with_year else "")


def topic_group(topic: str) -> str:
    return "conversation" if topic in SMALL_TALK else topic


def area_label(nation: str, council: str) -> str:
    if council:
        return council
    return f"Council area not known ({NATION_LABELS.get(nation, nation)})" if nation else "Place not given"


@dataclass(frozen=True)
class UnmetNeed:
    nation: str
    council: str
    help_category: str
    no_local: int
    local: int


@dataclass
class Report:
    weeks: tuple[str, ...]
    generated: datetime
    retention_days: int
    purge_every_hours: int
    last_purge: Optional[PurgeRun]
    council_lookup: bool
    messages: dict[str, int] = field(default_factory=dict)          # week -> messages
    topics: dict[str, dict[str, int]] = field(default_factory=dict)  # topic group -> week -> n
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)  # outcome -> week -> n
    nations: dict[str, int] = field(default_factory=dict)
    unmet: list[UnmetNeed] = field(default_factory=list)

    def weekly(self, outcome: str) -> list[int]:
        return [self.outcomes.get(outcome, {}).get(w, 0) for w in self.weeks]

    def total(self, outcome: Optional[str] = None) -> int:
        source = self.messages if outcome is None else self.outcomes.get(outcome, {})
        return sum(source.values())

    def topic_rows(self) -> list[tuple[str, list[int]]]:
        """Topic groups in the order of TOPIC_LABELS, busiest first within help topics."""
        rows = [(t, [self.topics.get(t, {}).get(w, 0) for w in self.weeks]) for t in TOPIC_LABELS]
        rows += [(t, [by_week.get(w, 0) for w in self.weeks])
                 for t, by_week in self.topics.items() if t not in TOPIC_LABELS]
        return sorted(rows, key=lambda row: -sum(row[1]))


def build_report(engine: Engine, weeks: int, today: Optional[date] = None,
                 retention_days: int = 30, purge_every_hours: int = 6) -> Report:
    now = datetime.now(timezone.utc)
    week_list = recent_weeks(today or now.date(), weeks)
    report = Report(weeks=week_list, generated=now, retention_days=retention_days,
                    purge_every_hours=purge_every_hours, last_purge=None,
                    council_lookup=uc._council_lookup() is not None)
    if not _has_tables(engine):
        return report
    report.last_purge = last_purge(engine)
    _add(report, read_counts(engine, week_list))
    return report


def _has_tables(engine: Engine) -> bool:
    return {"usage_counts", "purge_runs"} <= set(sa.inspect(engine).get_table_names())


def _add(report: Report, counts: Iterable[tuple[uc.CountKey, int]]) -> None:
    topics: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    outcomes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    messages: dict[str, int] = defaultdict(int)
    nations: dict[str, int] = defaultdict(int)
    searches: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for key, n in counts:
        messages[key.week] += n
        topics[topic_group(key.topic)][key.week] += n
        outcomes[key.outcome][key.week] += n
        nations[key.nation] += n
        if key.outcome in (uc.SEARCH_NO_LOCAL, uc.SEARCH_LOCAL):
            searches[(key.nation, key.council, key.help_category)][key.outcome == uc.SEARCH_LOCAL] += n
    report.messages, report.nations = dict(messages), dict(nations)
    report.topics = {t: dict(w) for t, w in topics.items()}
    report.outcomes = {o: dict(w) for o, w in outcomes.items()}
    report.unmet = sorted((UnmetNeed(nation, council, category, no_local, local)
                           for (nation, council, category), (no_local, local) in searches.items()
                           if no_local > 0),
                          key=lambda u: (-u.no_local, area_label(u.nation, u.council), u.help_category))


CSV_COLUMNS = ("section", "week_starting", "iso_week", "nation", "council_area", "topic",
               "kind_of_help", "measure", "value")


def report_csv(report: Report) -> str:
    """The report's figures, one per row, with the same suppression as the page."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in _csv_rows(report):
        writer.writerow({c: row.get(c, "") for c in CSV_COLUMNS})
    return out.getvalue()


def _csv_rows(report: Report) -> Iterable[dict[str, str]]:
    def week(w: str) -> dict[str, str]:
        return {"week_starting": week_start(w).isoformat(), "iso_week": w}

    for i, w in enumerate(report.weeks):
        yield {"section": "messages by week", **week(w), "measure": "messages",
               "value": shown(report.messages.get(w, 0))}
        for topic, values in report.topic_rows():
            yield {"section": "topics by week", **week(w), "topic": TOPIC_LABELS.get(topic, topic),
                   "measure": "messages", "value": shown(values[i])}
        yield {"section": "crisis escalations by week", **week(w), "measure": "crisis escalations",
               "value": shown(report.weekly(uc.CRISIS)[i])}
        fell_back, total = report.weekly(uc.FELL_BACK)[i], report.messages.get(w, 0)
        yield {"section": "fallback by week", **week(w), "measure": "messages not understood",
               "value": shown(fell_back)}
        yield {"section": "fallback by week", **week(w), "measure": "fallback rate",
               "value": rate(fell_back, total)}
    for nation, n in sorted(report.nations.items()):
        yield {"section": "messages by nation", "nation": NATION_LABELS.get(nation, nation),
               "measure": "messages", "value": shown(n)}
    for need in report.unmet:
        place = {"nation": NATION_LABELS.get(need.nation, need.nation),
                 "council_area": area_label(need.nation, need.council),
                 "kind_of_help": CATEGORY_LABELS.get(need.help_category, need.help_category)}
        yield {"section": "unmet need", **place, "measure": "searches with no local service",
               "value": shown(need.no_local)}
        yield {"section": "unmet need", **place, "measure": "searches with local services",
               "value": shown(need.local)}


def write_report(report: Report, out_dir: Path) -> tuple[Path, Path]:
    from bot.usage_report_html import report_html

    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, csv_path = out_dir / HTML_NAME, out_dir / CSV_NAME
    html_path.write_text(report_html(report), encoding="utf-8")
    csv_path.write_text(report_csv(report), encoding="utf-8")
    return html_path, csv_path


def engine_for(url: str) -> Engine:
    """An engine for the tracker database; a relative SQLite path is from the project root."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).is_absolute():
        parsed = parsed.set(database=str(PROJECT_ROOT / parsed.database))
    return sa.create_engine(parsed)


def main(argv: Optional[Sequence[str]] = None) -> int:
    from bot.settings import SettingsError, load_settings

    parser = argparse.ArgumentParser(prog="python -m bot report",
                                     description="Write the anonymous usage report (HTML and CSV).")
    parser.add_argument("--weeks", type=int, default=12, help="how many weeks, ending this week (default 12)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "test-artifacts",
                        help="folder for usage-report.html and usage-report.csv")
    parser.add_argument("--db", help="tracker database URL (default: TRACKER_STORE_URL)")
    args = parser.parse_args(argv)
    if not 1 <= args.weeks <= 260:
        parser.error("--weeks must be between 1 and 260")
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"Settings error: {error}", file=sys.stderr)
        return 2
    engine = engine_for(args.db or settings.tracker_store_url)
    try:
        report = build_report(engine, args.weeks, retention_days=settings.retention_days,
                              purge_every_hours=settings.purge_every_hours)
    except sa.exc.SQLAlchemyError as error:
        print(f"Could not read the tracker database ({type(error).__name__}).", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    html_path, csv_path = write_report(report, args.out)
    print(f"Wrote {html_path}\nWrote {csv_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
