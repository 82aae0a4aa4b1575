"""The widget's static server: only its own files, strict headers, the Rasa URL filled in."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator

import pytest

from bot.web.server import STATIC_DIR, content_security_policy, main, serve

RASA = "http://127.0.0.1:5099"


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = serve(0, RASA)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def get(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request(method, path)
    res = conn.getresponse()
    body = res.read()
    conn.close()
    return res.status, {k.lower(): v for k, v in res.getheaders()}, body


def test_html_pages_get_strict_headers_and_the_rasa_url(port: int) -> None:
    for path in ("/", "/index.html", "/example.html"):
        status, headers, body = get(port, path)
        assert status == 200, path
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self';" in csp
        assert f"connect-src {RASA};" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert b"__RASA_URL__" not in body
        assert f'data-rasa-url="{RASA}"'.encode() in body
        assert b"set-cookie" not in b"".join(k.encode() for k in headers)


def test_widget_files_are_served_for_embedding(port: int) -> None:
    status, headers, body = get(port, "/widget.js")
    assert status == 200
    assert headers["content-type"].startswith("text/javascript")
    assert headers["cross-origin-resource-policy"] == "cross-origin"
    assert body == (STATIC_DIR / "widget.js").read_bytes()
    status, headers, _ = get(port, "/widget.css")
    assert status == 200 and headers["content-type"].startswith("text/css")


@pytest.mark.parametrize("path", [
    "/../server.py", "/%2e%2e/server.py", "/..%2f__init__.py", "/.hidden", "/missing.js",
    "/static/", "//etc/passwd",
])
def test_nothing_outside_the_static_folder(port: int, path: str) -> None:
    status, _, body = get(port, path)
    assert status == 404
    assert b"import" not in body


def test_only_reading_is_allowed(port: int) -> None:
    status, _, _ = get(port, "/index.html", method="POST")
    assert status == 501
    status, headers, body = get(port, "/index.html", method="HEAD")
    assert status == 200 and body == b"" and "content-security-policy" in headers


def test_no_inline_script_or_style_in_the_pages() -> None:
    for page in STATIC_DIR.glob("*.html"):
        text = page.read_text()
        assert "<script>" not in text and "<style" not in text and " style=" not in text, page.name
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {page.name}"
    js = (STATIC_DIR / "widget.js").read_text()
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "eval(" not in js
    assert not re.search(r"localStorage\s*(\.\s*\w+\s*\(|\[)", js) and "document.cookie" not in js


def test_csp_names_only_the_rasa_origin() -> None:
    csp = content_security_policy("https://chat.example.org/some/path/")
    assert "connect-src https://chat.example.org;" in csp
    with pytest.raises(ValueError):
        content_security_policy("javascript:alert(1)")


def test_bad_rasa_url_is_one_line_and_exit_2(capsys) -> None:
    assert main(["--port", "0", "--rasa-url", "localhost:5005"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("Settings error: --rasa-url:") and "\n" not in err
