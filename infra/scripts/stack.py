"""Bring up what Sangdam needs and run something on it: `run`, `test`, `e2e`, `eval`, `bench`, `migrate`, `exec`.

Embedded PostgreSQL and Redis are used unless DATABASE_URL / REDIS_URL are set. `run` keeps its data under
.data/run and reuses it; every other mode starts throw-away services on free ports and removes them after.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from embedded import Postgres, Redis, free_port, port_open

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
ADMIN = ("admin@sangdam.dev", "sangdam-admin")
DEMO = ("demo@sangdam.dev", "sangdam-demo")
# uvicorn would believe X-Forwarded-For from loopback; the app trusts only FORWARDED_ALLOW_IPS itself.
UVICORN = [PY, "-m", "uvicorn", "app.main:app", "--no-proxy-headers"]


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(extra)
    env["PYTHONPATH"] = str(ROOT / "backend")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


@contextlib.contextmanager
def services(persistent: bool):
    """Yield env vars pointing at PostgreSQL and Redis, starting embedded ones where none is configured."""
    base = ROOT / ".data" / "run" if persistent else Path(tempfile.mkdtemp(prefix="svc-", dir=_tmp_root()))
    started: list = []
    env: dict[str, str] = {}
    try:
        if os.environ.get("DATABASE_URL"):
            env["DATABASE_URL"] = os.environ["DATABASE_URL"]
        else:
            port = int(os.environ.get("SANGDAM_PG_PORT", "54329")) if persistent else free_port()
            pg = Postgres(base / "postgres", port)
            pg.start()
            started.append(pg)
            env["DATABASE_URL"] = pg.url
        if os.environ.get("REDIS_URL"):
            env["REDIS_URL"] = os.environ["REDIS_URL"]
        else:
            port = int(os.environ.get("SANGDAM_REDIS_PORT", "63799")) if persistent else free_port()
            redis = Redis(base / "redis", port, persist=persistent)
            if not (persistent and port_open(port) and pg_reused(started)):
                redis.start()  # else: the running `make run` owns it (make import beside make run)
                started.append(redis)
            env["REDIS_URL"] = redis.url
        if not _configured_secret_key():
            env["SECRET_KEY"] = _run_secret_key(base) if persistent else secrets.token_urlsafe(48)
        yield env
    finally:
        for svc in reversed(started):
            svc.stop()
        if not persistent:
            shutil.rmtree(base, ignore_errors=True)


def _configured_secret_key() -> str:
    """SECRET_KEY from the environment or the repo's .env, if either sets one."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    dotenv = ROOT / ".env"
    if dotenv.is_file():
        from dotenv import dotenv_values

        return dotenv_values(dotenv).get("SECRET_KEY") or ""
    return ""


def _run_secret_key(base: Path) -> str:
    """The signing key of the `make run` data: generated on the first run, kept so sessions survive restarts."""
    path = base / "secret_key"
    if path.is_file() and (key := path.read_text().strip()):
        return key
    base.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key


def pg_reused(started: list) -> bool:
    """False when we started PostgreSQL ourselves (so a busy Redis port is someone else's)."""
    return not any(isinstance(s, Postgres) and not s.reused for s in started)


def _tmp_root() -> Path:
    path = ROOT / ".data" / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sh(args: list[str], env: dict[str, str], check: bool = True, **kw) -> int:
    """Run a command in the repo with the stack's environment."""
    code = subprocess.run(args, cwd=ROOT, env=_env(env), **kw).returncode
    if check and code != 0:
        raise SystemExit(code)
    return code


def migrate(env: dict[str, str]) -> None:
    sh([PY, "-m", "alembic", "-c", "migrations/alembic.ini", "upgrade", "head"], env)


def seed(env: dict[str, str]) -> None:
    sh([PY, "-m", "app.cli", "seed"], env)


class Procs:
    """Child processes (API, worker) stopped together."""

    def __init__(self) -> None:
        self.items: list[subprocess.Popen] = []

    def start(self, args: list[str], env: dict[str, str], log: Path | None = None) -> subprocess.Popen:
        out = open(log, "ab") if log else None
        proc = subprocess.Popen(args, cwd=ROOT, env=_env(env), stdout=out, stderr=subprocess.STDOUT if out else None,
                                start_new_session=True)
        self.items.append(proc)
        return proc

    def stop(self) -> None:
        for p in self.items:
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        deadline = time.time() + 10
        for p in self.items:
            try:
                p.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)


def serve(procs: Procs, env: dict[str, str], port: int, logdir: Path | None = None) -> None:
    """Start the API (serving the SPA) and an arq worker; wait until /readyz is green."""
    procs.start([PY, "-m", "arq", "app.worker.WorkerSettings"], env, logdir / "worker.log" if logdir else None)
    api = procs.start([*UVICORN, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env,
                      logdir / "api.log" if logdir else None)
    url = f"http://127.0.0.1:{port}/readyz"
    for _ in range(600):
        if api.poll() is not None:
            raise SystemExit(f"API exited with {api.returncode}" + (f"; see {logdir / 'api.log'}" if logdir else ""))
        with contextlib.suppress(Exception):
            if urllib.request.urlopen(url, timeout=1).status == 200:
                return
        time.sleep(0.2)
    raise SystemExit("API did not become ready in 120 s")


def _stop_on_sigterm() -> None:
    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)  # also when started in the background, where SIGINT is ignored


def cmd_run(args) -> int:
    port = int(os.environ.get("PORT", "8000"))
    if port_open(port):
        raise SystemExit(f"Port {port} is already in use (another `make run`?); set PORT=<other port>.")
    _stop_on_sigterm()
    with services(persistent=True) as env:
        migrate(env)
        seed(env)
        procs = Procs()
        try:
            serve(procs, env, port)
            faq_ws = Path(args.faq).stem if args.faq else None
            if faq_ws:  # its own workspace, never the demo's; imported by the worker (progress in the Knowledge screen)
                sh([PY, "-m", "app.cli", "import", args.faq, "--workspace", faq_ws, "--create", "--background"], env)
            imported = f"  FAQ:         {args.faq} into the workspace '{faq_ws}'\n" if faq_ws else ""
            print(f"\n  Sangdam is up: http://127.0.0.1:{port}\n"
                  f"  admin login: {ADMIN[0]} / {ADMIN[1]}\n"
                  f"  demo login:  {DEMO[0]} / {DEMO[1]}\n{imported}"
                  f"  API docs:    http://127.0.0.1:{port}/api/v1/docs\n  Ctrl-C stops everything.\n", flush=True)
            while all(p.poll() is None for p in procs.items):
                time.sleep(0.5)
            return 1
        except KeyboardInterrupt:
            return 0
        finally:
            procs.stop()


def cmd_test(args) -> int:
    """Backend tests on throw-away services, then the e2e journeys against a live server."""
    code = 0
    with services(persistent=False) as env:
        migrate(env)
        if not args.e2e_only:
            code = subprocess.run([PY, "-m", "pytest", *args.pytest_args], cwd=ROOT / "backend",
                                  env=_env(env | {"SANGDAM_ENV": "test"})).returncode
        if args.e2e or args.e2e_only:
            code = _e2e(env) or code
    return code


def _e2e(env: dict[str, str]) -> int:
    seed(env)
    port = free_port()
    logdir = Path(tempfile.mkdtemp(prefix="e2e-logs-", dir=_tmp_root()))
    procs = Procs()
    try:
        serve(procs, env | {"LOGIN_MAX_ATTEMPTS": "1000", "LOGIN_MAX_ATTEMPTS_PER_ADDRESS": "1000",
                            "CHAT_MESSAGES_PER_MINUTE": "1000", "CHAT_SESSIONS_PER_HOUR": "1000"}, port, logdir)
        # E2E_ARGS narrows the run while working on one journey, e.g. E2E_ARGS="tests/chat.spec.ts".
        extra = os.environ.get("E2E_ARGS", "").split()
        code = subprocess.run(["npx", "playwright", "test", "-c", "playwright.config.ts", *extra], cwd=ROOT / "e2e",
                              env=_env(env | {"E2E_BASE_URL": f"http://127.0.0.1:{port}"})).returncode
        if code != 0:
            for name in ("api.log", "worker.log"):
                tail = (logdir / name).read_text(errors="replace")[-3000:]
                print(f"---- {name} (tail) ----\n{tail}")
        return code
    finally:
        procs.stop()


def cmd_exec(args) -> int:
    """Run a command with migrated services: throw-away ones (eval, bench) or the `run` ones (--persistent)."""
    with services(persistent=args.persistent) as env:
        migrate(env)
        return subprocess.run(args.command, cwd=ROOT, env=_env(env)).returncode


def cmd_dev(args) -> int:
    """API with auto-reload plus a worker, on the `run` data."""
    _stop_on_sigterm()
    with services(persistent=True) as env:
        migrate(env)
        seed(env)
        procs = Procs()
        try:
            procs.start([PY, "-m", "arq", "app.worker.WorkerSettings"], env)
            api = procs.start([*UVICORN, "--reload", "--reload-dir", "backend/app",
                               "--host", "127.0.0.1", "--port", os.environ.get("PORT", "8000")], env)
            return api.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            procs.stop()


def cmd_migrate(args) -> int:
    with services(persistent=True) as env:
        migrate(env)
        if args.revision:
            sh([PY, "-m", "alembic", "-c", "migrations/alembic.ini", "revision", "--autogenerate", "-m", args.revision],
               env)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="stack")
    sub = parser.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run")
    run.add_argument("--faq", default=os.environ.get("FAQ") or None)
    test = sub.add_parser("test")
    test.add_argument("--e2e", action="store_true")
    test.add_argument("--e2e-only", action="store_true")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    sub.add_parser("dev")
    ex = sub.add_parser("exec")
    ex.add_argument("--persistent", action="store_true")
    ex.add_argument("command", nargs=argparse.REMAINDER)
    mig = sub.add_parser("migrate")
    mig.add_argument("--revision", default="")
    args, extra = parser.parse_known_args()
    if extra and args.cmd != "test":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:  # pytest options that come before any test path ("-q tests/x")
        args.pytest_args = extra + args.pytest_args
    handler = {"run": cmd_run, "test": cmd_test, "exec": cmd_exec, "dev": cmd_dev, "migrate": cmd_migrate}[args.cmd]
    sys.exit(handler(args))


if __name__ == "__main__":
    main()
