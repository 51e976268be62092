"""Reading newsprism's TOML rule files, with ``file:line`` in every error.

Every rule file in ``newsprism/data`` (boilerplate, dates, metadata, reporting verbs, titles, roles,
entities, affiliations, time words, compare rules), or a user's file in its place, is read through
:func:`read_data_file`; the typed getters below check each value and raise :class:`ConfigError`
naming the file and the line of the offending key. Any stage may use it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from newsprism.errors import ConfigError

__all__ = ["DataFile", "integer", "read_data_file", "string", "table", "words"]


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

    def at(self, key: str) -> str:
        """``file:line`` of the line where ``key`` is defined (``file`` alone if not found)."""
        pattern = re.compile(
            rf'^\s*(?:\[+\s*)?(?:"{re.escape(key)}"|{re.escape(key)})\s*(?:=|\]|$)'
        )
        for number, line in enumerate(self.text.splitlines(), start=1):
            if pattern.match(line):
                return f"{self.where}:{number}"
        return self.where


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


def words(file: DataFile, container: dict[str, Any], key: str, *, name: str) -> tuple[str, ...]:
    """A non-empty list of non-empty strings under ``key`` of ``container``.

    Args:
        file: The file, for messages.
        container: The table holding the list.
        key: The list's key.
        name: The dotted name of the key, for messages ("labels.entities").

    Raises:
        ConfigError: The key is missing, or not a list of non-empty strings.
    """
    value = container.get(key)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(item, str) and item.strip() for item in value)
    ):
        raise ConfigError(
            f"{name} must be a non-empty list of non-empty strings", where=file.at(key)
        )
    return tuple(value)


def string(file: DataFile, container: dict[str, Any], key: str, *, name: str) -> str:
    """The string under ``key`` of ``container`` (may be empty).

    Raises:
        ConfigError: The key is missing or not a string.
    """
    value = container.get(key)
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be a string", where=file.at(key))
    return value


def integer(
    file: DataFile, container: dict[str, Any], key: str, *, name: str, minimum: int | None = None
) -> int:
    """The integer under ``key`` of ``container``, at least ``minimum`` when given.

    Raises:
        ConfigError: The key is missing, not an integer, or below ``minimum``.
    """
    value = container.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be an integer, got {value!r}", where=file.at(key))
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}", where=file.at(key))
    return value
