"""Scraped text made safe for a terminal.

Titles, outlet names, bodies and file names come from the inputs, so they may hold terminal
escape sequences (``ESC ]0;title BEL`` retitles the window, ``ESC [2J`` clears the screen) or
Unicode bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE visibly reverses what follows). Everything
the CLI prints goes through :func:`install` 's render hook: C0 and C1 control characters other
than tab and newline are dropped (newsprism's own styling is added after, by rich), and bidi
embeddings, overrides and isolates are shown as ``<U+202E>``. JSON output keeps every character
but writes C1 and bidi controls as ``\\u202e``-style escapes (the same JSON value).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

import typer
from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook
from rich.segment import Segment

__all__ = ["echo_json", "install", "one_line", "safe_json", "terminal_text"]

# Control characters that move the cursor, start escape sequences or ring the bell; tab and
# newline are layout and stay.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides and isolates: they reorder the text around them. The marks
# (LRM, RLM, ALM) only nudge neutral characters and stay.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# What a JSON string may hold raw but a terminal may act on.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    """``text`` without terminal control characters, its bidi controls shown as ``<U+202E>``."""
    text = _CONTROL.sub("", text)
    return _BIDI.sub(_named, text)


def one_line(text: str) -> str:
    """``text`` on one line of output: newlines and carriage returns written as ``\\n``, ``\\r``."""
    return terminal_text(text.replace("\r", "\\r").replace("\n", "\\n"))


def safe_json(text: str) -> str:
    """JSON text with C1 and bidi controls written as ``\\u202e``-style escapes (the same value)."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo_json(data: Any, *, indent: int | None = None) -> None:
    """Print ``data`` as JSON for scripts: every character kept, unsafe ones escaped."""
    typer.echo(safe_json(json.dumps(data, ensure_ascii=False, indent=indent)))


def _named(match: re.Match[str]) -> str:
    return f"<U+{ord(match.group()):04X}>"


class _Sanitised:
    """Renders another renderable with :func:`terminal_text` applied to its text segments."""

    def __init__(self, inner: ConsoleRenderable) -> None:
        self._inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for segment in console.render(self._inner, options):
            if segment.control or not segment.text:
                yield segment
            else:
                yield Segment(terminal_text(segment.text), segment.style)


class _Hook(RenderHook):
    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Sanitised(renderable) for renderable in renderables]


def install(consoles: Sequence[Console]) -> None:
    """Make every later ``print`` on these consoles sanitise the text it renders."""
    for console in consoles:
        console.push_render_hook(_Hook())
