"""Real services as child processes, for the integration tests and the fault benchmark: a Redis
server, a Celery worker and outbox sweepers, each with the kill and restart the faults need."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import redis

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def postgres_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to (in tests: the test database)."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def _stop(process: subprocess.Popen | None, sig: int, timeout: float = 15) -> None:
    """Signal the process group (a child's children go too) and reap it."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class RedisServer:
    """redis-server on a free loopback port, no persistence: a restart loses every message."""

    def __init__(self, directory: Path, port: int | None = None):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.binary = binary
        self.directory = directory
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    def start(self) -> "RedisServer":
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)

        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited; see {self.directory / 'redis.log'}")
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        wait_until(answers, 10, "redis-server to answer PING")
        client.close()
        return self

    def stop(self) -> None:
        _stop(self.process, signal.SIGTERM)

    def restart(self) -> None:
        self.stop()
        self.start()
        self.restarts += 1


class ManagedProcess:
    """A Django-side child process (worker, sweeper) logging to a file, in its own group."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path):
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> "ManagedProcess":
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        _stop(self.process, signal.SIGTERM)

    def kill9(self) -> None:
        _stop(self.process, signal.SIGKILL)


class CeleryWorker(ManagedProcess):
    """A real `celery worker` (solo pool) on the given broker, started and waited for."""

    def __init__(self, env: dict[str, str], log_path: Path, name: str = "test-worker"):
        argv = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "peerchallenge",
            "worker",
            "--pool=solo",
            "-l",
            "info",
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        super().__init__(argv, env, log_path)
        self.name = name

    def start(self) -> "CeleryWorker":
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        super().start()

        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited:\n{self.log_text()[offset:][-3000:]}")
            return " ready." in self.log_text()[offset:]

        wait_until(ready, 60, "the celery worker to be ready")
        return self


def django_env(**overrides: str) -> dict[str, str]:
    """The environment for a Django child process: ours, plus the repo on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(overrides)
    return env


def manage_py(*args: str) -> list[str]:
    return [sys.executable, str(REPO_ROOT / "manage.py"), *args]


NOTIFICATION_ID = re.compile(rb"^X-Notification-Id: (\d+)\r?$", re.MULTILINE)


def delivered_notification_ids(mail_dir: Path) -> Counter:
    """How many times each notification was delivered, read from the file email backend's
    output by the stable X-Notification-Id header."""
    delivered = Counter()
    for path in mail_dir.glob("*.log"):
        delivered.update(int(pk) for pk in NOTIFICATION_ID.findall(path.read_bytes()))
    return delivered
