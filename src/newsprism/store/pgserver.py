"""A throwaway PostgreSQL server in a temporary folder, for tests, benchmarks and trying it out.

``initdb`` makes a cluster in a new temporary folder and ``pg_ctl`` starts it listening on a Unix
socket in that folder only (no TCP port, so servers of several users never collide). PostgreSQL
refuses to run as root: when this process is root, the server runs as the ``postgres`` user if
there is one, else as ``nobody``. Nothing here is used by the stores themselves.

>>> with TemporaryServer.start() as server:          # doctest: +SKIP
...     server.create_database("news")
...     url = server.url("news")                      # postgresql://newsprism@/news?host=...
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import quote

from newsprism.errors import StoreError

_SUPERUSER = "newsprism"
_DEBIAN_BIN = Path("/usr/lib/postgresql")
# Settings that make a scratch server fast: it holds nothing worth an fsync.
_SCRATCH_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


def find_binaries() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: on PATH, else Debian's newest version.

    Raises:
        StoreError: No PostgreSQL server binaries are installed.
    """
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    versions = sorted(
        (p for p in _DEBIAN_BIN.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    raise StoreError(
        "no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql;"
        " install Debian's 'postgresql' package",
        where="PATH",
    )


@dataclass(slots=True)
class TemporaryServer:
    """A running scratch server; ``stop()`` (or leaving the ``with`` block) removes it all.

    Attributes:
        folder: The temporary folder holding the data directory, the socket and the log.
        bin_dir: Where its binaries are.
    """

    folder: Path
    bin_dir: Path
    _run_as: tuple[int, int] | None
    _running: bool = True

    @classmethod
    def start(cls, *, scratch: bool = True, timeout_seconds: int = 60) -> TemporaryServer:
        """Create a cluster in a new temporary folder and start it.

        Args:
            scratch: Turn off fsync and full-page writes (fast, not crash safe); ``False``
                keeps PostgreSQL's durable defaults, as a benchmark should.
            timeout_seconds: How long to wait for the server to accept connections.

        Raises:
            StoreError: The binaries are missing, or initdb or pg_ctl failed (their log is in
                the message).
        """
        bin_dir = find_binaries()
        folder = Path(tempfile.mkdtemp(prefix="newsprism-pg-"))
        run_as = _unprivileged_user() if os.geteuid() == 0 else None
        if run_as is not None:
            os.chown(folder, *run_as)
        server = cls(folder, bin_dir, run_as)
        try:
            server._run(
                "initdb", "-D", str(server.data), "-U", _SUPERUSER, "--auth=trust",
                "-E", "UTF8", "--locale=C", "--no-sync",
            )  # fmt: skip
            options = [f"-k {folder}", "-c listen_addresses=''"]
            if scratch:
                options += [f"-c {setting}" for setting in _SCRATCH_SETTINGS]
            server._run(
                "pg_ctl", "-D", str(server.data), "-l", str(server.log), "-w",
                "-t", str(timeout_seconds), "-o", " ".join(options), "start",
            )  # fmt: skip
        except StoreError:
            server._running = False
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return server

    @property
    def data(self) -> Path:
        """The cluster's data directory."""
        return self.folder / "data"

    @property
    def log(self) -> Path:
        """The server's log file."""
        return self.folder / "server.log"

    def url(self, database: str = "postgres") -> str:
        """A ``postgresql://`` URL for one database of this server, over its Unix socket."""
        return f"postgresql://{_SUPERUSER}@/{quote(database)}?host={quote(str(self.folder))}"

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """Create a database (a copy of ``template`` when given) and return its URL."""
        self._sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing any connection still open to it."""
        self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        if not self._running:
            return
        self._running = False
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(statement.encode("utf-8"))

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self.bin_dir / program), *arguments]
        user, group = self._run_as if self._run_as else (None, None)
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            user=user,
            group=group,
            extra_groups=[] if self._run_as else None,
            cwd=self.folder,
            env={**os.environ, "LC_ALL": "C"},
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise StoreError(
                f"{program} failed with exit code {result.returncode}:"
                f" {result.stderr.strip() or result.stdout.strip()} {log}".strip(),
                where=str(self.folder),
            )


def _unprivileged_user() -> tuple[int, int]:
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise StoreError(
        "running as root and neither a 'postgres' nor a 'nobody' user exists to run the server",
        where="/etc/passwd",
    )
