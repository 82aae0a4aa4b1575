"""Rasa's own checks: the data validates, the model trains, test stories pass.

Training is part of the suite because only `rasa train` finds contradictions
between rules and stories.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_rasa

pytestmark = pytest.mark.slow


def test_data_validates_without_errors_or_warnings(rasa_env: dict[str, str]) -> None:
    result = run_rasa(["data", "validate", "--fail-on-warnings"], rasa_env)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]


def test_model_trains(trained_model: Path) -> None:
    assert trained_model.is_file() and trained_model.stat().st_size > 0


def test_stories_pass(trained_model: Path, rasa_env: dict[str, str], tmp_path: Path) -> None:
    result = run_rasa(["test", "core", "--model", str(trained_model), "--stories", "tests/stories",
                    "--fail-on-prediction-errors", "--no-plot", "--out", str(tmp_path)], rasa_env)
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.is_file() else ""
    assert result.returncode == 0, details[-8000:] + result.stdout[-3000:] + result.stderr[-3000:]
