"""Lines open now and the "talk to a person" reply, on real SQLite files built by the
real build from the example fixture and from data/directory, at fixed moments."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

import pytest

from bot.directory import open_now as open_now_module
from bot.directory.build import build
from bot.directory.open_now import (
    LinesNow, ScheduleError, line_state, lines_now, lines_open_now, lines_opening_later, opening_intervals,
    uk_time,
)
from bot.directory.search import open_directory
from bot.directory.search import open_now as search_open_now
from bot.directory.talk_to_person import (
    INTRO, MAX_LINES, clock_text, day_and_time, fact, talk_to_person_messages, when_text,
)
from bot.facts import digits, load_facts, phone_numbers_in, recorded_numbers
from bot.language import load_rules, longest_sentence, reading_grade, stigmatising_terms

ROOT = Path(__file__).resolve().parents[2]
UK = ZoneInfo("Europe/London")
UTC = timezone.utc
LISTENING, NIGHT, ENGLAND_ADVICE = "Example Listening Line", "Example Night Line", "Example England Family Advice"


def uk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UK)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def fixture_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("open_now") / "fixture.sqlite"
    build(ROOT / "tests" / "data" / "directory_fixture", path)
    return path


@pytest.fixture(scope="module")
def db(fixture_path: Path) -> sqlite3.Connection:
    return open_directory(fixture_path)


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("open_now") / "real.sqlite"
    build(ROOT / "data" / "directory", path)
    return open_directory(path)


@pytest.fixture(autouse=True)
def fresh_warnings() -> None:
    open_now_module._warn_once.cache_clear()


def open_names(result: LinesNow) -> list[str]:
    return [o.line.name for o in result.open]


def later_names(result: LinesNow) -> list[tuple[str, datetime]]:
    return [(c.line.name, c.opens) for c in result.later]


def full_text(result: Optional[LinesNow], nation: Optional[str] = None) -> str:
    return "\n".join(m["text"] for m in talk_to_person_messages(result, nation))


# --- which lines are open ------------------------------------------------------------

def test_weekday_daytime(db: sqlite3.Connection) -> None:
    result = lines_now(db, uk("2026-11-24T11:00"), "england")  # a Tuesday
    assert open_names(result) == [LISTENING, ENGLAND_ADVICE]
    listening, advice = result.open
    assert listening.all_week and listening.closes is None
    assert not advice.all_week and advice.closes == datetime(2026, 11, 24, 17, 0)
    assert later_names(result) == [(NIGHT, datetime(2026, 11, 27, 19, 0))]  # Friday 7pm


def test_weekday_night(db: sqlite3.Connection) -> None:
    result = lines_now(db, uk("2026-11-24T03:00"), "england")
    assert open_names(result) == [LISTENING]
    assert later_names(result) == [(ENGLAND_ADVICE, datetime(2026, 11, 24, 9, 30)),
                                   (NIGHT, datetime(2026, 11, 27, 19, 0))]  # soonest first


def test_line_open_past_midnight_counts_from_the_day_it_opened(db: sqlite3.Connection) -> None:
    friday_late = lines_now(db, uk("2026-11-27T23:00"), None)
    night = next(o for o in friday_late.open if o.line.name == NIGHT)
    assert night.closes == datetime(2026, 11, 28, 2, 0)
    assert NIGHT in open_names(lines_now(db, uk("2026-11-28T01:59"), None))
    saturday_2am = lines_now(db, uk("2026-11-28T02:00"), None)
    assert NIGHT not in open_names(saturday_2am)
    assert (NIGHT, datetime(2026, 11, 28, 19, 0)) in later_names(saturday_2am)


def test_sunday(db: sqlite3.Connection) -> None:
    early = lines_now(db, uk("2026-11-29T01:30"), "england")  # Saturday's night line still open
    assert open_names(early) == [LISTENING, NIGHT]
    morning = lines_now(db, uk("2026-11-29T10:00"), "england")
    assert open_names(morning) == [LISTENING]
    assert later_names(morning) == [(ENGLAND_ADVICE, datetime(2026, 11, 30, 9, 30)),
                                    (NIGHT, datetime(2026, 12, 4, 19, 0))]
    text = full_text(morning, "england")
    assert "Example England Family Advice: opens tomorrow at 9:30am. Call 0808 157 0004." in text
    assert "Example Night Line: opens on Friday at 7pm." in text


def test_clocks_going_forward_in_march(db: sqlite3.Connection) -> None:
    # Sunday 29 March 2026: at 01:00 UTC the clocks go from 1am GMT to 2am BST.
    assert NIGHT in open_names(lines_now(db, utc("2026-03-29T00:59"), None))      # 00:59 GMT
    assert NIGHT not in open_names(lines_now(db, utc("2026-03-29T01:00"), None))  # 02:00 BST
    # Monday after: 08:45 UTC is 09:45 BST, so the 9:30am line is open; a week before it was not.
    assert ENGLAND_ADVICE in open_names(lines_now(db, utc("2026-03-30T08:45"), "england"))
    before = lines_now(db, utc("2026-03-23T08:45"), "england")                   # 08:45 GMT
    assert ENGLAND_ADVICE not in open_names(before)
    assert (ENGLAND_ADVICE, datetime(2026, 3, 23, 9, 30)) in later_names(before)
    assert ENGLAND_ADVICE not in open_names(lines_now(db, utc("2026-03-30T16:30"), "england"))  # 5:30pm BST


def test_clocks_going_back_in_october(db: sqlite3.Connection) -> None:
    # Saturday 24 October 2026 is still BST: 18:30 UTC is 7:30pm, so the 7pm line is open.
    assert NIGHT in open_names(lines_now(db, utc("2026-10-24T18:30"), None))
    # Sunday 25 October 2026: at 01:00 UTC the clocks go from 2am BST back to 1am GMT.
    assert NIGHT in open_names(lines_now(db, utc("2026-10-25T00:30"), None))      # 01:30 BST
    assert NIGHT in open_names(lines_now(db, utc("2026-10-25T01:30"), None))      # 01:30 GMT
    assert NIGHT not in open_names(lines_now(db, utc("2026-10-25T02:00"), None))  # 02:00 GMT
    assert uk_time(utc("2026-10-26T09:00")).hour == 9                             # GMT again
    assert ENGLAND_ADVICE in open_names(lines_now(db, utc("2026-10-26T09:30"), "england"))


def test_naive_time_is_read_as_uk_time(db: sqlite3.Connection) -> None:
    assert open_names(lines_now(db, datetime(2026, 7, 6, 9, 30), "england")) == \
        open_names(lines_now(db, utc("2026-07-06T08:30"), "england"))


def test_only_lines_for_the_persons_nation(db: sqlite3.Connection) -> None:
    tuesday = uk("2026-11-24T11:00")
    assert ENGLAND_ADVICE not in open_names(lines_now(db, tuesday, "wales"))
    assert ENGLAND_ADVICE not in open_names(lines_now(db, tuesday, None))  # nation not known: UK-wide only
    assert open_names(lines_now(db, tuesday, "not-a-nation")) == [LISTENING]


def test_companions_and_limit(db: sqlite3.Connection, real_db: sqlite3.Connection) -> None:
    moment = uk("2026-11-24T03:00")
    assert [o.line.name for o in lines_open_now(db, moment, "england")] == [LISTENING]
    assert [c.line.name for c in lines_opening_later(db, moment, "england", limit=1)] == [ENGLAND_ADVICE]
    assert len(lines_open_now(real_db, moment, "northern_ireland", limit=2)) == 2
    assert len(lines_open_now(real_db, moment, "england")) <= 5


def test_line_with_no_opening_times_is_never_open_and_staff_are_told(
        db: sqlite3.Connection, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot.directory.open_now")
    result = lines_now(db, uk("2026-11-24T11:00"), "wales")
    everything = open_names(result) + [name for name, _ in later_names(result)]
    assert "Example Wales Family Advice" not in everything     # phone, but no opening times
    assert "Example Parents Online Group" not in everything    # "Any time online": words, no times
    warnings = [r.getMessage() for r in caplog.records]
    assert any("svc-ex-wales-advice has no opening times" in w for w in warnings)
    assert any("svc-ex-parents-online has no opening times" in w for w in warnings)
    caplog.clear()
    lines_now(db, uk("2026-11-24T12:00"), "wales")
    assert not caplog.records  # once per service, not once per conversation


def test_unreadable_opening_times_are_never_open(
        fixture_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    broken = tmp_path / "broken.sqlite"
    shutil.copy(fixture_path, broken)
    with sqlite3.connect(broken) as conn:
        conn.execute("UPDATE service_card SET schedules_json = ? WHERE service_id = 'svc-ex-listening-line'",
                     ('[{"byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "9am", "closes_at": "24:00"}]',))
        conn.execute("UPDATE service_card SET schedules_json = ? WHERE service_id = 'svc-ex-night-line'",
                     ('[{"byday": "FR,XX", "opens_at": "19:00", "closes_at": "02:00"}]',))
    conn.close()
    caplog.set_level(logging.WARNING, logger="bot.directory.open_now")
    result = lines_now(broken, uk("2026-11-27T23:00"), None)
    assert open_names(result) == [] and later_names(result) == []
    warnings = " ".join(r.getMessage() for r in caplog.records)
    assert "svc-ex-listening-line opens_at '9am' is not a time written HH:MM" in warnings
    assert "svc-ex-night-line has days that cannot be read: XX" in warnings


@pytest.mark.parametrize("schedule,problem", [
    ({"byday": "MO", "opens_at": "09:00", "closes_at": ""}, "closes_at '' is not a time"),
    ({"byday": "", "opens_at": "09:00", "closes_at": "17:00"}, "no days"),
    ({"byday": "MO", "opens_at": "25:00", "closes_at": "26:00"}, "not a real time"),
    ({"byday": "MO", "opens_at": "24:00", "closes_at": "24:00"}, "opens_at '24:00' is not a real time"),
    ({"description": "Mornings"}, "has no opening times"),
])
def test_schedule_problems(schedule: dict, problem: str) -> None:
    with pytest.raises(ScheduleError, match=problem):
        line_state([schedule], datetime(2026, 11, 23, 10, 0))


def test_weekend_hours_join_up_across_days() -> None:
    # Breathing Space's shape: weekday evenings to 2am, and from 6pm Friday to 6am Monday.
    schedules = [
        {"byday": "MO,TU,WE,TH", "opens_at": "18:00", "closes_at": "24:00"},
        {"byday": "TU,WE,TH,FR", "opens_at": "00:00", "closes_at": "02:00"},
        {"byday": "FR", "opens_at": "18:00", "closes_at": "24:00"},
        {"byday": "SA,SU", "opens_at": "00:00", "closes_at": "24:00"},
        {"byday": "MO", "opens_at": "00:00", "closes_at": "06:00"},
    ]
    saturday = line_state(schedules, datetime(2026, 11, 28, 22, 0))
    assert saturday.is_open and saturday.until == datetime(2026, 11, 30, 6, 0)
    tuesday_1am = line_state(schedules, datetime(2026, 11, 24, 1, 0))
    assert tuesday_1am.is_open and tuesday_1am.until == datetime(2026, 11, 24, 2, 0)
    tuesday_noon = line_state(schedules, datetime(2026, 11, 24, 12, 0))
    assert not tuesday_noon.is_open and tuesday_noon.next_opening == datetime(2026, 11, 24, 18, 0)
    all_day = [{"byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "00:00", "closes_at": "24:00"}]
    assert line_state(all_day, datetime(2026, 11, 24, 3, 0)).until is None
    assert len(opening_intervals(all_day, datetime(2026, 11, 24).date())) == 1


def test_agrees_with_the_search_cards_open_now(real_db: sqlite3.Connection) -> None:
    """Every hour of a week (and a clock change): the same answer as the search's "Open now"."""
    rows = real_db.execute("SELECT service_id, schedules_json FROM service_card").fetchall()
    timed = [(sid, json.loads(s)) for sid, s in rows if any(x.get("opens_at") for x in json.loads(s))]
    assert len(timed) >= 10
    start = datetime(2026, 3, 27, 0, 30)
    for hour in range(24 * 8):
        wall = start + timedelta(hours=hour)
        for service_id, schedules in timed:
            assert line_state(schedules, wall).is_open == search_open_now(schedules, wall), (service_id, wall)


# --- the real directory -----------------------------------------------------------------

def test_real_directory_england_day_and_night(real_db: sqlite3.Connection) -> None:
    day = lines_now(real_db, uk("2026-11-24T14:00"), "england")
    assert "Samaritans" in open_names(day) and "Family Rights Group advice line" in open_names(day)
    assert all(o.all_week for o in day.open if o.line.name != "Family Rights Group advice line")
    night = lines_now(real_db, uk("2026-11-24T03:00"), "england")
    assert "Family Rights Group advice line" not in open_names(night)
    assert ("Family Rights Group advice line", datetime(2026, 11, 24, 9, 30)) in later_names(night)
    assert open_names(night)[:3] == ["NHS 111 mental health option (England)", "Samaritans", "Shout 85258"]


def test_real_directory_scotland_weekend_night(real_db: sqlite3.Connection) -> None:
    saturday = lines_now(real_db, uk("2026-11-28T22:00"), "scotland")
    breathing = next(o for o in saturday.open if o.line.name == "Breathing Space")
    assert breathing.closes == datetime(2026, 11, 30, 6, 0)
    assert "Breathing Space: call 0800 83 85 87. Free. Open until 6am on Monday." in full_text(saturday)
    tuesday = lines_now(real_db, uk("2026-11-24T14:00"), "scotland")
    assert ("Breathing Space", datetime(2026, 11, 24, 18, 0)) in later_names(tuesday)
    assert not any(n in open_names(tuesday) for n in ("NHS 111 mental health option (England)", "Lifeline"))


def test_real_directory_northern_ireland(real_db: sqlite3.Connection) -> None:
    result = lines_now(real_db, uk("2026-11-24T03:00"), "northern_ireland")
    assert open_names(result)[0] == "Lifeline"
    assert "Lifeline: call 0808 808 8000. Free. Open 24 hours." in full_text(result)


# --- the reply -----------------------------------------------------------------------------

def test_reply_is_honest_then_lines_then_999(db: sqlite3.Connection) -> None:
    messages = talk_to_person_messages(lines_now(db, uk("2026-11-24T11:00"), "england"), "england")
    assert messages[0]["text"] == INTRO and "computer program, not a person" in INTRO
    lines = messages[1]["text"].splitlines()
    assert lines[0] == "Open now in England:"
    assert lines[1] == "Samaritans: call 116 123. Free. Open 24 hours."   # from facts: not in the fixture
    assert lines[2] == ("Example Listening Line: call 0808 157 0002, or text 85258. Free. Open 24 hours.")
    assert lines[3] == "Example England Family Advice: call 0808 157 0004. Free. Open until 5pm."
    assert messages[-1]["text"] == "If you or a child are in danger now, call 999."
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/find_service", "/main_menu"]
    assert all("buttons" not in m for m in messages[:-1])


def test_samaritans_always_and_lifeline_in_northern_ireland(db: sqlite3.Connection,
                                                              real_db: sqlite3.Connection) -> None:
    samaritans, lifeline = fact("crisis_samaritans"), fact("crisis_lifeline_ni")
    assert (samaritans, lifeline) == ("116 123", "0808 808 8000")
    for nation in (None, "england", "wales", "scotland", "northern_ireland"):
        for conn in (db, real_db):
            text = full_text(lines_now(conn, uk("2026-11-24T03:00"), nation), nation)
            assert text.count(samaritans) == 1, (nation, text)
            assert (lifeline in text) == (nation == "northern_ireland"), nation
            assert text.count("call 999") == 1
    unavailable = full_text(None, "northern_ireland")
    assert samaritans in unavailable and lifeline in unavailable and "call 999" in unavailable
    assert "I cannot check the other lines right now." in unavailable


def test_directory_samaritans_is_the_recorded_fact(real_db: sqlite3.Connection) -> None:
    phones = dict(real_db.execute("SELECT service_id, phones_json FROM service_card").fetchall())
    assert digits(fact("crisis_samaritans")) in digits(phones["svc-samaritans"])
    assert digits(fact("crisis_lifeline_ni")) in digits(phones["svc-lifeline-ni"])


def test_night_reply_says_lines_are_closed_and_when_they_open(db: sqlite3.Connection) -> None:
    messages = talk_to_person_messages(lines_now(db, uk("2026-11-24T03:00"), "england"), "england")
    later = messages[2]["text"].splitlines()
    assert later[0] == "It is night, so some lines are closed. These open later:"
    assert later[1] == "Example England Family Advice: opens today at 9:30am. Call 0808 157 0004."
    day = talk_to_person_messages(lines_now(db, uk("2026-11-24T11:00"), "england"), "england")
    assert day[2]["text"].startswith("These lines are closed now. They open later:")


def test_nation_not_known_says_so(db: sqlite3.Connection) -> None:
    text = talk_to_person_messages(lines_now(db, uk("2026-11-24T11:00"), None), None)[1]["text"]
    assert text.startswith("Open now, anywhere in the UK:")
    assert text.endswith("If you tell me which part of the UK you live in, I can show more lines.")


def test_at_most_five_lines(real_db: sqlite3.Connection) -> None:
    for nation in ("england", "wales", "northern_ireland"):
        text = talk_to_person_messages(lines_now(real_db, uk("2026-11-24T14:00"), nation), nation)[1]["text"]
        assert len(text.splitlines()) - 1 <= MAX_LINES


def test_lines_for_one_group_say_who_they_are_for(real_db: sqlite3.Connection) -> None:
    text = full_text(lines_now(real_db, uk("2026-11-24T03:00"), "england"), "england")
    assert "Childline, for children and young people: call 0800 1111." in text
    day = full_text(lines_now(real_db, uk("2026-11-24T14:00"), "england"), "england")
    assert "Family Rights Group advice line: call 0808 801 0366. Free. Open until 3pm. " \
           "Closed on bank holidays." in day


MOMENTS = ("2026-11-24T11:00", "2026-11-24T03:00", "2026-11-28T22:00", "2026-11-29T10:00", "2026-03-29T02:30")


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("nation", [None, "england", "wales", "scotland", "northern_ireland"])
def test_reply_is_plain_and_every_number_has_a_source(real_db: sqlite3.Connection, moment: str,
                                                      nation: Optional[str]) -> None:
    rules = load_rules()
    known = recorded_numbers(load_facts()) | {
        digits(p) for (p,) in real_db.execute("SELECT number FROM phones").fetchall()}
    for message in talk_to_person_messages(lines_now(real_db, uk(moment), nation), nation):
        text = message["text"]
        assert not stigmatising_terms(text)
        assert reading_grade(text) <= rules.max_grade_per_response, text
        assert longest_sentence(text) <= rules.max_words_per_sentence, text
        assert all(digits(n) in known for n in phone_numbers_in(text)), text


@pytest.mark.parametrize("now,closes,expected", [
    ("2026-11-24T11:00", datetime(2026, 11, 24, 15, 0), "3pm"),
    ("2026-11-24T23:00", datetime(2026, 11, 25, 2, 0), "2am"),           # tonight
    ("2026-11-24T11:00", datetime(2026, 11, 25, 2, 0), "2am on Wednesday"),
    ("2026-11-24T11:00", datetime(2026, 11, 25, 0, 0), "midnight"),
    ("2026-11-24T11:00", datetime(2026, 11, 28, 0, 0), "midnight on Friday"),
    ("2026-11-28T22:00", datetime(2026, 11, 30, 6, 0), "6am on Monday"),
    ("2026-11-24T11:00", datetime(2026, 11, 24, 12, 30), "12:30pm"),
])
def test_when_a_line_closes(now: str, closes: datetime, expected: str) -> None:
    assert when_text(closes, uk(now)) == expected


def test_when_a_line_opens() -> None:
    moment = uk("2026-11-24T03:00")
    assert day_and_time(datetime(2026, 11, 24, 9, 30), moment) == "today at 9:30am"
    assert day_and_time(datetime(2026, 11, 25, 18, 0), moment) == "tomorrow at 6pm"
    assert day_and_time(datetime(2026, 11, 30, 9, 0), moment) == "on Monday at 9am"
    assert clock_text(datetime(2026, 1, 1, 12, 0)) == "12pm"
