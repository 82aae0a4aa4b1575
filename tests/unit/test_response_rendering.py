"""Every response renders through Rasa's own response generator without an error.

Button payloads that carry entities ('/find_service{"help_category":...}') are
written with doubled braces in domain.yml, because Rasa fills slot
placeholders ({slot}) in buttons too and would take the JSON for one, log an
ERROR and leave it. Rendered, they come out as plain JSON.
"""
from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
import structlog
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from tests.conftest import ROOT

PAYLOAD = re.compile(r"^/[A-Za-z0-9_]+(\{.*\})?$")
NATIONS = (None, "england", "wales", "scotland", "northern_ireland")


@pytest.fixture(scope="module")
def rendered() -> list[tuple[str, Any, dict[str, Any], list[dict[str, Any]]]]:
    domain = Domain.load(str(ROOT / "domain.yml"))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    out = []
    for nation in NATIONS:
        tracker = DialogueStateTracker.from_events("render", [], slots=domain.slots)
        tracker.slots["nation"].value = nation
        for name in domain.responses:
            with structlog.testing.capture_logs() as logs:
                response = asyncio.run(nlg.generate(name, tracker, "rest"))
            out.append((name, nation, response or {}, logs))
    return out


def test_no_response_logs_an_error_when_rendered(rendered) -> None:
    errors = [(name, nation, log) for name, nation, _, logs in rendered for log in logs
              if log.get("log_level") in ("error", "exception", "critical")]
    assert not errors, errors[:5]


def test_every_rendered_payload_is_a_valid_intent_with_json_entities(rendered) -> None:
    for name, nation, response, _ in rendered:
        for button in response.get("buttons") or []:
            match = PAYLOAD.match(button["payload"])
            assert match, (name, nation, button["payload"])
            if match.group(1):
                assert isinstance(json.loads(match.group(1)), dict), (name, button["payload"])
