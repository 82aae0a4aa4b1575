"""`python -m bot.cluster` (`make cluster`): start the cluster and keep it running until Ctrl+C."""

from __future__ import annotations

import signal
import sys
import time

from bot.cluster.settings import load_cluster_settings
from bot.cluster.stack import Cluster
from bot.launcher import ensure_directory, ensure_model, rasa_env
from bot.settings import SettingsError, load_settings


def main() -> int:
    try:
        settings, cluster_settings = load_settings(), load_cluster_settings()
    except SettingsError as error:
        print(f"Settings error: {error}", file=sys.stderr)
        return 2
    ensure_directory(settings)
    model = ensure_model(rasa_env(settings))
    cluster = Cluster(settings, cluster_settings, model)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print("Starting PostgreSQL, Redis, nginx, two action servers and two Rasa servers...")
        cluster.start()
        print(f"\nThe cluster is running (logs in {cluster_settings.folder / 'logs'}).\n"
              f"  Chat in a browser: {cluster.url}/\n"
              f"  REST channel: {cluster.url}/webhooks/rest/webhook\n"
              f"  Rasa servers: {', '.join(map(str, cluster_settings.rasa_ports))}; "
              f"action servers: {', '.join(map(str, cluster_settings.action_ports))}\n"
              "Press Ctrl+C to stop.")
        _watch(cluster)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        for stop_signal in (signal.SIGTERM, signal.SIGINT):  # a second signal must not cut the stop short
            signal.signal(stop_signal, signal.SIG_IGN)
        cluster.stop()


def _watch(cluster: Cluster) -> None:
    """Say once when a server stops; the others keep answering."""
    reported: set[str] = set()
    while True:
        for name, process in [*((f"Rasa server {p}", s) for p, s in cluster.rasa.items()),
                              *((f"action server {p}", s) for p, s in cluster.actions.items())]:
            if process.poll() is not None and name not in reported:
                print(f"{name} stopped (exit code {process.returncode}); the others go on.")
                reported.add(name)
        time.sleep(2)


if __name__ == "__main__":
    sys.exit(main())
