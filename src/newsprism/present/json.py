"""JSON renderings: one object per line, the shape of the records in ``newsprism.model``."""

from __future__ import annotations

import json
from typing import Any

from newsprism.model import AnalyzedArticle, to_dict


def json_line(record: Any) -> str:
    """One record as a single line of JSON (UTF-8 text, not ASCII-escaped)."""
    return json.dumps(to_dict(record), ensure_ascii=False, sort_keys=False)


def analysis_json_line(result: AnalyzedArticle) -> str:
    """One analysed article as a single line of JSON: the ``Article`` fields, then
    ``entities``, ``attributions``, ``times`` and ``nlp_model`` beside them."""
    data = to_dict(result)
    flat = data.pop("article")
    flat.update(data)
    return json.dumps(flat, ensure_ascii=False, sort_keys=False)
