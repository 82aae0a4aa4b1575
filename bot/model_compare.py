"""Do two trained models give the same intent for the same message?

    python -m bot.model_compare MODEL_A MODEL_B

Parses every training example and every held-out test message with both
models and prints how many top intents differ and the largest confidence gap.
Used to check that training the same data twice repeats (random seeds are set
in config.yml). `make reproducible` trains a second model and runs this.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT

MESSAGE_FILES = [*sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")),
                 PROJECT_ROOT / "tests" / "data" / "nlu_unseen.yml"]


def messages() -> list[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    texts: set[str] = set()
    for path in MESSAGE_FILES:
        texts.update(m.get("text") for m in load_data(str(path)).intent_examples)
    return sorted(t for t in texts if t)


async def _predictions(model: Path, texts: list[str]) -> list[tuple[str, float]]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's debug log would print every message
    agent = Agent.load(str(model))
    results = []
    for text in texts:
        intent = (await agent.parse_message(text))["intent"]
        results.append((intent["name"], float(intent["confidence"])))
    return results


def compare(model_a: Path, model_b: Path) -> tuple[int, int, float]:
    """Return (messages, different top intents, largest confidence gap)."""
    texts = messages()
    a = asyncio.run(_predictions(model_a, texts))
    b = asyncio.run(_predictions(model_b, texts))
    differ = sum(1 for x, y in zip(a, b) if x[0] != y[0])
    gap = max(abs(x[1] - y[1]) for x, y in zip(a, b))
    return len(texts), differ, gap


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    total, differ, gap = compare(Path(argv[0]), Path(argv[1]))
    print(f"{total} messages: {differ} with a different intent; "
          f"largest confidence difference {gap:.6f}")
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
