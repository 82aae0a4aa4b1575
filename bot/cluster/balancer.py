"""nginx in front of the Rasa servers, the action servers and the widget.

One address for people (the widget and the REST channel) and one for the Rasa
servers' action calls. A server that stops answering is skipped; a message
that no Rasa server could take gets a kind "please send it again" reply with
999 and Samaritans (in the REST channel's JSON), never silence.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.cluster.debian import MissingPackage, nginx
from bot.facts import load_facts

# nginx's temporary files, by directive, kept inside the cluster's folder.
TEMP_PATHS = {"client_body_temp_path": "body", "proxy_temp_path": "proxy",
              "fastcgi_temp_path": "fastcgi", "uwsgi_temp_path": "uwsgi", "scgi_temp_path": "scgi"}
WORKER_USER = "nobody"


def retry_reply() -> str:
    """The REST reply nginx gives when no Rasa server answered. Numbers from bot/facts.yml."""
    facts = {fact["id"]: fact["value"] for fact in load_facts()}
    text = (f"Sorry, that message did not reach me. Please send it again in a moment. "
            f"If you or a child are in danger, call {facts['emergency_999']}. "
            f"Samaritans is free, day or night: {facts['crisis_samaritans']}.")
    return json.dumps([{"recipient_id": "", "text": text}])


def _upstream(name: str, ports: list[int]) -> str:
    servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports)
    return f"  upstream {name} {{\n{servers}\n    keepalive 16;\n  }}\n"


@dataclass
class Balancer:
    folder: Path
    port: int                   # people: the widget and /webhooks/
    action_port: int            # the Rasa servers' action calls
    rasa_ports: list[int]
    action_ports: list[int]
    widget_port: int
    process: Optional[subprocess.Popen] = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    def config(self) -> str:
        reply = retry_reply()
        if "'" in reply or "$" in reply:
            raise ValueError("the retry reply cannot hold ' or $ inside nginx's quoted string")
        temp = "\n".join(f"  {directive} {self.folder / 'tmp' / name};"
                         for directive, name in TEMP_PATHS.items())
        proxy = ("proxy_http_version 1.1; proxy_set_header Connection \"\"; "
                 "proxy_set_header Host $host; proxy_connect_timeout 2s;")
        return f"""daemon off;
worker_processes 1;
pid {self.folder / 'nginx.pid'};
error_log {self.folder / 'error.log'} warn;
events {{ worker_connections 2048; }}
http {{
  access_log off;  # no conversation ids or addresses kept
  # Requests and replies stay in memory: an action call carries the conversation,
  # and nothing of it should be written to disk, even for a moment.
  client_body_buffer_size 4m;
  proxy_max_temp_file_size 0;
{temp}
{_upstream('rasa', self.rasa_ports)}{_upstream('actions', self.action_ports)}{_upstream('widget', [self.widget_port])}
  server {{
    listen 127.0.0.1:{self.port};
    client_max_body_size 64k;
    location /webhooks/ {{
      proxy_pass http://rasa; {proxy}
      proxy_read_timeout 90s;
      # A server that refuses the connection is skipped; a message already sent
      # to a server that then died is not sent twice (POST is not idempotent).
      proxy_next_upstream error timeout http_502 http_503;
      proxy_intercept_errors on;
      error_page 500 502 503 504 = @retry;
    }}
    location /socket.io/ {{
      proxy_pass http://rasa; proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";
    }}
    location / {{ proxy_pass http://widget; {proxy} }}
    location @retry {{
      default_type application/json;
      return 200 '{reply}';
    }}
  }}
  server {{
    listen 127.0.0.1:{self.action_port};
    client_max_body_size 4m;
    location / {{
      proxy_pass http://actions; {proxy}
      proxy_read_timeout 60s;
      # Actions only read the tracker and answer, so a call cut off by a
      # stopped action server is safe to send to the other one.
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
    }}
  }}
}}
"""

    def start(self) -> "Balancer":
        program = nginx()
        if program is None:
            raise MissingPackage("nginx is not installed (Debian package nginx-light)")
        for name in TEMP_PATHS.values():
            folder = self.folder / "tmp" / name
            folder.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:  # nginx's workers drop root and write here
                shutil.chown(folder, WORKER_USER)
        conf = self.folder / "nginx.conf"
        conf.write_text(self.config())
        check = subprocess.run([program, "-t", "-q", "-p", str(self.folder), "-c", str(conf)],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx configuration refused: {check.stderr.strip()[-500:]}")
        self.process = subprocess.Popen([program, "-p", str(self.folder), "-c", str(conf)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder / "tmp", ignore_errors=True)
