"""The cluster's settings, nginx's configuration and the load test's reply checks."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from dotenv import dotenv_values

from bot.cluster.balancer import Balancer, retry_reply
from bot.cluster.settings import DEFAULTS, load_cluster_settings
from bot.loadtest.conversations import conversation, is_retry_message, reply_problem
from bot.settings import SettingsError
from tests.conftest import ROOT


def test_env_example_lists_every_cluster_setting_with_its_default() -> None:
    example = {k: v for k, v in dotenv_values(ROOT / ".env.example").items() if k.startswith("CLUSTER_")}
    assert example == DEFAULTS


def test_defaults_and_overrides(tmp_path: Path) -> None:
    settings = load_cluster_settings({"CLUSTER_RASA_PORTS": "6001, 6002,6003"}, tmp_path / "none.env")
    assert settings.rasa_ports == [6001, 6002, 6003] and settings.port == 8090
    assert settings.folder == ROOT / "build" / "cluster"


@pytest.mark.parametrize("values,named", [
    ({"CLUSTER_RASA_PORTS": "5101"}, "CLUSTER_RASA_PORTS"),
    ({"CLUSTER_PORT": "5101"}, "CLUSTER_*"),
    ({"CLUSTER_REDIS_PORT": "redis"}, "CLUSTER_REDIS_PORT"),
    ({"CLUSTER_POSTGRES_PORT": "70000"}, "CLUSTER_POSTGRES_PORT"),
])
def test_a_bad_cluster_setting_is_named(values: dict, named: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=named.replace("*", r"\*")):
        load_cluster_settings(values, tmp_path / "none.env")


def test_the_retry_reply_is_rest_json_with_the_crisis_numbers() -> None:
    replies = json.loads(retry_reply())
    assert replies[0]["text"].count("999") == 1 and "116 123" in replies[0]["text"]
    assert is_retry_message(replies)


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                    reason="nginx is installed by `make test` (server-deps)")
def test_nginx_accepts_the_generated_configuration(tmp_path: Path) -> None:
    balancer = Balancer(tmp_path, 8090, 5150, [5101, 5102], [5151, 5152], 8091)
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "tmp" / name).mkdir(parents=True)
    conf = tmp_path / "nginx.conf"
    conf.write_text(balancer.config())
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    check = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    text = balancer.config()
    assert "server 127.0.0.1:5101" in text and "server 127.0.0.1:5152" in text
    assert "0.0.0.0" not in text and "access_log off" in text
    assert "client_body_buffer_size 4m" in text and "client_max_body_size 4m" in text


def test_a_load_test_conversation_covers_real_use() -> None:
    import random

    turns = conversation(random.Random(1))
    assert turns[0].text == "hi" and turns[-1].text == "bye"
    assert [t.crisis for t in turns].count(True) == 1


@pytest.mark.parametrize("status,replies,crisis,problem", [
    (200, [{"text": "Hello."}], False, ""),
    (200, [], False, "no reply (silence)"),
    (200, [{"recipient_id": "x"}], False, "no reply (silence)"),
    (502, None, False, "HTTP 502"),
    (200, [{"text": "I am sorry to hear that."}], True, "crisis message without 999"),
    (200, [{"text": "Call 999 now."}], True, ""),
])
def test_reply_checks(status: int, replies: object, crisis: bool, problem: str) -> None:
    assert reply_problem(status, replies, crisis) == problem
