"""newsprism's exceptions: one base class, a code on every message.

The tree::

    NewsprismError                    base; every error newsprism raises on purpose
     ├── InputError                   the user's input cannot be used (CLI exit 2)
     │    ├── UnreadableInputError    empty, binary, undecodable, unknown format
     │    ├── MalformedRecordError    a bad JSONL line, feed, WARC or gzip stream
     │    ├── InputTooLargeError      a file or response over the size limit
     │    ├── FetchError              a URL could not be fetched
     │    ├── NoArticleError          the input holds no article text
     │    └── QueryError              a search query or filter that cannot be run
     ├── ConfigError                  a settings, lexicon or rules file is wrong
     └── StoreError                   the database cannot be opened or written

Each class states when it occurs. Messages name the input (file, line or URL), say what was
expected and what to do, and begin with a searchable code such as ``[E104]``.
"""

from __future__ import annotations


class NewsprismError(Exception):
    """Base class of every error newsprism raises on purpose.

    Args:
        message: What went wrong and what to do about it.
        where: The file, ``file:line`` or URL concerned, when there is one.
    """

    code = "E000"

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"[{self.code}] {prefix}{self.message}"


class InputError(NewsprismError):
    """The user's input cannot be used as given."""

    code = "E100"


class UnreadableInputError(InputError):
    """A file is empty, binary, in an unknown format, or cannot be decoded as text."""

    code = "E101"


class MalformedRecordError(InputError):
    """A record inside a container is broken: a JSONL line, a feed, a WARC or gzip stream."""

    code = "E102"


class InputTooLargeError(InputError):
    """A file or HTTP response is larger than the configured limit (``ingest.max_bytes``)."""

    code = "E103"


class FetchError(InputError):
    """A URL could not be fetched after the configured retries."""

    code = "E104"


class NoArticleError(InputError):
    """The input was read but holds no article text (an index page, an empty shell)."""

    code = "E105"


class QueryError(InputError):
    """A search query has no word to search for, or a filter that cannot apply (issue 11)."""

    code = "E110"


class ConfigError(NewsprismError):
    """A settings, lexicon or rules file is missing, unparsable, or has a wrong value."""

    code = "E200"


class StoreError(NewsprismError):
    """The database cannot be opened, migrated or written."""

    code = "E300"
