"""Locust users who each hold one conversation (bot/loadtest/conversations.py).

Run by `python -m bot.loadtest`; by hand:
    locust -f bot/loadtest/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:5005
Each user thinks 1 to 3 seconds between messages (LOADTEST_THINK). With LOADTEST_LEDGER set,
every conversation's id and the number of messages that got a real reply are
appended to that file (JSON lines) when the user stops, so the trackers can
be read back afterwards. LOADTEST_CHECK_CRISIS=0 skips the check that the
crisis message is answered with 999 (for moodbot).
"""
from __future__ import annotations

import json
import os
import random
import uuid

from locust import HttpUser, between, events, task

from bot.loadtest.conversations import conversation, is_retry_message, reply_problem

LEDGER = os.environ.get("LOADTEST_LEDGER", "")
# moodbot knows nothing of crises: its runs check only that every message gets a reply.
CHECK_CRISIS = os.environ.get("LOADTEST_CHECK_CRISIS", "1") == "1"
# Seconds a person thinks between messages: "1,3" by default; the single-user
# latency runs use a short pause so that they collect enough messages.
THINK = tuple(float(s) for s in os.environ.get("LOADTEST_THINK", "1,3").split(","))
_ledger: list[dict] = []


class Person(HttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.rng = random.Random()
        self.new_conversation()

    def new_conversation(self) -> None:
        self.sender = f"load-{uuid.uuid4().hex}"
        self.entry = {"sender": self.sender, "answered": 0, "retry": 0, "failed": 0}
        _ledger.append(self.entry)
        self.turns = conversation(self.rng)

    @task
    def say_next(self) -> None:
        if not self.turns:
            self.new_conversation()
        turn = self.turns.pop(0)
        with self.client.post("/webhooks/rest/webhook", json={"sender": self.sender, "message": turn.text},
                              name="crisis message" if turn.crisis else "message",
                              catch_response=True, timeout=60) as response:
            try:
                replies = response.json()
            except ValueError:
                replies = None
            problem = reply_problem(response.status_code, replies, turn.crisis and CHECK_CRISIS)
            if problem:
                self.entry["failed"] += 1
                response.failure(problem)
            elif is_retry_message(replies):
                self.entry["retry"] += 1
                response.success()
            else:
                self.entry["answered"] += 1
                response.success()


@events.quitting.add_listener
def write_ledger(environment, **_kwargs) -> None:  # type: ignore[no-untyped-def]
    if LEDGER:
        with open(LEDGER, "a", encoding="utf-8") as out:
            for entry in _ledger:
                out.write(json.dumps(entry) + "\n")
