"""Understanding, over HTTP: the nation from a place, unsure messages, a person, no silence."""
from __future__ import annotations

import json
import urllib.request
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from bot.launcher import VENV_BIN, wait_for_http
from tests.e2e.conftest import (SERVER_START_SECONDS, Assistant, _log_tail, _start, _stop,
                                free_port, joined)

pytestmark = pytest.mark.slow

DAY = "2026-11-24T14:00+00:00"    # a Tuesday afternoon
NIGHT = "2026-11-24T03:00+00:00"  # the same Tuesday, 3am


def _sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def _buttons(replies: list[dict]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons", [])]


@pytest.mark.parametrize("message, nation_words", [
    ("im in belfast and theres a child protection case conference next week what happens at it",
     "Northern Ireland"),
    ("we live near BT9, what happens at a case conference", "Northern Ireland"),
    ("im in glasgow, whats a childrens hearing", "Scotland"),
])
def test_a_place_named_mid_topic_gives_that_nations_answer(
        assistant: Assistant, message: str, nation_words: str) -> None:
    sender = _sender()
    assistant.send(sender, "/topic_child_protection")
    assert nation_words in joined(assistant.send(sender, message))


def test_the_nation_stays_for_the_rest_of_the_conversation(assistant: Assistant) -> None:
    sender = _sender()
    assistant.send(sender, "hiya im from derry")
    assert "Northern Ireland" in joined(assistant.send(sender, "what is a case conference"))


def test_an_unsure_message_gets_guesses_and_a_safety_line_never_a_dead_end(
        assistant: Assistant) -> None:
    replies = assistant.send(_sender(), "the paper they gave me")
    text = joined(replies)
    assert "999" in text and ("116 123" in text or "0808 808 8000" in text)
    assert len(_buttons(replies)) >= 2
    assert "did not understand that" not in text


def test_an_unsure_message_with_means_and_a_plan_gets_the_safety_question(
        assistant: Assistant) -> None:
    replies = assistant.send(_sender(), "been looking at the bridge a lot")
    text = joined(replies)
    # The safety question, or (if the detector is sure) the escalation itself: never a topic.
    assert "999" in text and ("ending your life" in text or "Your life matters" in text)


def test_asking_for_a_person_is_answered_honestly(assistant: Assistant) -> None:
    text = joined(assistant.send(_sender(), "can i talk to a real person"))
    assert "computer program" in text and "116 123" in text and "999" in text


@pytest.fixture(scope="module")
def clocked_action_servers(rasa_env: dict[str, str], directory_db: Path,
                           tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Two action servers, one at 2pm and one at 3am on the same Tuesday."""
    servers, processes = {}, []
    for name, moment in (("day", DAY), ("night", NIGHT)):
        port = free_port()
        log = tmp_path_factory.mktemp(f"actions-{name}") / "actions.log"
        env = {**rasa_env, "DIRECTORY_DB": str(directory_db), "ASSISTANT_FIXED_NOW": moment,
               "SANIC_HOST": "127.0.0.1"}
        process = _start([str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                          "--port", str(port)], env, log)
        processes.append(process)
        try:
            wait_for_http(f"http://127.0.0.1:{port}/health", SERVER_START_SECONDS, process)
        except Exception as error:
            for p in processes:
                _stop(p)
            pytest.fail(f"action server did not start: {error}\n{_log_tail(log)}")
        servers[name] = f"http://127.0.0.1:{port}/webhook"
    yield servers
    for process in processes:
        _stop(process)


def _talk_to_person(url: str, nation: str) -> str:
    tracker = {"sender_id": "test", "slots": {"nation": nation}, "latest_message": {},
               "events": [], "paused": False, "followup_action": None, "active_loop": {},
               "latest_action_name": "action_listen"}
    body = json.dumps({"next_action": "action_talk_to_person", "sender_id": "test",
                       "tracker": tracker, "domain": {}, "version": "3.6.2"}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return "\n".join(r.get("text") or "" for r in json.loads(response.read())["responses"])


def test_lines_open_now_differ_by_day_and_night(clocked_action_servers: dict[str, str]) -> None:
    day = _talk_to_person(clocked_action_servers["day"], "england")
    night = _talk_to_person(clocked_action_servers["night"], "england")
    for text in (day, night):
        assert "computer program" in text and "116 123" in text and "999" in text
    assert "Family Rights Group" in day.split("open later")[0]
    assert "It is night" in night


def test_northern_ireland_at_night_names_lifeline(clocked_action_servers: dict[str, str]) -> None:
    assert "0808 808 8000" in _talk_to_person(clocked_action_servers["night"], "northern_ireland")


@pytest.mark.parametrize("message", ["find services near me", "what does PLO mean",
                                     "the paper they gave me",
                                     "can i talk to a real person"])
def test_without_the_action_server_every_message_still_gets_a_kind_reply(
        assistant_without_actions: Assistant, message: str) -> None:
    text = joined(assistant_without_actions.send(_sender(), message))
    assert text.strip() and "999" in text
    assert "Traceback" not in text
