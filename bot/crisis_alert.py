"""Optional staff alert when a crisis is detected (off unless CRISIS_ALERT_URL is set).

The alert holds only the conversation id, the crisis kind and the time: never
the message text. It is sent from a background thread, so a slow or broken
alert endpoint can never delay or stop the crisis reply.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from urllib.parse import urlsplit
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

logger = logging.getLogger(__name__)

CRISIS_PREFIX = "crisis_"
NOT_ALERTED = {"crisis_checkin"}  # a past or negated mention: a gentle check-in only
TIMEOUT_SECONDS = 5


def crisis_alerts(sender_id: str, events: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """One alert for each user message among `events` that was taken as a crisis."""
    alerts = []
    for event in events:
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
        if event.get("event") != "user" or not intent.startswith(CRISIS_PREFIX):
            continue
        if intent in NOT_ALERTED:
            continue
        alerts.append({
            "conversation_id": sender_id,
            "crisis_kind": intent[len(CRISIS_PREFIX):],
            "time": _iso_time(event.get("timestamp")),
        })
    return alerts


def _iso_time(timestamp: Any) -> str:
    if not timestamp:
        return datetime.now(timezone.utc).isoformat(timespec="seconds")
    return datetime.fromtimestamp(float(timestamp), timezone.utc).isoformat(timespec="seconds")


def post(url: str, alert: Mapping[str, str]) -> bool:
    """POST one alert as JSON; True when the endpoint answered 2xx. Never raises."""
    request = urllib.request.Request(
        url, data=json.dumps(alert).encode(), method="POST",
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return 200 <= response.status < 300
    except Exception as error:  # any failure: log for staff, never disturb the chat
        # The host only: a URL's path or query may hold a secret token.
        logger.warning("Crisis alert to %s failed: %s", urlsplit(url).netloc, type(error).__name__)
        return False


def send_in_background(url: str, alerts: Iterable[Mapping[str, str]]) -> list[threading.Thread]:
    """Start one daemon thread per alert; returns them (tests join them)."""
    threads = [threading.Thread(target=post, args=(url, alert), daemon=True, name="crisis-alert")
               for alert in alerts]
    for thread in threads:
        thread.start()
    return threads
