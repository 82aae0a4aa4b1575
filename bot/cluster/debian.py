"""Debian's PostgreSQL, Redis and nginx: found on this machine, or installed."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional

PACKAGES = ("postgresql", "redis-server", "nginx-light")


class MissingPackage(RuntimeError):
    """A server program is not installed and cannot be installed here."""


def postgres_bin() -> Optional[Path]:
    """The newest installed PostgreSQL server's bin folder (Debian keeps one per version)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


def redis_server() -> Optional[str]:
    return shutil.which("redis-server")


def nginx() -> Optional[str]:
    return shutil.which("nginx") or (shutil.which("nginx", path="/usr/sbin") or None)


def missing() -> list[str]:
    checks = {"postgresql": postgres_bin(), "redis-server": redis_server(), "nginx-light": nginx()}
    return [package for package, found in checks.items() if not found]


def ensure_installed() -> None:
    """Install what is missing with apt-get (root only), as the browser tests do for chromium."""
    needed = missing()
    if not needed:
        return
    if os.geteuid() != 0:
        raise MissingPackage(f"Missing Debian packages: {' '.join(needed)}. "
                             f"Install them with: sudo apt-get install {' '.join(needed)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *needed],
                   check=True, env=env)
    # Debian starts the packaged services; the cluster runs its own copies instead.
    for service in ("postgresql", "redis-server", "nginx"):
        subprocess.run(["service", service, "stop"], capture_output=True)
    if missing():
        raise MissingPackage(f"apt-get did not install: {' '.join(missing())}")
