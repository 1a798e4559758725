"""YAML 1.2 output, keeping the server's key order."""

from __future__ import annotations

import io
from typing import Any


def dump_yaml(value: Any) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.allow_unicode = True
    yaml.width = 4096
    buffer = io.StringIO()
    yaml.dump(value, buffer)
    text = buffer.getvalue()
    # A bare scalar document ends with "...": a script reading one value does not want it.
    if text.endswith("\n...\n"):
        text = text[: -len("...\n")]
    return text
