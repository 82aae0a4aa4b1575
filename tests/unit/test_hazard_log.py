"""The hazard log (docs/safety/hazard-log.md) is complete and its evidence exists.

Every hazard has every field, ratings that follow the DCB0129 matrix, and at
least one evidence reference. Every reference in the log and the safety case
names a real pytest test (`tests/...py::name`, optionally `[param id]`), a
real browser test (`tests/browser/x.test.js::title`) or a real module
(`python -m bot.x`). Tests are found with ast and regular expressions, never
imported or collected, so this takes well under a second.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAFETY_DOCS = ROOT / "docs" / "safety"
LOG = SAFETY_DOCS / "hazard-log.md"
DOCS = (LOG, SAFETY_DOCS / "safety-case.md")
MIN_HAZARDS = 20

REQUIRED = ("Cause", "Effect", "Before controls", "Controls", "After controls",
            "Evidence", "Residual risk")
SEVERITIES = ("minor", "significant", "considerable", "major", "catastrophic")
LIKELIHOODS = ("very low", "low", "medium", "high", "very high")
# DCB0129 risk matrix: MATRIX[likelihood] lists the rating for each severity, minor first.
MATRIX = {
    "very high": (3, 4, 4, 5, 5),
    "high": (2, 3, 3, 4, 5),
    "medium": (2, 2, 3, 3, 4),
    "low": (1, 2, 2, 3, 4),
    "very low": (1, 1, 2, 2, 3),
}

HEADING = re.compile(r"^### (H\d{2}) (.+)$", re.MULTILINE)
NEXT_SECTION = re.compile(r"^#{2,3} ", re.MULTILINE)
FIELD = re.compile(r"^- \*\*([A-Za-z ]+):\*\*", re.MULTILINE)
RATING = re.compile(r"^severity ([a-z]+); likelihood ([a-z ]+); risk ([1-5])$")
SUMMARY_ROW = re.compile(r"^\| (H\d{2}) \| (.+?) \| ([1-5]) \| ([1-5]) \|$", re.MULTILINE)
PYTEST_REF = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)(?:\[([^\]`]+)\])?`")
BROWSER_REF = re.compile(r"`(tests/browser/[\w.-]+\.js)::([^`]+)`")
MODULE_REF = re.compile(r"`python -m ([\w.]+)")


@dataclass(frozen=True)
class Hazard:
    hazard_id: str
    title: str
    fields: dict[str, str]


def parse_hazards(text: str) -> list[Hazard]:
    """Each `### Hnn title` section, with its `- **Field:** ...` entries."""
    hazards = []
    for heading in HEADING.finditer(text):
        body_start = heading.end()
        following = NEXT_SECTION.search(text, body_start)
        body = text[body_start:following.start() if following else len(text)]
        labels = list(FIELD.finditer(body))
        fields = {}
        for i, label in enumerate(labels):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(body)
            fields[label.group(1)] = body[label.end():end].strip()
        hazards.append(Hazard(heading.group(1), heading.group(2).strip(), fields))
    return hazards


def rating_problem(value: str) -> Optional[str]:
    """Why a "severity X; likelihood Y; risk N" value is wrong, or None."""
    match = RATING.match(value.strip())
    if not match:
        return f"not 'severity ...; likelihood ...; risk N': {value!r}"
    severity, likelihood, risk = match.group(1), match.group(2), int(match.group(3))
    if severity not in SEVERITIES:
        return f"unknown severity {severity!r}"
    if likelihood not in LIKELIHOODS:
        return f"unknown likelihood {likelihood!r}"
    expected = MATRIX[likelihood][SEVERITIES.index(severity)]
    return None if risk == expected else f"{severity}/{likelihood} is risk {expected}, not {risk}"


def risk_of(value: str) -> int:
    return int(value.strip().rsplit(" ", 1)[-1])


@lru_cache(maxsize=None)
def _tests_in(path: Path) -> dict[str, ast.AST]:
    """Test functions of a file by pytest name ("name" or "Class::name")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[f"{node.name}::{item.name}"] = item
    return found


def _is_parametrized(function: ast.AST) -> bool:
    return any("parametrize" in ast.unparse(d) for d in getattr(function, "decorator_list", []))


def pytest_ref_problem(file: str, name: str, param: Optional[str] = None) -> Optional[str]:
    """Why `file::name[param]` names no test, or None when it does."""
    path = ROOT / file
    if not path.is_file():
        return f"{file} does not exist"
    function = _tests_in(path).get(name)
    if function is None:
        return f"{file} defines no test {name!r}"
    if param is not None:
        if not _is_parametrized(function):
            return f"{file}::{name} is not parametrised, so [{param}] names nothing"
        if param not in path.read_text(encoding="utf-8"):
            return f"{file}::{name}: no parameter {param!r} in the file"
    return None


def browser_ref_problem(file: str, title: str) -> Optional[str]:
    path = ROOT / file
    if not path.is_file():
        return f"{file} does not exist"
    call = re.compile(r"\bit\(\s*(['\"`])" + re.escape(title) + r"\1")
    return None if call.search(path.read_text(encoding="utf-8")) else f"{file} has no test {title!r}"


def module_ref_problem(module: str) -> Optional[str]:
    base = ROOT.joinpath(*module.split("."))
    if base.with_suffix(".py").is_file() or (base / "__main__.py").is_file():
        return None
    return f"no module {module} to run with python -m"


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


HAZARDS = parse_hazards(_text(LOG))
IDS = [h.hazard_id for h in HAZARDS]
PYTEST_REFS = sorted({m.groups() for doc in DOCS for m in PYTEST_REF.finditer(_text(doc))},
                     key=lambda ref: tuple(part or "" for part in ref))
BROWSER_REFS = sorted({m.groups() for doc in DOCS for m in BROWSER_REF.finditer(_text(doc))})
MODULE_REFS = sorted({m.group(1) for doc in DOCS for m in MODULE_REF.finditer(_text(doc))})


def test_the_log_has_enough_hazards_with_unique_ids() -> None:
    assert len(HAZARDS) >= MIN_HAZARDS, len(HAZARDS)
    assert len(set(IDS)) == len(IDS), IDS
    assert IDS == sorted(IDS)


@pytest.mark.parametrize("hazard", HAZARDS, ids=IDS)
def test_every_hazard_has_every_field(hazard: Hazard) -> None:
    assert hazard.title
    missing = [f for f in REQUIRED if not hazard.fields.get(f)]
    assert not missing, f"{hazard.hazard_id} lacks {missing}"


@pytest.mark.parametrize("hazard", HAZARDS, ids=IDS)
def test_ratings_follow_the_matrix_and_controls_never_raise_the_risk(hazard: Hazard) -> None:
    before, after = hazard.fields["Before controls"], hazard.fields["After controls"]
    for value in (before, after):
        problem = rating_problem(value)
        assert problem is None, f"{hazard.hazard_id}: {problem}"
    assert risk_of(after) <= risk_of(before), hazard.hazard_id


@pytest.mark.parametrize("hazard", HAZARDS, ids=IDS)
def test_every_hazard_names_its_evidence(hazard: Hazard) -> None:
    evidence = hazard.fields["Evidence"]
    refs = (PYTEST_REF.findall(evidence) + BROWSER_REF.findall(evidence)
            + MODULE_REF.findall(evidence))
    assert refs, f"{hazard.hazard_id} names no test, browser test or command as evidence"


def test_the_summary_agrees_with_the_hazards() -> None:
    rows = {m.group(1): (m.group(2), int(m.group(3)), int(m.group(4)))
            for m in SUMMARY_ROW.finditer(_text(LOG))}
    assert sorted(rows) == IDS
    for hazard in HAZARDS:
        title, before, after = rows[hazard.hazard_id]
        assert title == hazard.title, hazard.hazard_id
        assert (before, after) == (risk_of(hazard.fields["Before controls"]),
                                   risk_of(hazard.fields["After controls"])), hazard.hazard_id


@pytest.mark.parametrize("file, name, param", PYTEST_REFS,
                         ids=[f"{f}::{n}" + (f"[{p}]" if p else "") for f, n, p in PYTEST_REFS])
def test_every_named_test_exists(file: str, name: str, param: Optional[str]) -> None:
    problem = pytest_ref_problem(file, name, param)
    assert problem is None, problem


@pytest.mark.parametrize("file, title", BROWSER_REFS, ids=[t[:50] for _, t in BROWSER_REFS])
def test_every_named_browser_test_exists(file: str, title: str) -> None:
    problem = browser_ref_problem(file, title)
    assert problem is None, problem


@pytest.mark.parametrize("module", MODULE_REFS)
def test_every_named_command_exists(module: str) -> None:
    problem = module_ref_problem(module)
    assert problem is None, problem


def test_the_checks_catch_what_they_should() -> None:
    assert PYTEST_REFS and BROWSER_REFS and MODULE_REFS
    assert pytest_ref_problem("tests/unit/test_privacy.py", "test_redact_text", "I need 999") is None
    assert "defines no test" in pytest_ref_problem("tests/unit/test_privacy.py", "test_no_such_test")
    assert "does not exist" in pytest_ref_problem("tests/unit/test_no_such_file.py", "test_x")
    assert "not parametrised" in pytest_ref_problem(
        "tests/unit/test_privacy.py", "test_prune_deletes_old_events_only", "x")
    assert "no test" in browser_ref_problem("tests/browser/widget.test.js", "does something nobody wrote")
    assert module_ref_problem("bot.no_such_module") is not None
    assert rating_problem("severity major; likelihood medium; risk 3") is None
    assert "not 2" in rating_problem("severity major; likelihood medium; risk 2")
    assert "unknown severity" in rating_problem("severity awful; likelihood medium; risk 3")
    hazards = parse_hazards("### H01 A\n\n- **Cause:** one\n  two\n- **Effect:** three\n## Next\n")
    assert hazards == [Hazard("H01", "A", {"Cause": "one\n  two", "Effect": "three"})]
