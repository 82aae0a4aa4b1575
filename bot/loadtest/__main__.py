"""`python -m bot.loadtest` (`make loadtest`): load figures, moodbot side by side, and faults.

In one run, on this machine, with Locust (bot/loadtest/locustfile.py):
  1. moodbot (a fresh `rasa init` bot, one server) and this assistant (one
     server, as `make run` starts it): 1 user (single-user latency), then
     each --users count;
  2. the cluster (`make cluster`: two Rasa servers, two action servers,
     PostgreSQL, Redis, nginx): each --users count;
  3. the cluster with faults (bot/loadtest/faults.py).
Figures go to test-artifacts/loadtest.json and loadtest.md (loadtest-faults.*
with --faults-only) with the command and the machine; Locust's CSVs and the servers' logs stay in build/loadtest/last-run/. Only ratios between runs of the same command mean much:
this machine is noisy, and Locust itself shares its two cores.
"""
from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
from pathlib import Path
from typing import Optional

from bot.cluster.settings import load_cluster_settings
from bot.cluster.stack import Cluster
from bot.launcher import PROJECT_ROOT, ensure_directory, ensure_model, rasa_env
from bot.loadtest.faults import FaultReport, run_with_faults
from bot.loadtest.locust_run import LoadResult, command, run_locust
from bot.loadtest.report import write_report
from bot.loadtest.servers import assistant_server, free_port, moodbot_server
from bot.settings import Settings, load_settings
from bot.training_bench import machine

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
RUN_FOLDER = PROJECT_ROOT / "build" / "loadtest" / "last-run"


def _parse(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.loadtest")
    parser.add_argument("--seconds", type=int, default=60, help="length of each load run")
    parser.add_argument("--users", default="50,200", help="comma-separated user counts")
    parser.add_argument("--fault-users", type=int, default=50)
    parser.add_argument("--fault-seconds", type=int, default=120)
    parser.add_argument("--no-cluster", action="store_true", help="single servers only")
    parser.add_argument("--faults-only", action="store_true", help="only the cluster's fault run")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = _parse(argv)
    users = [int(n) for n in args.users.split(",") if n.strip()]
    settings = load_settings()
    ensure_directory(settings)
    model = ensure_model(rasa_env(settings))
    results: list[LoadResult] = []
    folder = RUN_FOLDER  # Locust's CSVs and every server's log, kept until the next run
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if not args.faults_only:
        for target, server in (("moodbot", moodbot_server(folder.parent, rasa_env(settings))),
                               ("assistant", assistant_server(folder, settings, model))):
            with server as url:
                for count in [1, *users]:
                    results.append(_run(target, url, count, args.seconds, folder))
    faults = None
    if not args.no_cluster:
        faults = _cluster_runs(settings, model, [] if args.faults_only else users, args, folder, results)
    report = {"machine": machine(), "command": "python -m bot.loadtest " + shlex.join(argv or sys.argv[1:]),
              "locust": shlex.join(command("URL", 50, args.seconds, Path("PREFIX"))[1:]),
              "results": [r.as_dict() for r in results],
              "faults": faults.as_dict() if faults else None}
    ARTIFACTS.mkdir(exist_ok=True)
    name = "loadtest-faults" if args.faults_only else "loadtest"  # keep the full run's figures
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(write_report(report, ARTIFACTS / f"{name}.md"))
    return 0


def _run(target: str, url: str, users: int, seconds: int, folder: Path) -> LoadResult:
    print(f"  {target}: {users} user(s) for {seconds} s ...", flush=True)
    return run_locust(target, url, users, seconds, folder)


def _cluster_runs(settings: Settings, model: Path, users: list[int], args: argparse.Namespace,
                  folder: Path, results: list[LoadResult]) -> FaultReport:
    """The cluster on free ports: each load run, then the fault run."""
    ports = {key: str(free_port()) for key in ("CLUSTER_PORT", "CLUSTER_ACTION_PORT",
                                               "CLUSTER_WIDGET_PORT", "CLUSTER_POSTGRES_PORT",
                                               "CLUSTER_REDIS_PORT")}
    ports["CLUSTER_RASA_PORTS"] = f"{free_port()},{free_port()}"
    ports["CLUSTER_ACTION_PORTS"] = f"{free_port()},{free_port()}"
    ports["CLUSTER_FOLDER"] = str(PROJECT_ROOT / "build" / "loadtest" / "cluster")
    cluster = Cluster(settings, load_cluster_settings(ports), model)
    try:
        print("  starting the cluster ...", flush=True)
        cluster.start()
        for count in users:
            results.append(_run("cluster", cluster.url, count, args.seconds, folder))
        print(f"  cluster with faults: {args.fault_users} users for {args.fault_seconds} s ...", flush=True)
        return run_with_faults(cluster, folder, args.fault_users, args.fault_seconds)
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
