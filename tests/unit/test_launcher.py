"""What the launcher starts: servers bound to this machine unless a setting says
otherwise, and staff commands free of third-party warnings (tests keep them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import launcher
from bot.settings import Settings, SettingsError, load_settings

NO_FILE = Path("/nonexistent/.env")
MODEL = Path("models/model-test.tar.gz")


def settings(**environ: str) -> Settings:
    return load_settings(environ=environ, env_file=NO_FILE)


def option(args: list[str], name: str) -> str:
    assert args.count(name) == 1, (name, args)
    return args[args.index(name) + 1]


def test_every_server_listens_on_loopback_by_default() -> None:
    default = settings()
    assert option(launcher.rasa_server_command(default, MODEL), "--interface") == "127.0.0.1"
    assert option(launcher.widget_server_command(default), "--host") == "127.0.0.1"
    args, extra = launcher.action_server_command(default)
    assert extra == {"SANIC_HOST": "127.0.0.1"}  # rasa_sdk 3.6 has no interface flag
    assert option(args, "--port") == "5055"
    assert option(launcher.shell_command(MODEL), "--interface") == "127.0.0.1"


def test_bind_host_moves_the_public_servers_but_not_the_action_server() -> None:
    deployed = settings(BIND_HOST="0.0.0.0")
    assert option(launcher.rasa_server_command(deployed, MODEL), "--interface") == "0.0.0.0"
    widget = launcher.widget_server_command(deployed)
    assert option(widget, "--host") == "0.0.0.0"
    assert option(widget, "--rasa-url") == "http://127.0.0.1:5005"
    assert launcher.action_server_command(deployed)[1] == {"SANIC_HOST": "127.0.0.1"}
    assert option(launcher.shell_command(MODEL), "--interface") == "127.0.0.1"


def test_action_bind_host_is_its_own_setting() -> None:
    split = settings(ACTION_BIND_HOST="10.0.0.5", ACTION_PORT="6055")
    args, extra = launcher.action_server_command(split)
    assert extra == {"SANIC_HOST": "10.0.0.5"} and option(args, "--port") == "6055"
    assert option(launcher.rasa_server_command(split, MODEL), "--interface") == "127.0.0.1"


@pytest.mark.parametrize("bind,reach", [
    ("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("::", "127.0.0.1"),
    ("10.1.2.3", "10.1.2.3"), ("::1", "[::1]"),
])
def test_urls_for_polling_reach_the_bound_address(bind: str, reach: str) -> None:
    assert launcher.local_host(bind) == reach


@pytest.mark.parametrize("name", ["BIND_HOST", "ACTION_BIND_HOST"])
@pytest.mark.parametrize("value", ["localhost:5005", "every", "300.1.1.1"])
def test_a_bad_bind_host_names_the_setting_in_one_line(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as error:
        settings(**{name: value})
    assert str(error.value).startswith(f"{name}: '{value}' is not an IP address")
    assert "\n" not in str(error.value)


def test_run_and_shell_hide_third_party_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)  # importing Rasa in a test sets it
    env = launcher.quiet_env(launcher.rasa_env(settings()))
    for category in ("DeprecationWarning", "FutureWarning", "UserWarning"):
        assert f"ignore::{category}" in env["PYTHONWARNINGS"].split(",")
    assert env["TF_CPP_MIN_LOG_LEVEL"] == "2"
    for args in (launcher.rasa_server_command(settings(), MODEL), launcher.shell_command(MODEL),
                 launcher.action_server_command(settings())[0]):
        assert args[1:4] == ["-m", "bot.quiet", str(launcher.VENV_BIN / "rasa")]


def test_tests_keep_their_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    env = launcher.rasa_env(settings())  # what `exec`, `train` and the test fixtures use
    assert "PYTHONWARNINGS" not in env and "TF_CPP_MIN_LOG_LEVEL" not in env


def test_a_deployment_can_still_choose_its_own_warnings() -> None:
    env = launcher.quiet_env({"PYTHONWARNINGS": "default", "TF_CPP_MIN_LOG_LEVEL": "0"})
    assert env["PYTHONWARNINGS"] == "default" and env["TF_CPP_MIN_LOG_LEVEL"] == "0"


def test_the_quiet_wrapper_hides_warnings_a_program_turns_back_on(tmp_path: Path) -> None:
    program = tmp_path / "noisy.py"
    program.write_text(
        "import sys, warnings\n"
        "warnings.filterwarnings('always')  # as Rasa and Sanic do at start-up\n"
        "warnings.warn('old api', DeprecationWarning)\n"
        "warnings.warn('check this', UserWarning)\n"
        "warnings.warn('soon', FutureWarning)\n"
        "warnings.warn('real problem', RuntimeWarning)\n"
        "print(sys.argv[1:])\n")
    quiet = subprocess.run([sys.executable, "-m", "bot.quiet", str(program), "a", "--b"],
                           cwd=launcher.PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout.strip() == "['a', '--b']"
    assert "real problem" in quiet.stderr
    assert not any(w in quiet.stderr for w in ("old api", "check this", "soon"))
    loud = subprocess.run([sys.executable, str(program)], capture_output=True, text=True, timeout=60)
    assert "old api" in loud.stderr and "check this" in loud.stderr
