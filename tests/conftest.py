"""Fixtures shared by every test: the project's files, a trained model, servers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from bot import launcher
from bot.settings import PROJECT_ROOT, load_settings

ROOT = PROJECT_ROOT


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return load_yaml(ROOT / "domain.yml")


def response_texts(domain: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(response name, text) for every text variation in the domain."""
    for name, variations in (domain.get("responses") or {}).items():
        for variation in variations:
            if variation.get("text"):
                yield name, variation["text"]


def button_titles(domain: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name, variations in (domain.get("responses") or {}).items():
        for variation in variations:
            for button in variation.get("buttons") or []:
                yield name, button["title"]


@pytest.fixture(scope="session")
def rasa_env() -> dict[str, str]:
    return launcher.rasa_env(load_settings())


@pytest.fixture(scope="session")
def trained_model(rasa_env: dict[str, str]) -> Path:
    """The model for the current data; trains only when its inputs changed."""
    return launcher.ensure_model(rasa_env)


@pytest.fixture(scope="session")
def directory_db() -> Path:
    """The real directory, built from data/directory by the real build command."""
    settings = load_settings()
    launcher.ensure_directory(settings)
    return settings.directory_db


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Fast tests first, then dialogue (training), then servers and the browser.
    order = {"dialogue": 1, "e2e": 2}
    items.sort(key=lambda item: next(
        (rank for part, rank in order.items() if f"{os.sep}{part}{os.sep}" in str(item.fspath)), 0))
