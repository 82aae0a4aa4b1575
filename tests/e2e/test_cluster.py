"""The cluster as `make cluster` starts it: two Rasa servers and two action servers
behind nginx, PostgreSQL for the conversations, Redis for the locks."""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from bot.cluster.settings import load_cluster_settings
from bot.cluster.stack import Cluster
from bot.settings import load_settings
from tests.conftest import _free_port, wait_for

pytestmark = pytest.mark.slow
SLOW_MESSAGE = "is there a dads group in Leeds"   # a directory search: the slower turn
FAST_MESSAGE = "what does PLO mean"


@pytest.fixture(scope="module")
def cluster(trained_model: Path, directory_db: Path) -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="assistant-tests-cluster-"))
    folder.chmod(0o755)  # PostgreSQL's own user must reach its folder inside
    ports = {name: str(_free_port()) for name in (
        "CLUSTER_PORT", "CLUSTER_ACTION_PORT", "CLUSTER_WIDGET_PORT", "CLUSTER_POSTGRES_PORT",
        "CLUSTER_REDIS_PORT")}
    ports["CLUSTER_RASA_PORTS"] = f"{_free_port()},{_free_port()}"
    ports["CLUSTER_ACTION_PORTS"] = f"{_free_port()},{_free_port()}"
    running = Cluster(load_settings(), load_cluster_settings({**ports, "CLUSTER_FOLDER": str(folder)}),
                      trained_model)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        shutil.rmtree(folder, ignore_errors=True)


def send(url: str, sender: str, text: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def stored_user_texts(cluster: Cluster, sender: str, order: str = "id") -> list[str]:
    rows = cluster.postgres.psql(
        f"SELECT data FROM events WHERE sender_id = '{sender}' AND type_name = 'user' ORDER BY {order}")
    return [json.loads(line)["text"] for line in rows.splitlines() if line]


def stored_turns(cluster: Cluster, sender: str) -> list[list[tuple[str, str]]]:
    """The stored events after each user message, up to the next one: (type, action name)."""
    rows = cluster.postgres.psql(
        f"SELECT type_name, coalesce(action_name, '') FROM events WHERE sender_id = '{sender}' ORDER BY id")
    turns: list[list[tuple[str, str]]] = []
    for type_name, action in (line.split("|") for line in rows.splitlines()):
        if type_name == "user":
            turns.append([])
        elif turns:
            turns[-1].append((type_name, action))
    return turns


def replica(cluster: Cluster, index: int) -> str:
    return f"http://127.0.0.1:{cluster.cluster.rasa_ports[index]}"


def test_a_conversation_through_the_balancer_is_stored_in_postgresql(cluster: Cluster) -> None:
    sender = f"cluster-{uuid.uuid4().hex[:10]}"
    assert "computer program" in send(cluster.url, sender, "hello")[0]["text"]
    crisis = " ".join(r.get("text", "") for r in send(cluster.url, sender, "i want to end my life"))
    assert "999" in crisis and "116 123" in crisis
    assert stored_user_texts(cluster, sender) == ["hello", "i want to end my life"]


def test_no_message_or_action_call_is_written_to_disk_by_nginx(cluster: Cluster) -> None:
    send(cluster.url, f"disk-{uuid.uuid4().hex[:10]}", SLOW_MESSAGE)   # an action call with the tracker
    log = (cluster.balancer.folder / "error.log").read_text()
    assert "buffered to a temporary file" not in log


def test_the_widget_is_served_through_the_balancer_and_talks_to_it(cluster: Cluster) -> None:
    with urllib.request.urlopen(f"{cluster.url}/", timeout=10) as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode()
    assert "<html" in page and f"connect-src {cluster.url}" in policy


def test_two_messages_at_two_servers_at_once_are_handled_one_after_the_other(cluster: Cluster) -> None:
    sender = f"lock-{uuid.uuid4().hex[:10]}"
    send(replica(cluster, 0), sender, "hello")
    for _ in range(3):
        first = threading.Thread(target=send, args=(replica(cluster, 0), sender, SLOW_MESSAGE))
        first.start()
        time.sleep(0.05)   # the slower message arrives first, at the first server
        send(replica(cluster, 1), sender, FAST_MESSAGE)
        first.join()
    assert stored_user_texts(cluster, sender) == ["hello"] + [SLOW_MESSAGE, FAST_MESSAGE] * 3
    # Each turn is whole: the bot answered and listened before the next message was read.
    for turn in stored_turns(cluster, sender):
        assert any(kind == "bot" for kind, _ in turn)
        assert turn[-1] == ("action", "action_listen")


def test_with_postgresql_stopped_a_crisis_gets_the_full_escalation_and_is_stored_later(
        cluster: Cluster) -> None:
    sender = f"outage-{uuid.uuid4().hex[:10]}"
    send(cluster.url, sender, "hello")
    cluster.postgres.stop(mode="immediate")
    try:
        crisis = " ".join(r.get("text", "") for r in send(cluster.url, sender, "i want to end my life"))
    finally:
        cluster.postgres.start()
    assert "999" in crisis and "116 123" in crisis and "did not reach me" not in crisis
    assert "cannot look that up" not in crisis          # not the short no-reply message
    send(cluster.url, sender, "thank you")
    # The server that answered writes what it kept within a few seconds; if the other
    # server stored "thank you" first, the crisis turn comes after it by id, so compare
    # in the order the messages were sent.
    expected = ["hello", "i want to end my life", "thank you"]
    assert wait_for(lambda: stored_user_texts(cluster, sender, order="timestamp") == expected, 15), \
        stored_user_texts(cluster, sender, order="timestamp")


def test_a_killed_server_is_skipped_and_the_conversation_goes_on(cluster: Cluster) -> None:
    sender = f"fault-{uuid.uuid4().hex[:10]}"
    send(cluster.url, sender, "hello")
    cluster.stop_rasa(cluster.cluster.rasa_ports[0])          # SIGKILL, as a crash
    cluster.stop_action_server(cluster.cluster.action_ports[0])
    for text in ("what does PLO mean", SLOW_MESSAGE, "i want to end my life"):
        replies = send(cluster.url, sender, text)
        assert replies and not any("did not reach me" in r.get("text", "") for r in replies)
    assert stored_user_texts(cluster, sender) == [
        "hello", "what does PLO mean", SLOW_MESSAGE, "i want to end my life"]
