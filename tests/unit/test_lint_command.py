"""`python -m bot lint "draft"` applies the response checks to one draft and says what to change."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.__main__ import main as bot_main
from bot.language import load_rules, reading_grade
from bot.lint_cli import check_draft
from tests.conftest import ROOT, response_texts

EASY = "You could talk to your midwife. She can help you."
HARD = ("The organisational arrangements surrounding multidisciplinary consultations "
        "necessitate comprehensive documentation and collaborative communication.")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = bot_main(["lint", *args])
    return code, capsys.readouterr().out


def test_an_easy_draft_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, EASY)
    assert code == 0
    assert "Banned words: none" in out and "Result: passes" in out
    assert f"Reading grade: {reading_grade(EASY):g}" in out


def test_banned_words_fail_and_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "She failed a drug test.")
    assert code == 1
    assert "'failed a drug test' (failed)" in out
    assert "Result: FAILS" in out


def test_a_hard_draft_fails_and_names_the_words_and_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, HARD + " " + EASY)
    assert code == 1
    assert reading_grade(HARD + " " + EASY) > load_rules().max_grade_per_response
    hardest = out.split("Hardest sentences:\n", 1)[1].splitlines()[0]
    assert hardest.endswith(HARD), "the hardest sentence is listed first"
    words = out.split("Words that raise the grade (3 or more syllables): ", 1)[1].splitlines()[0]
    assert {"organisational", "multidisciplinary", "comprehensive"} <= set(words.split(", "))
    assert "midwife" not in words


def test_a_long_sentence_fails() -> None:
    long_one = " ".join(["Dads can come too"] * 7) + "."
    report = check_draft(long_one)
    assert report.longest == 28 and not report.passes
    assert any("28 words" in problem for problem in report.problems)


def test_explained_official_terms_count_as_easy() -> None:
    explained = check_draft("A care order (a court order) means the council shares parental responsibility.")
    assert explained.explained_terms == ["parental responsibility", "care order"]
    assert "responsibility" not in explained.hard_words
    bare = check_draft("A care order means the council shares parental responsibility.")
    assert "responsibility" not in bare.hard_words  # " means " explains a term here too
    unexplained = check_draft("The council shares parental responsibility.")
    assert unexplained.explained_terms == [] and "responsibility" in unexplained.hard_words


def test_it_agrees_with_the_response_tests(domain: dict) -> None:
    """Every response in domain.yml passes the lint, as the response tests require."""
    failing = [(name, check_draft(text).problems) for name, text in response_texts(domain)
               if not check_draft(text).passes]
    assert not failing, failing[:5]


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert bot_main(["lint"]) == 2
    assert bot_main(["lint", "   "]) == 2
    assert "usage" in capsys.readouterr().err


def test_reads_standard_input_from_the_command_line() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "lint", "-"], input="Call 999 now.",
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Result: passes" in result.stdout
