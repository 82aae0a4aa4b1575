"""Settings: safe defaults, and one clear line naming a bad setting."""

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

NO_FILE = Path("/nonexistent/.env")


def test_defaults_run_on_one_machine() -> None:
    settings = load_settings(environ={}, env_file=NO_FILE)
    assert settings.tracker_store_url.startswith("sqlite:///")
    assert settings.rasa_environment()["LOCK_STORE_TYPE"] == "in_memory"
    assert settings.directory_source.is_dir()
    assert settings.default_nation is None


@pytest.mark.parametrize("name,value,message", [
    ("TRACKER_STORE_URL", "mongo//nowhere", "TRACKER_STORE_URL: 'mongo//nowhere' cannot be parsed"),
    ("TRACKER_STORE_URL", "postgresql:///db", "TRACKER_STORE_URL: 'postgresql:///db' names no database host"),
    ("DIRECTORY_SOURCE", "no/such/folder", "DIRECTORY_SOURCE: folder 'no/such/folder' does not exist"),
    ("DIRECTORY_DB", "/no/such/folder/dir.sqlite", "DIRECTORY_DB: folder '/no/such/folder'"),
    ("DEFAULT_NATION", "france", "DEFAULT_NATION: 'france' is not one of"),
    ("RASA_PORT", "five", "RASA_PORT: 'five' is not a whole number"),
    ("RASA_PORT", "70000", "RASA_PORT: 70000 is outside 1-65535"),
    ("ACTION_SERVER_URL", "localhost:5055", "ACTION_SERVER_URL: 'localhost:5055' is not an http(s) URL"),
    ("LOCK_STORE_URL", "memcached://x", "LOCK_STORE_URL"),
    ("LOG_LEVEL", "LOUD", "LOG_LEVEL: 'LOUD' is not one of"),
])
def test_bad_value_names_the_setting(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(environ={name: value}, env_file=NO_FILE)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DEFAULT_NATION=wales\nRASA_PORT=6000\n")
    settings = load_settings(environ={"RASA_PORT": "6001"}, env_file=env_file)
    assert settings.default_nation == "wales"
    assert settings.rasa_port == 6001


def test_redis_lock_store_url_becomes_endpoint_fields() -> None:
    env = load_settings(environ={"LOCK_STORE_URL": "redis://cache:6380/2"},
                        env_file=NO_FILE).rasa_environment()
    assert (env["LOCK_STORE_TYPE"], env["LOCK_STORE_HOST"], env["LOCK_STORE_PORT"],
            env["LOCK_STORE_DB"]) == ("redis", "cache", "6380", "2")
    # A lock left by a killed server runs out before the widget gives up (30 s).
    assert int(env["TICKET_LOCK_LIFETIME"]) < 30


def test_the_in_memory_lock_store_keeps_rasas_lock_lifetime() -> None:
    env = load_settings(environ={}, env_file=NO_FILE).rasa_environment()
    assert env["LOCK_STORE_TYPE"] == "in_memory" and "TICKET_LOCK_LIFETIME" not in env


def test_launcher_prints_one_line_for_a_bad_setting(monkeypatch, capsys) -> None:
    from bot import launcher
    monkeypatch.setenv("TRACKER_STORE_URL", "nonsense")
    assert launcher.main(["check"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("Settings error: TRACKER_STORE_URL:") and "\n" not in err
