"""A throwaway PostgreSQL cluster for the test suite, from the server programs on this machine.

``cluster()`` runs ``initdb`` in a temporary directory, starts the server with ``pg_ctl`` on a free
loopback TCP port, waits until it accepts connections, and on the way out (also on failure) stops
it and removes the directory. As root, PostgreSQL refuses to run, so the cluster then belongs to an
unprivileged system user (``postgres`` where it exists, else one this module adds).

Run a command against such a cluster, with the suite's settings pointed at it::

    python3 scripts/_postgres.py .venv/bin/python -m pytest -q -p xdist -n 2
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MISSING = (
    "PostgreSQL's server programs (initdb, pg_ctl) were not found on PATH nor in "
    "/usr/lib/postgresql/*/bin: install them (Debian/Ubuntu: apt-get install postgresql)"
)
HOST = "127.0.0.1"
SUPERUSER = "postgres"  # the database role, made by initdb
SYSTEM_USERS = ("postgres", "restflow-pg")  # who runs the server when we are root
START_TIMEOUT = 60.0


class ClusterError(Exception):
    """The cluster could not be made, started or stopped; the message says why."""


@dataclass(frozen=True)
class Programs:
    initdb: Path
    pg_ctl: Path

    @property
    def version(self) -> str:
        completed = subprocess.run(
            [str(self.pg_ctl), "--version"], capture_output=True, text=True, check=False
        )
        return completed.stdout.strip() or "PostgreSQL (unknown version)"


@dataclass(frozen=True)
class Cluster:
    host: str
    port: int
    directory: Path

    def environment(self) -> dict[str, str]:
        """The variables that point the suite's settings (tests/project/settings.py) here."""
        return {
            "RESTFLOW_TESTING_DATABASE": "postgresql",
            "RESTFLOW_TESTING_PG_HOST": self.host,
            "RESTFLOW_TESTING_PG_PORT": str(self.port),
        }


def find_programs() -> Programs | None:
    """``initdb`` and ``pg_ctl`` from one installation, or None when there is none."""
    directories: list[Path] = []
    on_path = shutil.which("pg_ctl")
    if on_path is not None:
        # Debian links the programs into /usr/local/bin or the like: follow to the real directory.
        directories += [Path(on_path).parent, Path(on_path).resolve().parent]
    installed = Path("/usr/lib/postgresql").glob("*/bin")
    directories += sorted(installed, key=_version_key, reverse=True)
    for directory in directories:
        initdb, pg_ctl = directory / "initdb", directory / "pg_ctl"
        if all(os.access(program, os.X_OK) for program in (initdb, pg_ctl)):
            return Programs(initdb=initdb, pg_ctl=pg_ctl)
    return None


def _version_key(bin_dir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bin_dir.parent.name))


@dataclass(frozen=True)
class _RunAs:
    """Who runs initdb and the server: ourselves, or (when we are root) an unprivileged user."""

    uid: int | None = None
    gid: int | None = None
    name: str | None = None

    def run(self, command: list[str], *, cwd: Path) -> subprocess.CompletedProcess[str]:
        # PGDATA, PGPORT and friends would steer initdb and pg_ctl elsewhere.
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env["LC_ALL"] = "C"
        if self.name is not None:
            env |= {"HOME": str(cwd), "USER": self.name, "LOGNAME": self.name}
        return subprocess.run(
            command,
            cwd=cwd,
            env=env,
            user=self.uid,
            group=self.gid,
            extra_groups=[] if self.uid is not None else None,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )


def _run_as() -> _RunAs:
    if os.geteuid() != 0:
        return _RunAs()
    for name in SYSTEM_USERS:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return _RunAs(uid=entry.pw_uid, gid=entry.pw_gid, name=name)
    name = SYSTEM_USERS[-1]
    print(f"=== adding the system user {name} to run PostgreSQL (it refuses to run as root)")
    useradd = [
        "useradd", "--system", "--user-group", "--no-create-home",
        "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name,
    ]  # fmt: skip
    completed = subprocess.run(useradd, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise ClusterError(f"useradd {name} failed: {completed.stderr.strip()}")
    entry = pwd.getpwnam(name)
    return _RunAs(uid=entry.pw_uid, gid=entry.pw_gid, name=name)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for_connections(port: int, deadline: float) -> None:
    while True:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                message = f"no connection on {HOST}:{port} after {START_TIMEOUT:.0f}s"
                raise ClusterError(message) from None
            time.sleep(0.1)


def _failure(what: str, completed: subprocess.CompletedProcess[str], log: Path | None) -> str:
    text = (completed.stdout + completed.stderr).strip()
    if log is not None and log.exists():
        text += "\n--- server log:\n" + log.read_text(errors="replace").strip()
    return f"{what} failed (exit {completed.returncode}):\n{text[-3000:]}"


@contextmanager
def cluster(programs: Programs) -> Iterator[Cluster]:
    """A fresh cluster, trusted role ``postgres``, reachable on ``127.0.0.1`` at a free port."""
    owner = _run_as()
    directory = Path(tempfile.mkdtemp(prefix="restflow-pg-"))
    data, log = directory / "data", directory / "server.log"
    started = False
    try:
        if owner.uid is not None:
            os.chown(directory, owner.uid, owner.gid if owner.gid is not None else -1)
        initdb_command = [
            str(programs.initdb), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        ]  # fmt: skip
        initdb = owner.run(initdb_command, cwd=directory)
        if initdb.returncode != 0:
            raise ClusterError(_failure("initdb", initdb, None))
        port = _free_port()
        # A throwaway cluster: no need to survive a crash, so skip the disk flushes.
        server_options = [
            "-h", HOST, "-p", str(port), "-k", str(directory),
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        ]  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        start_command = [
            str(programs.pg_ctl), "start", "-D", str(data), "-l", str(log), "-w",
            "-t", str(int(START_TIMEOUT)), "-o", shlex.join(server_options),
        ]  # fmt: skip
        start = owner.run(start_command, cwd=directory)
        started = (data / "postmaster.pid").exists()
        if start.returncode != 0:
            raise ClusterError(_failure("pg_ctl start", start, log))
        _wait_for_connections(port, deadline)
        print(f"=== {programs.version} started on {HOST}:{port} ({directory})", flush=True)
        yield Cluster(host=HOST, port=port, directory=directory)
    finally:
        try:
            if started:
                _stop(programs, owner, data, log, directory)
        finally:
            shutil.rmtree(directory, ignore_errors=True)


def _stop(programs: Programs, owner: _RunAs, data: Path, log: Path, directory: Path) -> None:
    stop_command = [str(programs.pg_ctl), "stop", "-D", str(data), "-w", "-m"]
    stop = owner.run([*stop_command, "fast"], cwd=directory)
    if stop.returncode == 0:
        print("=== PostgreSQL stopped", flush=True)
        return
    forced = owner.run([*stop_command, "immediate"], cwd=directory)
    message = _failure("pg_ctl stop -m fast", stop, log)
    if forced.returncode != 0:
        message += "\n" + _failure("pg_ctl stop -m immediate", forced, None)
    raise ClusterError(message)


def run_with_cluster(command: list[str]) -> int:
    """Run ``command`` against a fresh cluster; its exit status (2 when there is no PostgreSQL)."""
    programs = find_programs()
    if programs is None:
        print(f"=== {MISSING}", file=sys.stderr)
        return 2
    try:
        with cluster(programs) as pg:
            environment = {**os.environ, **pg.environment()}
            return subprocess.run(command, env=environment, check=False).returncode
    except ClusterError as error:
        print(f"=== PostgreSQL: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(f"usage: python3 {sys.argv[0]} COMMAND [ARGUMENT...]")
    sys.exit(run_with_cluster(sys.argv[1:]))
