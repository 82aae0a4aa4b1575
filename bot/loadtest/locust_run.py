"""Run Locust headless against one URL and read its summary figures."""

from __future__ import annotations

import csv
import os
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.launcher import PROJECT_ROOT, VENV_BIN

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# One person typing quickly: enough messages in a minute for a p95 that means something.
SINGLE_USER_THINK = "0.2,0.5"


@dataclass
class LoadResult:
    target: str
    users: int
    seconds: int
    messages: int
    failures: int
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failure_reasons: dict[str, int] = field(default_factory=dict)  # Locust's error text -> count

    def as_dict(self) -> dict:
        return asdict(self)


def command(url: str, users: int, seconds: int, prefix: Path) -> list[str]:
    spawn_rate = max(1, min(users, 20))
    return [str(VENV_BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--only-summary",
            "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s", "--stop-timeout", "30",
            "--host", url, "--csv", str(prefix), "--loglevel", "WARNING"]


def run_locust(target: str, url: str, users: int, seconds: int, folder: Path,
               ledger: Path | None = None) -> LoadResult:
    prefix = folder / f"{target}-{users}"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT),
           "LOADTEST_CHECK_CRISIS": "0" if target == "moodbot" else "1",
           "LOADTEST_THINK": SINGLE_USER_THINK if users == 1 else "1,3"}
    if ledger:
        env["LOADTEST_LEDGER"] = str(ledger)
    subprocess.run(command(url, users, seconds, prefix), cwd=PROJECT_ROOT, env=env,
                   stdout=(folder / f"{target}-{users}.log").open("w"), stderr=subprocess.STDOUT)
    return _summary(target, users, seconds, prefix)


def _summary(target: str, users: int, seconds: int, prefix: Path) -> LoadResult:
    row = next(r for r in csv.DictReader(Path(f"{prefix}_stats.csv").open())
               if r["Name"] == "Aggregated")
    reasons = {f"{r['Name']}: {r['Error']}": int(r["Occurrences"])
               for r in csv.DictReader(Path(f"{prefix}_failures.csv").open())}
    return LoadResult(target=target, users=users, seconds=seconds,
                      messages=int(row["Request Count"]), failures=int(row["Failure Count"]),
                      per_second=round(float(row["Requests/s"]), 2),
                      p50_ms=float(row["50%"]), p95_ms=float(row["95%"]), p99_ms=float(row["99%"]),
                      failure_reasons=reasons)
