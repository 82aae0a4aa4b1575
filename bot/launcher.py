"""Start the assistant's processes with the project's settings.

`python -m bot.launcher run|shell|train|directory|check|exec -- CMD...`

Every Rasa process gets its configuration from `bot.settings` through
environment variables (endpoints.yml reads them), so `.env` is the one place
a deployment changes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterable, Optional, Sequence

from bot.settings import LOOPBACK, PROJECT_ROOT, Settings, SettingsError, load_settings

MODELS_DIR = PROJECT_ROOT / "models"
# What a trained model depends on: a change to any of these retrains.
MODEL_INPUTS = ("config.yml", "domain.yml", "data/nlu", "data/stories", "data/rules",
                "bot/nlu", "bot/safety", "bot/topics.yml")
VENV_BIN = Path(sys.executable).parent
# Options for every `rasa train` of this project. No story augmentation: the
# rules and memoization carry the dialogue, every test story passes without it,
# and it was two thirds of the policies' training time (README, "Measured").
TRAIN_OPTIONS = ("--augmentation", "0")


def model_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """A hash of every file the model is trained from (names and contents)."""
    digest = hashlib.sha256(" ".join(TRAIN_OPTIONS).encode())
    for path in sorted(_model_files(root)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _model_files(root: Path) -> Iterable[Path]:
    for name in MODEL_INPUTS:
        target = root / name
        if target.is_file():
            yield target
        elif target.is_dir():
            yield from (p for p in target.rglob("*")
                        if p.is_file() and p.suffix in (".yml", ".yaml", ".py", ".txt"))


def model_path(root: Path = PROJECT_ROOT) -> Path:
    return root / "models" / f"model-{model_fingerprint(root)}.tar.gz"


def ensure_model(env: dict[str, str]) -> Path:
    """Train only when the training data, domain or config changed."""
    target = model_path()
    if target.is_file():
        print(f"Model is up to date: {target.name}")
        return target
    print("Training data, domain or config changed: training a new model...")
    started = time.monotonic()
    _rasa(["train", *TRAIN_OPTIONS, "--out", str(MODELS_DIR), "--fixed-model-name", target.name[:-7]],
          env)
    print(f"Trained {target.name} in {time.monotonic() - started:.0f} s")
    for old in MODELS_DIR.glob("model-*.tar.gz"):
        if old != target:
            old.unlink()
    return target


def ensure_directory(settings: Settings) -> None:
    """Build the service directory when its sources or build code are newer than it."""
    db = settings.directory_db
    sources = [*settings.directory_source.glob("*.csv"),
               *(PROJECT_ROOT / "data" / "places").glob("*.csv"),
               *(PROJECT_ROOT / "bot" / "directory").glob("*.py")]
    if db.is_file() and all(p.stat().st_mtime <= db.stat().st_mtime for p in sources):
        return
    subprocess.run([str(VENV_BIN / "python"), "-m", "bot", "directory", "build",
                    "--source", str(settings.directory_source), "--out", str(db)],
                   check=True, cwd=PROJECT_ROOT)


def rasa_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(settings.rasa_environment())
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


def _rasa(args: Sequence[str], env: dict[str, str]) -> None:
    subprocess.run([str(VENV_BIN / "rasa"), *args], check=True, cwd=PROJECT_ROOT, env=env)


# Shown to staff, not to tests: `run` and `shell` hide third-party warnings and
# TensorFlow's C++ log lines; `exec` and `train` (used by the tests) keep them.
QUIET_WARNINGS = ("ignore::DeprecationWarning,ignore::PendingDeprecationWarning,"
                  "ignore::FutureWarning,ignore::UserWarning")


def quiet_env(env: dict[str, str]) -> dict[str, str]:
    quiet = dict(env)
    quiet.setdefault("PYTHONWARNINGS", QUIET_WARNINGS)
    quiet.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # C++ errors only
    return quiet


def quiet_rasa(*args: str) -> list[str]:
    """`rasa ARGS` through bot.quiet, which also hides warnings Rasa re-enables."""
    return [str(VENV_BIN / "python"), "-m", "bot.quiet", str(VENV_BIN / "rasa"), *args]


def action_server_command(settings: Settings) -> tuple[list[str], dict[str, str]]:
    """The command and extra environment; rasa_sdk reads its interface from SANIC_HOST."""
    return (quiet_rasa("run", "actions", "--actions", "actions", "--port", str(settings.action_port)),
            {"SANIC_HOST": settings.action_bind_host})


def rasa_server_command(settings: Settings, model: Path) -> list[str]:
    args = quiet_rasa("run", "--model", str(model), "--interface", settings.bind_host,
                      "--port", str(settings.rasa_port), "--cors", settings.widget_origin,
                      "--credentials", "credentials.yml", "--endpoints", "endpoints.yml")
    if settings.auth_token:
        args += ["--enable-api", "--auth-token", settings.auth_token]
    return args


def shell_command(model: Path) -> list[str]:
    """The staff shell's own server listens on this machine only."""
    return quiet_rasa("shell", "--model", str(model), "--endpoints", "endpoints.yml",
                      "--interface", LOOPBACK)


def widget_server_command(settings: Settings) -> list[str]:
    return [str(VENV_BIN / "python"), "-m", "bot.web.server", "--host", settings.bind_host,
            "--port", str(settings.widget_port),
            "--rasa-url", f"http://{local_host(settings.bind_host)}:{settings.rasa_port}"]


def local_host(bind_host: str) -> str:
    """Where this machine reaches a server bound to bind_host (for URLs)."""
    if bind_host in ("0.0.0.0", "::"):
        return LOOPBACK
    return f"[{bind_host}]" if ":" in bind_host else bind_host


def start_action_server(settings: Settings, env: dict[str, str]) -> subprocess.Popen:
    args, extra = action_server_command(settings)
    return subprocess.Popen(args, cwd=PROJECT_ROOT, env={**env, **extra})


def start_rasa_server(settings: Settings, env: dict[str, str], model: Path) -> subprocess.Popen:
    return subprocess.Popen(rasa_server_command(settings, model), cwd=PROJECT_ROOT, env=env)


def start_widget_server(settings: Settings, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(widget_server_command(settings), cwd=PROJECT_ROOT, env=env)


def wait_for_http(url: str, timeout: float, process: Optional[subprocess.Popen] = None) -> None:
    """Poll a URL until it answers; fail early if its process has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each process still running, then SIGKILL any that has not stopped in 10 s."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def run(settings: Settings) -> int:
    env = rasa_env(settings)
    ensure_directory(settings)
    model = ensure_model(env)
    env = quiet_env(env)
    host = local_host(settings.bind_host)
    processes = [start_action_server(settings, env)]
    try:
        processes.append(start_rasa_server(settings, env, model))
        processes.append(start_widget_server(settings, env))
        wait_for_http(f"http://{host}:{settings.rasa_port}/", 180, processes[1])
        print(f"\nThe assistant is running.\n  Chat in a browser: http://{host}:{settings.widget_port}/"
              f"\n  REST channel: http://{host}:{settings.rasa_port}/webhooks/rest/webhook"
              "\nPress Ctrl+C to stop.")
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while all(p.poll() is None for p in processes):
            time.sleep(1)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop_processes(processes)


def shell(settings: Settings) -> int:
    env = rasa_env(settings)
    ensure_directory(settings)
    model = ensure_model(env)
    env = quiet_env(env)
    actions = start_action_server(settings, env)
    try:
        wait_for_http(f"http://{local_host(settings.action_bind_host)}:{settings.action_port}/health",
                      60, actions)
        return subprocess.call(shell_command(model), cwd=PROJECT_ROOT, env=env)
    finally:
        stop_processes([actions])


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.launcher")
    parser.add_argument("command", choices=["run", "shell", "train", "directory", "check", "exec", "model-path"])
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="for exec: the command to run")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"Settings error: {error}", file=sys.stderr)
        return 2
    if args.command == "check":
        print("Settings are valid.")
        return 0
    if args.command == "model-path":
        print(model_path())
        return 0
    if args.command == "train":
        ensure_model(rasa_env(settings))
        return 0
    if args.command == "directory":
        ensure_directory(settings)
        return 0
    if args.command == "exec":
        rest = [a for a in args.rest if a != "--"]
        return subprocess.call(rest, cwd=PROJECT_ROOT, env=rasa_env(settings))
    return run(settings) if args.command == "run" else shell(settings)


if __name__ == "__main__":
    sys.exit(main())
