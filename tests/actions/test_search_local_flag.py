"""action_search_services marks whether a found place had local services (for the usage counts)."""

from __future__ import annotations

from actions.directory_actions import ActionSearchServices, ActionShowMoreServices
from tests.actions.test_directory_actions import fixture_db, run_action, use_fixture_db  # noqa: F401


def test_a_place_with_local_services_is_marked_local() -> None:
    slots, _ = run_action(ActionSearchServices(), slots={"help_category": "peer_support",
                                                         "location": "LS6", "nation": "england"})
    assert slots["last_search_local"] is True


def test_a_place_with_no_local_service_is_marked_not_local() -> None:
    slots, _ = run_action(ActionSearchServices(), slots={"help_category": "peer_support",
                                                         "location": "Inverness"})
    assert slots["last_search_local"] is False


def test_no_place_and_more_pages_set_no_mark() -> None:
    slots, _ = run_action(ActionSearchServices(), slots={"help_category": "crisis_line", "location": "anywhere"})
    assert "last_search_local" not in slots
    more, _ = run_action(ActionShowMoreServices(), intent="show_more_services",
                         slots={"help_category": "peer_support", "location": "LS6",
                                "service_search_offset": 3.0})
    assert "last_search_local" not in more
