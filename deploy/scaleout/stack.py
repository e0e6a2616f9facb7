"""The pieces `make test-scaleout` runs: services, a scratch database, two app servers, the export worker, one
balancer.

Everything listens on 127.0.0.1 only, and every wait gives up after a stated number of seconds.
"""

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
WORK = ROOT / "var" / "scaleout"
PYTHON = sys.executable
BIN = Path(PYTHON).parent

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}
DATABASE = "scalp_scaleout"
SUPERUSER_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
OWNER_ROLE, APP_ROLE = "scalp_scaleout_owner", "scalp_scaleout_app"
S3_PORT, REDIS_PORT = 5055, 6379
S3_ENDPOINT = f"http://127.0.0.1:{S3_PORT}"
BUCKET = "scalp-scaleout-photos"


class StackError(RuntimeError):
    pass


def run(args, env=None, timeout=300):
    """A command to its end; its output is shown only if it fails."""
    result = subprocess.run(  # noqa: S603 — our own commands, no shell
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise StackError(f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def start(args, log, env=None):
    """A long-running process, its output to `log`."""
    return subprocess.Popen(  # noqa: S603 — our own commands, no shell
        args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for(what, ready, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    raise StackError(f"{what} not ready within {seconds} s")


def answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_local_services():
    """S3 (moto) and Redis, through deploy/local-services when it exists; left running afterwards."""
    WORK.mkdir(parents=True, exist_ok=True)
    script = ROOT / "deploy" / "local-services"
    if script.exists():
        run(["bash", str(script), "start"], timeout=90)
        return
    print("deploy/local-services is not in this tree: starting Redis and moto_server directly.")
    if not answers(REDIS_PORT):
        run(["redis-server", "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--daemonize", "yes"])
    if not answers(S3_PORT):
        moto = start([BIN / "moto_server", "-H", "127.0.0.1", "-p", str(S3_PORT)], WORK / "moto.log")
        (WORK / "moto.pid").write_text(f"{moto.pid}\n")
    wait_for("Redis", lambda: answers(REDIS_PORT), 30)
    wait_for("moto_server", lambda: answers(S3_PORT), 30)


def create_bucket(env):
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=S3_ENDPOINT,
        region_name=env["S3_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    if BUCKET in {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}:
        # Like the database, the bucket starts empty each run: what the check counts is its own.
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            for stored in page.get("Contents", []):
                s3.delete_object(Bucket=BUCKET, Key=stored["Key"])
    else:
        s3.create_bucket(Bucket=BUCKET)
    return s3


def recreate_database():
    connection = psycopg2.connect(**POSTGRES, connect_timeout=5)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()


def manage(*args, env, timeout=300):
    return run([PYTHON, "manage.py", *args], env=env, timeout=timeout)


def has_command(name, env):
    return name in manage("help", "--commands", env=env, timeout=60).split()


def migrate(env):
    """Least-privilege roles when the project has them: returns the database URL the servers use."""
    recreate_database()
    if not has_command("create_database_roles", env):
        print("create_database_roles is not in this tree: migrating and serving as the superuser.")
        manage("migrate", "--no-input", env={**env, "DATABASE_URL": SUPERUSER_URL})
        return SUPERUSER_URL
    owner_password, app_password = "scaleout-owner-pw", "scaleout-app-pw"
    print(manage("create_database_roles", "--owner", OWNER_ROLE, "--app", APP_ROLE,
                 "--owner-password", owner_password, "--app-password", app_password,
                 env={**env, "DATABASE_URL": SUPERUSER_URL}).strip())  # fmt: skip
    app_url = f"postgres://{APP_ROLE}:{app_password}@127.0.0.1:5432/{DATABASE}"
    owner_url = f"postgres://{OWNER_ROLE}:{owner_password}@127.0.0.1:5432/{DATABASE}"
    manage("migrate", "--no-input", env={**env, "DATABASE_URL": app_url, "DATABASE_OWNER_URL": owner_url})
    print(f"Migrated as {OWNER_ROLE}; the app servers connect as {APP_ROLE}.")
    return app_url


def setting(expression, env):
    code = f"import config.settings as s; print({expression})"
    return run([PYTHON, "-c", code], env=env, timeout=60).strip()


class AppServer:
    def __init__(self, name, env):
        self.name, self.port = name, free_port()
        self.env = {**env, "APP_SERVER_NAME": name, "PORT": str(self.port), "HOST": "127.0.0.1"}
        self.log = WORK / f"gunicorn-{name}.log"
        self.process = None

    @property
    def haproxy_name(self):
        return self.name.replace("-", "_")

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def start(self):
        self.process = start([BIN / "gunicorn", "--config", "deploy/gunicorn.conf.py"], self.log, self.env)

    def wait_until_ready(self, seconds=60):
        wait_for(f"gunicorn {self.name}", self._healthy, seconds)

    def warm_up(self, paths=("/healthz", "/accounts/login/"), rounds=4):
        """The first requests of each worker load templates and URLs: done before the balancer counts."""
        for _ in range(rounds):
            for path in paths:
                request = urllib.request.Request(f"http://{self.address}{path}", headers={"Host": "127.0.0.1"})
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 — our own server
                    response.read()

    def _healthy(self):
        if self.process.poll() is not None:
            raise StackError(f"gunicorn {self.name} exited:\n{self.log.read_text()}")
        return answers(self.port)

    def stop(self, seconds=40):
        """SIGTERM, gunicorn's graceful stop; SIGKILL if it has not ended in time."""
        stop_gracefully(self.process, seconds)


class Worker:
    """The export worker (django-tasks' db_worker), as deploy/systemd/scalp-worker.service runs it: beside the app
    servers, not inside either."""

    def __init__(self, env):
        self.env = env
        self.log = WORK / "worker.log"
        self.process = None

    def start(self):
        self.process = start([PYTHON, "manage.py", "db_worker", "--interval", "1"], self.log, self.env)

    def stop(self, seconds=40):
        stop_gracefully(self.process, seconds)


def stop_gracefully(process, seconds):
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class Balancer:
    def __init__(self, servers):
        self.port = free_port()
        self.socket = WORK / "haproxy.sock"
        self.log = WORK / "haproxy.log"
        self.env = {
            **os.environ,
            "FRONTEND_BIND": f"127.0.0.1:{self.port}",
            "HAPROXY_STATS_SOCKET": str(self.socket),
            **{f"APP_SERVER_{server.name[-1].upper()}": server.address for server in servers},
        }
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        haproxy = shutil.which("haproxy")
        if haproxy is None:
            raise StackError("haproxy is not installed: apt-get install -y --no-install-recommends haproxy")
        config = str(HERE / "haproxy.cfg")
        run([haproxy, "-c", "-q", "-f", config], env=self.env, timeout=30)
        self.socket.unlink(missing_ok=True)
        self.process = start([haproxy, "-db", "-f", config], self.log, self.env)

    def states(self):
        """{server: status} from haproxy's `show stat`, e.g. {"app_a": "UP", "app_b": "DOWN"}."""
        with socket.socket(socket.AF_UNIX) as client:
            client.settimeout(2)
            client.connect(str(self.socket))
            client.sendall(b"show stat\n")
            chunks = []
            while chunk := client.recv(65536):
                chunks.append(chunk)
        lines = b"".join(chunks).decode().lstrip("# ").splitlines()
        rows = csv.DictReader(line for line in lines if line)
        return {row["svname"]: row["status"] for row in rows if row["pxname"] == "app_servers"}

    def wait_until(self, server, status, seconds):
        def reached():
            try:
                return self.states().get(server) == status
            except OSError:
                return False

        wait_for(f"haproxy to mark {server} {status}", reached, seconds)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
