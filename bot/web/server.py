"""Serve the chat widget's static files (standard library only).

    python -m bot.web.server --port 8080 --rasa-url http://127.0.0.1:5005

Only files under bot/web/static are served, never a directory listing.
HTML pages get a strict Content-Security-Policy: scripts and styles from this
server only, no inline code, and network requests only to the Rasa server.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
import threading
from io import BytesIO
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

STATIC_DIR = Path(__file__).resolve().parent / "static"
# HTML pages name the Rasa server with this token; it is replaced when served.
RASA_URL_TOKEN = "__RASA_URL__"


def rasa_origin(rasa_url: str) -> str:
    """Return scheme://host[:port] of an http(s) URL, or raise ValueError."""
    parts = urlsplit(rasa_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--rasa-url: {rasa_url!r} is not an http(s) URL")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(rasa_url: str) -> str:
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        f"connect-src {rasa_origin(rasa_url)}",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ])


class WidgetHandler(SimpleHTTPRequestHandler):
    """Static files with security headers; HTML gets the Rasa URL filled in."""

    server_version = "widget-server"
    sys_version = ""
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".svg": "image/svg+xml",
    }
    rasa_url = "http://127.0.0.1:5005"
    csp = content_security_policy(rasa_url)

    def __init__(self, *args, **kwargs) -> None:
        self._is_html = False
        super().__init__(*args, directory=str(STATIC_DIR), **kwargs)

    def send_head(self):  # type: ignore[override]
        self._is_html = False
        path = urlsplit(self.path).path
        if any(part.startswith(".") for part in unquote(path).split("/")):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        if path.endswith("/"):
            path += "index.html"
        file = Path(self.translate_path(path))
        if not file.resolve().is_relative_to(STATIC_DIR) or not file.is_file():
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        if file.suffix != ".html":
            return super().send_head()
        return self._send_html(file)

    def _send_html(self, file: Path) -> BytesIO:
        text = file.read_text(encoding="utf-8")
        body = text.replace(RASA_URL_TOKEN, html.escape(self.rasa_url, quote=True)).encode()
        self._is_html = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)

    def list_directory(self, path):  # type: ignore[override]
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        if self._is_html:
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Frame-Options", "DENY")
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        else:
            # widget.js and widget.css may be embedded by a host page on another origin.
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Cross-Origin-Resource-Policy", "cross-origin")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - base class name
        if not getattr(self.server, "quiet", False):
            super().log_message(format, *args)


def make_server(port: int, rasa_url: str, host: str = "127.0.0.1",
                quiet: bool = False) -> ThreadingHTTPServer:
    """Build (but do not start) the server. Port 0 picks a free port."""
    handler = type("ConfiguredWidgetHandler", (WidgetHandler,), {
        "rasa_url": rasa_url.rstrip("/"),
        "csp": content_security_policy(rasa_url),
    })
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.quiet = quiet  # type: ignore[attr-defined]
    return server


def serve(port: int, rasa_url: str, host: str = "127.0.0.1",
          quiet: bool = True) -> ThreadingHTTPServer:
    """Start the server in a background thread (for tests); call .shutdown() to stop.

    The real port is server.server_address[1] (useful with port 0).
    """
    server = make_server(port, rasa_url, host, quiet)
    threading.Thread(target=server.serve_forever, name="widget-server", daemon=True).start()
    return server


def _load_dotenv() -> None:
    try:
        from dotenv import load_dotenv
    except ImportError:  # the server itself needs only the standard library
        return
    load_dotenv(Path(__file__).resolve().parents[2] / ".env")


def main(argv: list[str] | None = None) -> int:
    _load_dotenv()
    parser = argparse.ArgumentParser(prog="python -m bot.web.server",
                                     description="Serve the chat widget.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("WIDGET_PORT", "8080")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rasa-url",
                        default=f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}",
                        help="Rasa server the widget talks to (REST channel)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    try:
        server = make_server(args.port, args.rasa_url, args.host, args.quiet)
    except ValueError as error:
        print(f"Settings error: {error}", file=sys.stderr)
        return 2
    host, port = server.server_address[:2]
    print(f"Chat widget: http://{host}:{port}/  (Rasa: {args.rasa_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
