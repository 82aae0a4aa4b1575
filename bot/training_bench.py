"""Training time of this assistant against a fresh `rasa init` moodbot, side by side.

`python -m bot.training_bench [--runs N]` trains, in the same virtual
environment and one after the other, a new moodbot (the project `rasa init` writes)
and this project (a full `rasa train --force` with the options `make train` uses,
`bot.launcher.TRAIN_OPTIONS`), N times each, and prints the
median wall time of each and their ratio, with the machine and the commands.
The figures go to test-artifacts/training-bench.json too. This machine is
noisy, so only the ratio of medians taken in the same run means much.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

from bot.launcher import PROJECT_ROOT, TRAIN_OPTIONS, VENV_BIN, rasa_env
from bot.settings import load_settings

ARTIFACT = PROJECT_ROOT / "test-artifacts" / "training-bench.json"


def _timed(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run(args, cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def moodbot(workdir: Path) -> tuple[list[str], Path]:
    """A fresh moodbot (the project `rasa init` writes) and the command that trains it."""
    import rasa.cli

    bot = workdir / "moodbot"
    shutil.copytree(Path(rasa.cli.__file__).parent / "initial_project", bot)
    return [str(VENV_BIN / "rasa"), "train", "--force", "--out", str(workdir / "mood-models")], bot


def machine() -> str:
    return f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.training_bench")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    env = rasa_env(load_settings())
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        mood_cmd, mood_dir = moodbot(workdir)
        ours_cmd = [str(VENV_BIN / "rasa"), "train", "--force", *TRAIN_OPTIONS,
                    "--out", str(workdir / "our-models")]
        mood, ours = [], []
        for _ in range(args.runs):
            mood.append(_timed(mood_cmd, mood_dir, env))
            ours.append(_timed(ours_cmd, PROJECT_ROOT, env))
    result = {
        "machine": machine(),
        "runs": args.runs,
        "moodbot_seconds": [round(t, 1) for t in mood],
        "assistant_seconds": [round(t, 1) for t in ours],
        "moodbot_median": round(statistics.median(mood), 1),
        "assistant_median": round(statistics.median(ours), 1),
        "ratio": round(statistics.median(ours) / statistics.median(mood), 2),
        "commands": {"moodbot": "rasa init's project; rasa " + " ".join(mood_cmd[1:3]),
                     "assistant": "rasa " + " ".join(ours_cmd[1:3 + len(TRAIN_OPTIONS)])},
    }
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Training time on {result['machine']} ({args.runs} run(s) each, alternating):")
    print(f"  moodbot (rasa init's project, rasa train --force): median {result['moodbot_median']} s")
    print(f"  this assistant ({result['commands']['assistant']}): median {result['assistant_median']} s")
    print(f"  ratio: {result['ratio']}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
