"""Environment variables of ``newsprism serve`` (read by the CLI and by each worker process)."""

from __future__ import annotations

# The configuration each worker process builds its app from (``--workers``), as JSON.
CONFIG_ENV = "NEWSPRISM_SERVE"
# The ingest token (never on a command line, where other users of the machine could read it).
TOKEN_ENV = "NEWSPRISM_TOKEN"
