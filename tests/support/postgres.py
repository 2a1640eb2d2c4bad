"""A PostgreSQL server of the test's own, on a port of its own, to stop and start:
fault tests never break the shared one.

It needs the PostgreSQL server programs (`initdb`, `pg_ctl`: Debian's `postgresql`
package, which `.ci/run` installs). As root it runs them as the `postgres` user, as
PostgreSQL requires.
"""

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.processes import free_port

START_SECONDS = 60


def _find(name: str) -> str | None:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else shutil.which(name)


def postgres_programs() -> bool:
    return all(_find(name) for name in ("initdb", "pg_ctl"))


def _program(name: str) -> str:
    found = _find(name)
    if found is None:
        raise RuntimeError(
            f"{name} not found: install PostgreSQL's server programs "
            "(apt-get install -y postgresql), as .ci/run does"
        )
    return found


class OwnedPostgres:
    def __init__(self) -> None:
        self.port = free_port()
        self._directory = Path(tempfile.mkdtemp(prefix="partner-connect-pg-"))
        self.data = self._directory / "data"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self._directory, user.pw_uid, user.pw_gid)
        self._run(_program("initdb"), "-D", str(self.data), "--auth=trust", "-U", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        subprocess.run(
            [*prefix, *command],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=START_SECONDS,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self._directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self._directory / "server.log")
        self._run(_program("pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run(_program("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self._directory, ignore_errors=True)
