"""Validation of the directory CSVs: every problem names file, row, field and reason."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.directory.build import build
from bot.directory.cli import main as cli_main
from bot.directory.phones import phone_problem
from bot.directory.validate import (
    DirectoryValidationError, ValidationError, placeholder_host, validate_source,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "directory_fixture"
TODAY = date(2026, 12, 1)  # the newest last_verified in data/directory


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    target = tmp_path / "csv"
    shutil.copytree(FIXTURE, target)
    return target


def edit(folder: Path, file: str, row_id: str, field: str, value: str) -> int:
    """Set one cell; returns the row number as a spreadsheet shows it (header = 1)."""
    path = folder / file
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        header = list(rows[0].keys())
    for index, row in enumerate(rows):
        if row["id"] == row_id:
            row[field] = value
            break
    else:
        raise AssertionError(f"{row_id} not in {file}")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return index + 2


def append(folder: Path, file: str, row: dict[str, str]) -> int:
    path = folder / file
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
        count = sum(1 for _ in handle)
    with open(path, "a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=header, lineterminator="\n").writerow(row)
    return count + 2


def errors_for(folder: Path) -> list[ValidationError]:
    return validate_source(folder, today=TODAY)[1]


def only_error(folder: Path) -> ValidationError:
    errors = errors_for(folder)
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


def test_fixture_and_real_directory_are_valid() -> None:
    assert errors_for(FIXTURE) == []
    assert errors_for(ROOT / "data" / "directory") == []


def test_missing_required_field(source: Path) -> None:
    row = edit(source, "services.csv", "svc-ex-dads-leeds", "source_url", "")
    error = only_error(source)
    assert (error.file, error.row, error.field) == ("services.csv", row, "source_url")
    assert str(error) == f"services.csv row {row}, field 'source_url': is required but empty"


@pytest.mark.parametrize("number", ["0900 123 4567", "0808 800 500", "call us", "44 20 7946 0000"])
def test_bad_uk_phone_number(source: Path, number: str) -> None:
    edit(source, "phones.csv", "ph-1", "number", number)
    error = only_error(source)
    assert (error.file, error.row, error.field) == ("phones.csv", 2, "number")
    assert number in str(error)


def test_short_code_must_be_a_text_line(source: Path) -> None:
    edit(source, "phones.csv", "ph-1", "number", "85258")
    error = only_error(source)
    assert error.field == "number" and "type must be text" in error.reason


@pytest.mark.parametrize("number,kind", [
    ("999", "voice"), ("111", "voice"), ("116 123", "voice"), ("116123", "voice"), ("85258", "text"),
    ("0800 1111", "voice"), ("0808 800 5000", "voice"), ("0808  800\u00a05000", "voice"),
    ("0300 123 3393", "voice"), ("01632 960000", "voice"), ("016977 4123", "voice"),
    ("020 7946 0000", "voice"), ("07700 900000", "whatsapp"), ("+44 808 800 5000", "voice"),
    ("0113-496-0001", "voice"),
])
def test_accepted_phone_numbers(number: str, kind: str) -> None:
    assert phone_problem(number, kind) is None


@pytest.mark.parametrize("field,value", [("latitude", "40.1"), ("longitude", "5.5")])
def test_location_outside_the_uk(source: Path, field: str, value: str) -> None:
    edit(source, "locations.csv", "loc-ex-leeds-ls6", field, value)
    error = only_error(source)
    assert (error.file, error.row, error.field) == ("locations.csv", 2, field)
    assert "outside the UK" in error.reason


def test_unknown_taxonomy_term_in_service_taxonomy(source: Path) -> None:
    edit(source, "service_taxonomy.csv", "st-2", "taxonomy_term_id", "dads_stuff")
    error = only_error(source)
    assert (error.file, error.row, error.field) == ("service_taxonomy.csv", 3, "taxonomy_term_id")
    assert "unknown taxonomy term 'dads_stuff'" in str(error)


def test_unknown_term_in_taxonomy_terms(source: Path) -> None:
    row = append(source, "taxonomy_terms.csv", {"id": "knitting", "term": "knitting", "vocabulary": "category",
                                                "label": "Knitting", "description": ""})
    error = only_error(source)
    assert (error.file, error.row, error.field) == ("taxonomy_terms.csv", row, "term")
    assert "unknown taxonomy term 'knitting'" in error.reason


def test_duplicate_id(source: Path) -> None:
    edit(source, "services.csv", "svc-ex-mums-leeds", "id", "svc-ex-dads-leeds")
    errors = errors_for(source)
    duplicate = [e for e in errors if "duplicate id" in e.reason]
    assert len(duplicate) == 1
    assert (duplicate[0].file, duplicate[0].row, duplicate[0].field) == ("services.csv", 3, "id")
    assert "first used on row 2" in duplicate[0].reason


def test_dangling_foreign_key(source: Path) -> None:
    edit(source, "phones.csv", "ph-3", "service_id", "svc-nope")
    error = only_error(source)
    assert (error.file, error.row, error.field) == ("phones.csv", 4, "service_id")
    assert str(error) == ("phones.csv row 4, field 'service_id': 'svc-nope' does not match any id "
                          "in services.csv")


@pytest.mark.parametrize("value,reason", [
    ("2026-13-01", "not a real date"), ("01/02/2026", "YYYY-MM-DD"), ("2027-01-01", "in the future"),
])
def test_bad_date(source: Path, value: str, reason: str) -> None:
    edit(source, "services.csv", "svc-ex-family-leeds", "last_verified", value)
    error = only_error(source)
    assert (error.file, error.row, error.field) == ("services.csv", 4, "last_verified")
    assert reason in error.reason


@pytest.mark.parametrize("field,value", [("opens_at", "25:00"), ("opens_at", "9am"), ("closes_at", "18:60")])
def test_bad_time(source: Path, field: str, value: str) -> None:
    edit(source, "schedules.csv", "sch-1", field, value)
    error = only_error(source)
    assert (error.file, error.row, error.field) == ("schedules.csv", 2, field)
    assert value in error.reason


def test_closing_at_midnight_is_allowed_but_not_opening(source: Path) -> None:
    edit(source, "schedules.csv", "sch-1", "closes_at", "24:00")
    assert errors_for(source) == []
    edit(source, "schedules.csv", "sch-1", "opens_at", "24:00")
    assert only_error(source).field == "opens_at"


def test_bad_choice_values(source: Path) -> None:
    edit(source, "services.csv", "svc-ex-dads-leeds", "referral", "gp_only")
    edit(source, "service_areas.csv", "area-8", "nation", "cornwall")
    errors = {(e.file, e.field) for e in errors_for(source)}
    assert errors == {("services.csv", "referral"), ("service_areas.csv", "nation")}


def test_area_rules(source: Path) -> None:
    edit(source, "service_areas.csv", "area-8", "nation", "")          # nation scope, no nation
    edit(source, "service_areas.csv", "area-1", "radius_km", "")       # local, no radius
    edit(source, "service_areas.csv", "area-5", "nation", "england")   # uk scope with a nation
    found = {(e.row, e.field, e.reason) for e in errors_for(source)}
    assert (9, "nation", "is required when scope is nation") in found
    assert (2, "radius_km", "is required when scope is local") in found
    assert any(row == 6 and "must be empty" in reason for row, _, reason in found)


def test_local_area_needs_a_place(source: Path) -> None:
    edit(source, "service_at_locations.csv", "sal-8", "location_id", "loc-ex-nowhere")
    found = {(e.file, e.field) for e in errors_for(source)}
    assert ("service_at_locations.csv", "location_id") in found
    assert ("service_areas.csv", "scope") in found


def test_a_postcode_is_enough_for_a_place(source: Path) -> None:
    """Bradford's location has a postcode and no latitude/longitude in the fixture."""
    assert errors_for(source) == []
    edit(source, "locations.csv", "loc-ex-bradford", "postcode", "")
    assert any(e.file == "service_areas.csv" for e in errors_for(source))


def test_active_service_needs_a_category_and_an_area(source: Path) -> None:
    edit(source, "service_taxonomy.csv", "st-27", "taxonomy_term_id", "mothers")
    error = only_error(source)
    assert (error.file, error.row, error.field) == ("services.csv", 16, "id")
    assert "no category" in error.reason


def test_missing_file_and_missing_column(source: Path) -> None:
    (source / "services.csv").unlink()
    with open(source / "phones.csv", "w", encoding="utf-8") as handle:
        handle.write("id,service_id,number,description\n")
    text = "\n".join(map(str, errors_for(source)))
    assert "services.csv: file is missing" in text
    assert "phones.csv row 1, field 'type': column is missing from the header row" in text


def test_build_refuses_bad_rows_and_keeps_the_old_file(source: Path, tmp_path: Path) -> None:
    db = tmp_path / "directory.sqlite"
    build(source, db)
    before = db.read_bytes()
    edit(source, "phones.csv", "ph-1", "number", "0900 123 4567")
    with pytest.raises(DirectoryValidationError) as caught:
        build(source, db)
    assert "phones.csv row 2, field 'number'" in str(caught.value)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file is left behind"


def make_real(folder: Path, service_id: str, name: str, source_url: str) -> int:
    """Turn a made-up fixture service into one that looks real (no "Example" in its name)."""
    edit(folder, "services.csv", service_id, "name", name)
    return edit(folder, "services.csv", service_id, "source_url", source_url)


@pytest.mark.parametrize("url", [
    "https://family.example.org/dads", "https://example.com", "http://www.example.net/page",
    "https://example.co.uk/x", "http://dads.localhost/x", "https://dads.test/about",
    "https://service.invalid", "https://placeholder.org.uk/dads", "https://tbc.org.uk",
    "http://127.0.0.1/dads", "https://site.example/dads",
])
def test_placeholder_source_url_on_a_real_service(source: Path, url: str) -> None:
    row = make_real(source, "svc-ex-dads-leeds", "Dads Group Leeds", url)
    error = only_error(source)
    assert (error.file, error.row, error.field) == ("services.csv", row, "source_url")
    assert "placeholder domain" in error.reason and url in error.reason


def test_localhost_is_a_placeholder_even_without_a_dot() -> None:
    assert placeholder_host("http://localhost:8080/dads") == "localhost"
    assert placeholder_host("https://www.nhs.uk/") is None


@pytest.mark.parametrize("url", [
    "https://www.samaritans.org/how-we-can-help/", "https://www.gov.uk/example-page",
    "https://examples.org.uk/dads", "https://www.testing-trust.org.uk", "https://local.gov.uk",
])
def test_real_domains_are_not_placeholders(source: Path, url: str) -> None:
    make_real(source, "svc-ex-dads-leeds", "Dads Group Leeds", url)
    assert errors_for(source) == []


def test_made_up_services_may_use_example_addresses(source: Path) -> None:
    """The fixture's services are all named "Example ..." and use example.org."""
    assert errors_for(source) == []
    edit(source, "services.csv", "svc-ex-dads-leeds", "name", "Dads Group Leeds")
    assert [e.field for e in errors_for(source)] == ["source_url"]


def test_real_service_with_no_audience(source: Path) -> None:
    """svc-ex-night-line has a category but no audience tag in the fixture."""
    row = make_real(source, "svc-ex-night-line", "Night Line", "https://www.samaritans.org/")
    error = only_error(source)
    assert (error.file, error.row, error.field) == ("services.csv", row, "id")
    assert "has no audience in service_taxonomy.csv" in error.reason
    assert str(error).startswith(f"services.csv row {row}, field 'id': service 'svc-ex-night-line'")


def test_an_audience_tag_is_enough(source: Path) -> None:
    make_real(source, "svc-ex-night-line", "Night Line", "https://www.samaritans.org/")
    append(source, "service_taxonomy.csv", {"id": "st-99", "service_id": "svc-ex-night-line",
                                            "taxonomy_term_id": "anyone"})
    assert errors_for(source) == []


def test_inactive_real_service_needs_no_audience(source: Path) -> None:
    make_real(source, "svc-ex-closed-leeds", "Closed Group Leeds", "https://www.samaritans.org/")
    assert errors_for(source) == []


def test_cli_validate_names_file_row_field_and_reason(source: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row = make_real(source, "svc-ex-night-line", "Night Line", "https://example.com/night")
    assert cli_main(["validate", "--source", str(source)]) == 1
    out = capsys.readouterr().out
    assert f"services.csv row {row}, field 'source_url': 'https://example.com/night' is on a placeholder" in out
    assert f"services.csv row {row}, field 'id': service 'svc-ex-night-line' has no audience" in out
    assert "2 problem(s)" in out
