"""A throwaway PostgreSQL cluster for the tests: initdb and pg_ctl in a temp directory, on
a free localhost port, trust authentication, stopped and deleted at the end.

PostgreSQL refuses to run as root (initdb and postgres both check). When the tests run as
root (CI does), the cluster is created and run as the ``postgres`` system user that
Debian's ``postgresql`` package creates (or ``nobody`` when that user is missing), in a
directory under /tmp that user owns; ``subprocess`` switches user itself (``user=``,
``group=``, no supplementary groups), so no sudo or runuser is needed. As any other user
the cluster simply runs as that user.

The binaries are found in ``$RESUMATCH_PG_BIN``, then ``/usr/lib/postgresql/<newest>/bin``
(Debian), then on ``PATH``. ``RESUMATCH_TEST_DATABASE_URL`` points the tests at an
existing server instead (they create and drop their own schemas there).

Each test gets a fresh schema (``CREATE SCHEMA``, about a millisecond) in one database,
selected through the URL's ``search_path`` option, and dropped afterwards.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg

DATABASE = "resumatch_test"
SUPERUSER = "resumatch"
START_TIMEOUT_S = 60


class PostgresUnavailable(RuntimeError):
    """The server binaries are missing or the cluster did not start (message says why)."""


def find_bin_dir() -> Path:
    """The directory holding initdb, pg_ctl and postgres."""
    candidates = [os.environ.get("RESUMATCH_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit()
                         else 0, reverse=True)
    on_path = shutil.which("pg_ctl")
    candidates.append(str(Path(on_path).resolve().parent) if on_path else "")
    for candidate in candidates:
        if candidate and all((Path(candidate) / tool).is_file()
                             for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(candidate)
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in "
        "$RESUMATCH_PG_BIN, /usr/lib/postgresql/*/bin or PATH. Install them with "
        "`make test-system-deps` (Debian package postgresql), or point "
        "RESUMATCH_TEST_DATABASE_URL at a server the tests may create schemas in.")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as() -> pwd.struct_passwd | None:
    """The unprivileged account to run the server as, or None to run as ourselves."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable("running as root, and there is neither a 'postgres' nor a "
                              "'nobody' user to run the test PostgreSQL server as")


@dataclass
class PostgresServer:
    """A running server the tests may create schemas in."""

    base_url: str  # of the test database, without a schema
    root: Path | None = None  # the cluster's directory, when we started it
    bin_dir: Path | None = None
    account: pwd.struct_passwd | None = None
    schemas: list[str] = field(default_factory=list)

    @property
    def data_dir(self) -> Path | None:
        return self.root / "data" if self.root else None

    @classmethod
    def start(cls) -> PostgresServer:
        """Start a fresh cluster (or use ``RESUMATCH_TEST_DATABASE_URL``)."""
        external = os.environ.get("RESUMATCH_TEST_DATABASE_URL", "").strip()
        if external:
            return cls(base_url=external)
        bin_dir = find_bin_dir()
        account = _run_as()
        # /tmp, not $TMPDIR: the server's user must be able to reach the directory.
        root = Path(tempfile.mkdtemp(prefix="resumatch-pg-",
                                     dir="/tmp" if account else None))
        server = cls(base_url="", root=root, bin_dir=bin_dir, account=account)
        try:
            if account:
                os.chown(root, account.pw_uid, account.pw_gid)
            server._run("initdb", "-D", str(root / "data"), "-U", SUPERUSER, "--auth=trust",
                        "--no-locale", "-E", "UTF8", "--no-sync")
            port = server._start_on_free_port()
            admin = f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {DATABASE}")
            server.base_url = f"postgresql://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}"
        except BaseException:
            server.stop()
            raise
        return server

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        assert self.bin_dir is not None and self.root is not None
        ids = {}
        if self.account:
            ids = {"user": self.account.pw_uid, "group": self.account.pw_gid,
                   "extra_groups": []}
        done = subprocess.run([str(self.bin_dir / tool), *args], cwd=self.root,
                              env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C"},
                              capture_output=True, text=True, timeout=START_TIMEOUT_S,
                              **ids)
        if done.returncode != 0:
            raise PostgresUnavailable(f"{tool} failed ({done.returncode}): "
                                      f"{done.stderr.strip() or done.stdout.strip()}")
        return done

    def _start_on_free_port(self, attempts: int = 3) -> int:
        assert self.root is not None
        error: Exception | None = None
        for _ in range(attempts):
            port = _free_port()
            # fsync off and friends: a test cluster trades durability for speed.
            options = (f"-p {port} -c listen_addresses=127.0.0.1 "
                       f"-c unix_socket_directories={self.root} -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off "
                       "-c max_connections=200")
            try:
                self._run("pg_ctl", "-D", str(self.root / "data"), "-l",
                          str(self.root / "server.log"), "-o", options, "-w",
                          "-t", str(START_TIMEOUT_S), "start")
                return port
            except PostgresUnavailable as err:  # most likely the port was taken meanwhile
                error = err
        log = (self.root / "server.log")
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise PostgresUnavailable(f"the test PostgreSQL server did not start: {error}\n{tail}")

    def stop(self) -> None:
        """Stop the cluster and delete its directory (nothing for an external server)."""
        if self.root is None:
            return
        if (self.root / "data" / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w",
                          "stop")
            except (PostgresUnavailable, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.root, ignore_errors=True)

    # -- per-test schemas ----------------------------------------------------------------
    def new_schema(self) -> str:
        """Create an empty schema; returns a URL whose connections use it."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.base_url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        self.schemas.append(name)
        return self.schema_url(name)

    def schema_url(self, name: str) -> str:
        separator = "&" if "?" in self.base_url else "?"
        return f"{self.base_url}{separator}options={quote(f'-csearch_path={name}')}"

    def drop_schema(self, url: str) -> None:
        """Drop the schema a URL from :meth:`new_schema` uses."""
        name = next(n for n in self.schemas if self.schema_url(n) == url)
        with psycopg.connect(self.base_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")
        self.schemas.remove(name)
