"""The chat widget in headless Chromium, talking to the running assistant.

The browser tests are written for node's test runner (tests/browser/); this
test serves the widget, points them at the running assistant and requires
every one of them to pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from bot.web.server import serve
from tests.conftest import ROOT
from tests.e2e.conftest import Assistant, free_port

pytestmark = pytest.mark.slow


def test_widget_in_a_real_browser(assistant: Assistant) -> None:
    assert shutil.which("node"), "node is needed for the browser tests"
    assert os.path.exists("/usr/bin/chromium"), "run `make browser-deps` (Debian's chromium)"
    port = free_port()
    server = serve(port, assistant.url)  # serves from its own thread
    try:
        env = {**os.environ, "RASA_URL": assistant.url, "WIDGET_URL": f"http://127.0.0.1:{port}"}
        result = subprocess.run(["node", "--test", "--test-reporter=spec", "tests/browser/"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    finally:
        server.shutdown()
    print(result.stdout[-6000:])
    os.makedirs(ROOT / "test-artifacts", exist_ok=True)
    (ROOT / "test-artifacts" / "browser-tests.txt").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-4000:]
    assert "# fail 0" in result.stdout or "ℹ fail 0" in result.stdout
