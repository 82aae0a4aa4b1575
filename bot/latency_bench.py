"""How long one whole turn takes for a short and for a very long message.

`python -m bot.latency_bench [MODEL]` loads the trained model in this process
(in-memory tracker, no action server: custom actions fail fast and are not
timed) and times `agent.handle_text` for a short message and for a
10,000-character one, 5 times each, printing the medians. A very long message
must not cost much more than a short one: the NLU reads only its first 1,000
characters (bot/nlu/message_cap.py), the crisis detector all of it.
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Optional

from bot.launcher import model_path
from bot.evaluation import quiet_rasa_logs

SHORT = "what happens at a child protection conference"
LONG = ("im so worried about the meeting next week and what they will say " * 160)[:10_000]
RUNS = 5


async def _median_seconds(agent, text: str) -> float:
    times = []
    for run in range(RUNS):
        started = time.perf_counter()
        await agent.handle_text(text, sender_id=f"bench-{len(text)}-{run}")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def _bench(model: Path) -> tuple[float, float]:
    from rasa.core.agent import Agent

    quiet_rasa_logs()
    agent = Agent.load(str(model))
    await agent.handle_text("hello", sender_id="bench-warm-up")
    return await _median_seconds(agent, SHORT), await _median_seconds(agent, LONG)


def main(argv: Optional[list[str]] = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    model = Path(args[0]) if args else model_path()
    short, long = asyncio.run(_bench(model))
    print(f"One turn, in process, median of {RUNS} ({model.name}):")
    print(f"  short message ({len(SHORT)} characters): {short * 1000:.0f} ms")
    print(f"  very long message ({len(LONG):,} characters): {long * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
