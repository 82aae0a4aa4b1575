"""Every response is free of stigmatising words and easy to read."""

from statistics import mean
from typing import Any

import pytest

from bot.language import (
    load_rules, longest_sentence, reading_grade, scoring_text, stigmatising_terms,
)
from tests.conftest import button_titles, response_texts


def test_lint_catches_what_it_should() -> None:
    found = stigmatising_terms("She failed a drug test. He is an addict and a drug user.")
    assert {"failed", "addict", "user as a noun for a person"} <= set(found)
    assert stigmatising_terms("A negative test. A person who uses drugs.") == []


def test_no_stigmatising_terms_in_responses(domain: dict[str, Any]) -> None:
    problems = [(name, terms, text) for name, text in response_texts(domain)
                if (terms := stigmatising_terms(text))]
    problems += [(name, terms, title) for name, title in button_titles(domain)
                 if (terms := stigmatising_terms(title))]
    assert not problems, "\n".join(f"{n}: {t} in {x!r}" for n, t, x in problems)


def test_each_response_is_under_the_grade_limit(domain: dict[str, Any]) -> None:
    limit = load_rules().max_grade_per_response
    too_hard = [(name, grade, text) for name, text in response_texts(domain)
                if (grade := reading_grade(text)) > limit]
    assert not too_hard, "\n".join(f"{n} (grade {g}): {t!r}" for n, g, t in too_hard)


def test_mean_reading_grade(domain: dict[str, Any]) -> None:
    grades = [reading_grade(text) for _, text in response_texts(domain)]
    assert mean(grades) <= load_rules().max_mean_grade, f"mean grade {mean(grades):.2f}"


def test_sentences_are_short(domain: dict[str, Any]) -> None:
    limit = load_rules().max_words_per_sentence
    long_ones = [(name, text) for name, text in response_texts(domain)
                 if longest_sentence(text) > limit]
    assert not long_ones, "\n".join(f"{n}: {t!r}" for n, t in long_ones)


@pytest.mark.parametrize("text,explained", [
    ("A care order (a court order) lets the council share parental responsibility.", True),
    ("A care order lets the council share parental responsibility.", False),
])
def test_official_terms_count_as_easy_only_when_explained(text: str, explained: bool) -> None:
    scored = scoring_text(text)
    assert ("care order" not in scored and "parental responsibility" not in scored) is explained
