"""A PostgreSQL server for the tests: the one named by FACTCHECK_TEST_PG, else a throwaway
cluster started here from the installed PostgreSQL binaries, else None (with the reason).

FACTCHECK_TEST_PG is an admin URL (a role that may CREATE DATABASE), e.g. the cluster
``.ci/run`` starts: ``postgresql://factcheck:PASSWORD@127.0.0.1:PORT/postgres``.  When it is
set, the server must be reachable: the PostgreSQL tests fail rather than skip.  Each test
gets a database of its own (``fresh_database``), dropped afterwards.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

ENV = "FACTCHECK_TEST_PG"
PASSWORD = "fc-test-secret"

_state: dict = {}


def _binaries() -> str | None:
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(found)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(candidates[-1]) if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_throwaway() -> tuple[str | None, str]:
    """initdb + pg_ctl start in a temporary directory; (admin URL, reason if none)."""
    bindir = _binaries()
    if bindir is None:
        return None, "no PostgreSQL server: set FACTCHECK_TEST_PG or install PostgreSQL (initdb not found)"
    base = tempfile.mkdtemp(prefix="factcheck-pg-")
    data, pwfile = os.path.join(base, "data"), os.path.join(base, "pw")
    with open(pwfile, "w") as fh:
        fh.write(PASSWORD + "\n")
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: run the server as the postgres user
        runuser = shutil.which("runuser")
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return None, "no PostgreSQL server: running as root and there is no 'postgres' user to run it"
        if runuser is None:
            return None, "no PostgreSQL server: running as root without runuser"
        shutil.chown(base, "postgres")
        shutil.chown(pwfile, "postgres")
        prefix = [runuser, "-u", "postgres", "--"]
    port = _free_port()
    try:
        subprocess.run([*prefix, f"{bindir}/initdb", "-D", data, "-U", "factcheck", "--pwfile", pwfile,
                        "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run([*prefix, f"{bindir}/pg_ctl", "-D", data, "-l", os.path.join(base, "log"), "-w",
                        "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off", "start"],
                       check=True, capture_output=True, timeout=120)
    except (subprocess.SubprocessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        return None, f"no PostgreSQL server: could not start one ({exc}; {detail.decode(errors='replace')[-300:]})"

    def stop() -> None:
        subprocess.run([*prefix, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)

    atexit.register(stop)
    return f"postgresql://factcheck:{PASSWORD}@127.0.0.1:{port}/postgres", ""


def admin_url() -> tuple[str | None, str]:
    """(admin URL, why there is none).  Computed once per test session."""
    if "url" not in _state:
        explicit = os.environ.get(ENV)
        if explicit:
            _state["url"], _state["reason"], _state["required"] = explicit, "", True
        else:
            _state["url"], _state["reason"] = _start_throwaway()
            _state["required"] = False
    return _state["url"], _state["reason"]


def driver_missing() -> str | None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return 'psycopg is not installed (pip install "factcheck[postgres]")'
    return None


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def fresh_database() -> str:
    """CREATE DATABASE with a new name; returns its URL (dropped by drop_database)."""
    import psycopg

    url, _ = admin_url()
    name = "fc_" + uuid.uuid4().hex[:12]
    for attempt in range(50):
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            break
        except psycopg.OperationalError:
            if attempt == 49:
                raise
            time.sleep(0.1)  # the server is still starting
    return with_database(url, name)


def drop_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin, _ = admin_url()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


__all__ = ["ENV", "PASSWORD", "admin_url", "drop_database", "driver_missing", "fresh_database", "with_database"]
