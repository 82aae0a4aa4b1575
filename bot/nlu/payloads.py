"""Button payloads such as /main_menu or /find_service{"audience":"fathers"}.

A payload is not something a person wrote, so the components that read
free text (crisis detector, place extractor) leave it alone.
"""
from __future__ import annotations

import re

_PAYLOAD = re.compile(r"^\s*/[A-Za-z0-9_]+(\{.*\})?(@[0-9.]+)?\s*$", re.DOTALL)


def is_payload(text: str) -> bool:
    return bool(_PAYLOAD.match(text))
