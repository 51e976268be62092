"""JSON renderings: one object per line, the shape of the records in ``newsprism.model``."""

from __future__ import annotations

import json
from typing import Any

from newsprism.model import to_dict


def json_line(record: Any) -> str:
    """One record as a single line of JSON (UTF-8 text, not ASCII-escaped)."""
    return json.dumps(to_dict(record), ensure_ascii=False, sort_keys=False)
