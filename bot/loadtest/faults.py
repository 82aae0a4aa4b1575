"""A load run on the cluster while parts of it fail, then the trackers read back.

During the run: one Rasa server is killed (SIGKILL, as a crash), then one
action server, then PostgreSQL is restarted. While PostgreSQL is down a crisis
message is sent and must get the full escalation. After the run every
conversation's stored events are read back from PostgreSQL: each message that
got a real reply must be stored, and no conversation may have fewer events
than it had before the database restart.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bot.cluster.stack import Cluster
from bot.loadtest.conversations import CRISIS, reply_problem
from bot.loadtest.locust_run import LoadResult, run_locust

OUTAGE_SECONDS = 8


@dataclass
class FaultReport:
    load: LoadResult | None = None
    timeline: list[str] = field(default_factory=list)
    conversations: int = 0
    answered: int = 0
    retry_messages: int = 0
    silent_or_failed: int = 0
    answered_but_not_stored: int = 0
    lost_events: int = 0
    crisis_during_outage: str = ""

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "load"}
        data["load"] = self.load.as_dict() if self.load else None
        return data


def send(url: str, sender: str, text: str) -> tuple[int, list]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read())


def stored_counts(cluster: Cluster, type_name: str | None = None) -> dict[str, int]:
    where = f"WHERE type_name = '{type_name}'" if type_name else ""
    rows = cluster.postgres.psql(f"SELECT sender_id, count(*) FROM events {where} GROUP BY sender_id")
    return {sender: int(n) for sender, n in (line.split("|") for line in rows.splitlines() if line)}


def run_with_faults(cluster: Cluster, folder: Path, users: int, seconds: int) -> FaultReport:
    report, ledger = FaultReport(), folder / "fault-ledger.jsonl"
    ledger.unlink(missing_ok=True)
    started = time.monotonic()

    def note(text: str) -> None:
        report.timeline.append(f"{time.monotonic() - started:5.0f} s  {text}")

    load = threading.Thread(target=lambda: setattr(
        report, "load", run_locust("cluster-faults", cluster.url, users, seconds, folder, ledger)))
    load.start()
    _at(started, seconds * 0.2, lambda: (cluster.stop_rasa(cluster.cluster.rasa_ports[0]),
                                         note("killed Rasa server %d" % cluster.cluster.rasa_ports[0])))
    _at(started, seconds * 0.4, lambda: (cluster.stop_action_server(cluster.cluster.action_ports[0]),
                                         note("killed action server %d" % cluster.cluster.action_ports[0])))
    before: dict[str, int] = {}
    _at(started, seconds * 0.6, lambda: _restart_postgres(cluster, report, note, before))
    load.join()
    _read_back(cluster, report, ledger, before)
    return report


def _at(started: float, offset: float, action: Callable[[], object]) -> None:
    time.sleep(max(0.0, started + offset - time.monotonic()))
    action()


def _restart_postgres(cluster: Cluster, report: FaultReport, note: Callable[[str], None],
                      before: dict[str, int]) -> None:
    """Stop PostgreSQL (after counting every conversation's events), send a crisis, start it."""
    before.update(stored_counts(cluster))
    cluster.postgres.stop(mode="immediate")
    note("PostgreSQL stopped")
    status, replies = send(cluster.url, f"fault-crisis-{int(time.time())}", CRISIS)
    problem = reply_problem(status, replies, crisis=True)
    report.crisis_during_outage = problem or "full escalation: " + replies[0].get("text", "")[:80]
    note(f"crisis message with PostgreSQL down: {problem or 'answered with 999'}")
    time.sleep(OUTAGE_SECONDS)
    cluster.postgres.start()
    note("PostgreSQL started again")


def _read_back(cluster: Cluster, report: FaultReport, ledger: Path, before: dict[str, int]) -> None:
    entries = [json.loads(line) for line in ledger.read_text().splitlines() if line]
    users, events = stored_counts(cluster, "user"), stored_counts(cluster)
    report.conversations = len(entries)
    for entry in entries:
        report.answered += entry["answered"]
        report.retry_messages += entry["retry"]
        report.silent_or_failed += entry["failed"]
        report.answered_but_not_stored += max(0, entry["answered"] - users.get(entry["sender"], 0))
    report.lost_events = sum(max(0, n - events.get(sender, 0)) for sender, n in before.items())
