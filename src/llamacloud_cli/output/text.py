"""Making server-controlled strings safe to show on a terminal."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, line/paragraph separators, and
# bidi marks, overrides and isolates.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def sanitize(text: str) -> str:
    """Escape terminal control characters so a server string cannot drive the terminal."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
