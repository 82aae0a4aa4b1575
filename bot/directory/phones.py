"""UK phone numbers as the directory accepts them.

Accepted: 999, 111, 116 xxx helplines (116 123), five-digit text short codes
(85258), and full numbers starting 01, 02, 03, 07, 0800 or 0808 (a leading
+44 is read as 0). Spaces are kept as written but tidied to single spaces.
"""

from __future__ import annotations

import re
from typing import Optional

_SEPARATORS = re.compile(r"[\s\u00a0\-().]+")
_SHORT = {"999", "111"}


def tidy(number: str) -> str:
    """One space between groups, no leading/trailing space."""
    return re.sub(r"\s+", " ", number.replace("\u00a0", " ")).strip()


def digits_of(number: str) -> str:
    compact = _SEPARATORS.sub("", number.strip())
    if compact.startswith("+44"):
        compact = "0" + compact[3:].lstrip("0")
    return compact


def phone_problem(number: str, phone_type: str = "voice") -> Optional[str]:
    """None when the number is a valid UK number, else a plain reason."""
    compact = digits_of(number)
    if not compact:
        return "is empty"
    if not compact.isdigit():
        return f"'{number}' has characters that are not digits"
    if compact in _SHORT or re.fullmatch(r"116\d{3}", compact):
        return None
    if len(compact) == 5 and not compact.startswith("0"):
        if phone_type != "text":
            return f"'{number}' is a text short code, so type must be text"
        return None
    if not compact.startswith("0"):
        return f"'{number}' is not a UK number (start with 0, or use 999, 111, 116 xxx or a 5-digit text code)"
    if compact.startswith("0800"):
        # 0800 1111 (Childline) is a real 8-digit freephone number; some 0800 numbers have 10 digits.
        return None if len(compact) in (8, 10, 11) else f"'{number}' has the wrong number of digits"
    if compact.startswith("0808"):
        return None if len(compact) == 11 else f"'{number}' should have 11 digits"
    if compact.startswith("01"):
        return None if len(compact) in (10, 11) else f"'{number}' has the wrong number of digits"
    if compact.startswith(("02", "03", "07")):
        return None if len(compact) == 11 else f"'{number}' should have 11 digits"
    return f"'{number}' starts with {compact[:4]}, which is not a number type the directory accepts"
