"""A Redis server of the project's own, on loopback, keeping nothing on disk."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.cluster.debian import MissingPackage, redis_server


@dataclass
class LocalRedis:
    folder: Path
    port: int
    process: Optional[subprocess.Popen] = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The lock store URL the Rasa servers use (LOCK_STORE_URL); db 1 holds the locks."""
        return f"redis://127.0.0.1:{self.port}/1"

    def start(self) -> "LocalRedis":
        program = redis_server()
        if program is None:
            raise MissingPackage("Redis is not installed (Debian package redis-server)")
        self.folder.mkdir(parents=True, exist_ok=True)
        # Locks only live for a turn: no snapshots, no append-only file.
        self.process = subprocess.Popen(
            [program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--protected-mode", "yes"],
            stdout=(self.folder / "server.log").open("w"), stderr=subprocess.STDOUT)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
