"""Reading newsprism's TOML rule files, with ``file:line`` in every error.

Every rule file in ``newsprism/data`` (boilerplate, dates, metadata, reporting verbs, titles, roles,
entities, affiliations, time words, compare rules, outlets), or a user's file in its place, is read
through :func:`read_data_file`; the typed getters below check each value and raise
:class:`ConfigError` naming the file and the line of the offending key (or of the offending
``[[entry]]`` of an array of tables). Any stage may use it; it is the only TOML rule reader.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from newsprism.errors import ConfigError

__all__ = [
    "DataFile",
    "entries",
    "integer",
    "number",
    "read_data_file",
    "read_word_changes",
    "read_word_list",
    "regex",
    "stop_words",
    "string",
    "table",
    "words",
]

STOP_WORDS_FILE = "stop_words.txt"


@dataclass(frozen=True, slots=True)
class DataFile:
    """A parsed rule file with its text, for locating keys in messages.

    Attributes:
        data: The parsed TOML.
        text: The file's text.
        where: The file name or path, as messages give it.
    """

    data: dict[str, Any]
    text: str
    where: str

    def at(self, key: str, *, within: str | None = None) -> str:
        """``file:line`` of the line where ``key`` is defined (``file`` alone if not found).

        Args:
            key: A key or table name.
            within: A table (dotted name) whose section is searched first, so that a key that
                several tables share ("max_words") is found in the right one.
        """
        pattern = re.compile(
            rf'^\s*(?:\[+\s*)?(?:"{re.escape(key)}"|{re.escape(key)})\s*(?:=|\]|$)'
        )
        lines = self.text.splitlines()
        start = 0
        if within is not None:
            header = re.compile(rf"^\s*\[+\s*{re.escape(within)}\s*\]")
            start = next((i for i, line in enumerate(lines) if header.match(line)), 0)
        for number in range(start, len(lines)):
            if pattern.match(lines[number]):
                return f"{self.where}:{number + 1}"
        return self.where

    def entry_at(self, key: str, number: int) -> str:
        """``file:line`` of the ``number``-th (1-based) ``[[key]]`` entry of an array of tables."""
        header = re.compile(rf"^\s*\[\[\s*{re.escape(key)}\s*\]\]")
        seen = 0
        for index, line in enumerate(self.text.splitlines(), start=1):
            if header.match(line):
                seen += 1
                if seen == number:
                    return f"{self.where}:{index}"
        return self.where

    def error(
        self, message: str, *, key: str | None = None, within: str | None = None
    ) -> ConfigError:
        """A :class:`ConfigError` pointing at ``key`` (in table ``within``), or at the file."""
        where = self.at(key, within=within) if key is not None else self.where
        return ConfigError(message, where=where)


def read_data_file(name: str, path: Path | None = None) -> DataFile:
    """Read a packaged rule file, or a user's file in its place.

    Args:
        name: The packaged file's name in ``newsprism/data`` ("titles.toml").
        path: A file with the same layout to read instead; ``None`` reads the packaged one.

    Raises:
        ConfigError: The file cannot be read or is not valid TOML.
    """
    if path is None:
        where = name
        text = resources.files("newsprism.data").joinpath(name).read_text("utf-8")
    else:
        where = str(path)
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise ConfigError(
                f"cannot read the rule file ({exc.strerror}); check the path, or leave it out to"
                f" use the packaged {name}",
                where=where,
            ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML ({exc}); fix the line it names", where=where) from exc
    return DataFile(data=data, text=text, where=where)


def table(file: DataFile, *keys: str) -> dict[str, Any]:
    """The table at ``keys`` ("units", "day"), checked to be a table.

    Raises:
        ConfigError: The table is missing or is not a table.
    """
    value: Any = file.data
    for depth, key in enumerate(keys):
        value = value.get(key) if isinstance(value, dict) else None
        if not isinstance(value, dict):
            name = ".".join(keys[: depth + 1])
            raise ConfigError(
                f"missing table [{name}]; restore it from the packaged file", where=file.at(key)
            )
    return dict(value)


def entries(
    file: DataFile, key: str, *, required: bool = True
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The tables of the array of tables ``[[key]]``, each with its ``file:line``.

    Args:
        file: The file.
        key: The array's name ("outlet", "marker"; dotted for a nested one: "contributors.pattern").
        required: Whether an absent or empty array is an error.

    Raises:
        ConfigError: The array is missing (when required) or an entry is not a table.
    """
    value: Any = file.data
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None and not required:
        return
    if not isinstance(value, list) or (required and not value):
        raise ConfigError(
            f"no [[{key}]] entries; restore them from the packaged file", where=file.where
        )
    for number, entry in enumerate(value, start=1):
        where = file.entry_at(key, number)
        if not isinstance(entry, dict):
            raise ConfigError(f"[[{key}]] entry {number} must be a table", where=where)
        yield where, entry


def words(
    file: DataFile,
    container: dict[str, Any],
    key: str,
    *,
    name: str,
    allow_empty: bool = False,
    within: str | None = None,
) -> tuple[str, ...]:
    """A non-empty list of non-empty strings under ``key`` of ``container``.

    Args:
        file: The file, for messages.
        container: The table holding the list.
        key: The list's key.
        name: The dotted name of the key, for messages ("labels.entities").
        allow_empty: Accept an empty list.
        within: The table holding the key, to locate its line.

    Raises:
        ConfigError: The key is missing, or not a list of non-empty strings.
    """
    value = container.get(key)
    if (
        not isinstance(value, list)
        or (not value and not allow_empty)
        or not all(isinstance(item, str) and item.strip() for item in value)
    ):
        size = "a list" if allow_empty else "a non-empty list"
        raise ConfigError(
            f"{name} must be {size} of non-empty strings", where=file.at(key, within=within)
        )
    return tuple(value)


def number(
    file: DataFile,
    container: dict[str, Any],
    key: str,
    *,
    name: str,
    minimum: float | None = None,
    maximum: float | None = None,
    within: str | None = None,
) -> float:
    """The number under ``key`` of ``container``, within ``[minimum, maximum]`` when given.

    Raises:
        ConfigError: The key is missing, not a number, or out of range.
    """
    value = container.get(key)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
    ):
        bounds = f" from {minimum} to {maximum}" if None not in (minimum, maximum) else ""
        raise ConfigError(
            f"{name} must be a number{bounds}, got {value!r}", where=file.at(key, within=within)
        )
    return float(value)


def regex(
    file: DataFile,
    container: dict[str, Any],
    key: str,
    *,
    name: str,
    flags: int = 0,
    within: str | None = None,
) -> re.Pattern[str]:
    """The regular expression under ``key`` of ``container``, compiled with ``flags``.

    Raises:
        ConfigError: The key is missing, not a string, or does not compile.
    """
    value = container.get(key)
    if not isinstance(value, str):
        raise ConfigError(
            f"{name} must be a regular expression string", where=file.at(key, within=within)
        )
    try:
        return re.compile(value, flags)
    except re.error as exc:
        raise ConfigError(
            f"{name} does not compile ({exc})", where=file.at(key, within=within)
        ) from exc


def string(
    file: DataFile, container: dict[str, Any], key: str, *, name: str, within: str | None = None
) -> str:
    """The string under ``key`` of ``container`` (may be empty).

    Raises:
        ConfigError: The key is missing or not a string.
    """
    value = container.get(key)
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be a string", where=file.at(key, within=within))
    return value


def integer(
    file: DataFile,
    container: dict[str, Any],
    key: str,
    *,
    name: str,
    minimum: int | None = None,
    within: str | None = None,
) -> int:
    """The integer under ``key`` of ``container``, at least ``minimum`` when given.

    Raises:
        ConfigError: The key is missing, not an integer, or below ``minimum``.
    """
    value = container.get(key)
    where = file.at(key, within=within)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be an integer, got {value!r}", where=where)
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}", where=where)
    return value


def read_word_list(name: str, path: Path | None = None) -> tuple[str, ...]:
    """A packaged word list (one entry a line, ``#`` comments), or a user's file in its place.

    Args:
        name: The packaged file's name in ``newsprism/data`` ("stop_words.txt").
        path: A file with the same layout to read instead.

    Raises:
        ConfigError: The file cannot be read, or holds no entry.
    """
    if path is None:
        where = name
        text = resources.files("newsprism.data").joinpath(name).read_text("utf-8")
    else:
        where = str(path)
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise ConfigError(
                f"cannot read the word list ({exc.strerror}); check the path", where=where
            ) from exc
    entries = tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
    if not entries:
        raise ConfigError("the word list holds no entry; one word a line", where=where)
    return entries


def read_word_changes(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """A packaged list of changes to another word list: ``+word`` adds, ``-word`` removes.

    Returns:
        (the words added, the words removed).

    Raises:
        ConfigError: A line is neither ``+word`` nor ``-word`` (``file:line`` in the message).
    """
    text = resources.files("newsprism.data").joinpath(name).read_text("utf-8")
    added: set[str] = set()
    removed: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry[0] not in "+-" or not entry[1:].strip():
            raise ConfigError(
                f"expected '+word' or '-word', got {entry!r}", where=f"{name}:{number}"
            )
        (added if entry[0] == "+" else removed).add(entry[1:].strip())
    return frozenset(added), frozenset(removed)


@functools.cache
def stop_words() -> frozenset[str]:
    """newsprism's one English stop-word list (``data/stop_words.txt``, from spaCy), lower case."""
    return frozenset(read_word_list(STOP_WORDS_FILE))
