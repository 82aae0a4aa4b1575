"""No training example appears under two intents: the model cannot learn both answers."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from tests.conftest import ROOT, load_yaml

NLU_DIR = ROOT / "data" / "nlu"
# [LS6](location), [Leeds]{"entity": "location"}, [dad](audience:fathers) -> the text alone
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")

Place = tuple[str, str]  # (intent, file relative to the project)


def normalise(example: str) -> str:
    """What the classifier sees, give or take: annotations stripped, case and spaces folded."""
    return " ".join(ANNOTATION.sub(r"\1", example).split()).casefold()


def examples_in(path: Path) -> list[tuple[str, str]]:
    """(intent, example) for every intent example in one NLU file."""
    found = []
    for item in (load_yaml(path) or {}).get("nlu") or []:
        if "intent" not in item:
            continue  # synonyms, lookup tables and regexes may repeat words on purpose
        for line in str(item.get("examples", "")).splitlines():
            if line.strip().startswith("- "):
                found.append((item["intent"], line.strip()[2:]))
    return found


def places_by_text(paths: list[Path]) -> dict[str, set[Place]]:
    places: dict[str, set[Place]] = defaultdict(set)
    for path in paths:
        name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        for intent, example in examples_in(path):
            places[normalise(example)].add((intent, name))
    return places


def clashes(paths: list[Path]) -> list[str]:
    found = []
    for text, places in sorted(places_by_text(paths).items()):
        if len({intent for intent, _ in places}) > 1:
            where = ", ".join(f"{intent} ({file})" for intent, file in sorted(places))
            found.append(f"{text!r} is an example of {where}")
    return found


def test_no_example_is_under_two_intents() -> None:
    problems = clashes(sorted(NLU_DIR.glob("**/*.yml")))
    assert not problems, ("the same example text appears under more than one intent; keep it under "
                          "the one it belongs to:\n  " + "\n  ".join(problems))


def test_the_check_finds_a_clash_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text('nlu:\n- intent: ask_a\n  examples: |\n    - Is [LS6](location)  near?\n'
                                    '    - only here\n', encoding="utf-8")
    (tmp_path / "b.yml").write_text('nlu:\n- intent: ask_b\n  examples: |\n'
                                    '    - is [ls6]{"entity": "location"} near?\n'
                                    '- synonym: x\n  examples: |\n    - only here\n', encoding="utf-8")
    (problem,) = clashes([tmp_path / "a.yml", tmp_path / "b.yml"])
    assert problem.startswith("'is ls6 near?' is an example of ask_a (")
    assert "a.yml" in problem and "ask_b (" in problem and "b.yml" in problem


def test_the_same_intent_in_two_files_is_not_a_clash(tmp_path: Path) -> None:
    for name in ("a.yml", "b.yml"):
        (tmp_path / name).write_text("nlu:\n- intent: ask_a\n  examples: |\n    - hello there\n",
                                     encoding="utf-8")
    assert clashes([tmp_path / "a.yml", tmp_path / "b.yml"]) == []
