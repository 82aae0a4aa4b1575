"""A PostgreSQL server of the project's own, on loopback, run as its own user.

PostgreSQL refuses to run as root, so when this process is root the server's
files belong to Debian's `postgres` user and every server command runs as it.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bot.cluster.debian import MissingPackage, postgres_bin

DATABASE = "assistant"
ROLE = "assistant"
SERVER_USER = "postgres"


@dataclass
class LocalPostgres:
    folder: Path          # holds data/, the socket, the log and the password
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def url(self) -> str:
        """The tracker store URL the Rasa servers use (TRACKER_STORE_URL)."""
        return f"postgresql://{ROLE}:{self._password()}@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> "LocalPostgres":
        if not (self.data / "PG_VERSION").is_file():
            self._init()
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.log),
                     "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1")
        return self

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").is_file():
            self._pg_ctl("stop", "-w", "-t", "60", "-m", mode, check=False)

    def restart(self) -> None:
        self.stop()
        self.start()

    def psql(self, sql: str, database: str = DATABASE) -> str:
        """Run SQL as the server's superuser over the local socket; returns the output."""
        result = self._as_server_user([self._bin("psql"), "-h", str(self.folder), "-p", str(self.port),
                                       "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
        return result.stdout.strip()

    def _init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        password = self.folder / "password"
        password.write_text(secrets.token_urlsafe(24))
        password.chmod(0o600)
        self._own(self.folder)
        self._as_server_user([self._bin("initdb"), "-D", str(self.data), "-A", "scram-sha-256",
                              "--auth-local=peer", "-U", self._superuser(), "-E", "UTF8",
                              "--no-instructions"])
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.log),
                     "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1")
        self.psql(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{self._password()}'", database="postgres")
        self.psql(f"CREATE DATABASE {DATABASE} OWNER {ROLE}", database="postgres")
        self._pg_ctl("stop", "-w", "-m", "fast")

    def _password(self) -> str:
        return (self.folder / "password").read_text().strip()

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        self._as_server_user([self._bin("pg_ctl"), "-D", str(self.data), *args], check=check)

    @staticmethod
    def _bin(name: str) -> str:
        folder = postgres_bin()
        if folder is None:
            raise MissingPackage("PostgreSQL is not installed (Debian package postgresql)")
        return str(folder / name)

    @staticmethod
    def _superuser() -> str:
        return SERVER_USER if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    @staticmethod
    def _own(folder: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(folder, SERVER_USER, SERVER_USER)
            for path in folder.rglob("*"):
                shutil.chown(path, SERVER_USER, SERVER_USER)

    @staticmethod
    def _as_server_user(args: list[str], check: bool = True) -> subprocess.CompletedProcess:
        program = Path(args[0]).name
        if os.geteuid() == 0:
            args = ["runuser", "-u", SERVER_USER, "--", *args]
        result = subprocess.run(args, capture_output=True, text=True, cwd="/")
        if check and result.returncode != 0:
            raise RuntimeError(f"{program} failed: {(result.stderr or result.stdout).strip()[-500:]}")
        return result
