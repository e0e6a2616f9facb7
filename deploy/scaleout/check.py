"""`make test-scaleout`: two app servers behind HAProxy, one stopped midway, and nobody notices.

PostgreSQL (a scratch database, recreated each run), the S3-compatible server and Redis are
shared; two gunicorn app servers serve the same clinic behind a round-robin balancer with no sticky
sessions. A clinician's and a researcher's journey goes through the balancer while the app server
that queued the researcher's bundle is stopped (SIGTERM) halfway; the export worker starts after it, writes the
bundle to S3, and the other server serves its download. Exits non-zero on any error.
"""

import os
import secrets
import sys
import threading
import time

import stack
from journey import Journey, JourneyError

SETUP = """
from clinic.models import Device, NeedleCartridge, User
from clinic.roles import CLINICIAN, RESEARCHER
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
for username, role in (("scaleout-clinician", CLINICIAN), ("scaleout-researcher", RESEARCHER)):
    user = User.objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    TOTPDevice.objects.create(user=user, name="Authenticator app", key=AUTHENTICATOR_KEYS[username], confirmed=True)
device = Device(kind="rotary_tattoo", manufacturer="Cheyenne", model_name="Hawk Pen", serial_number="SO-1")
cartridge = NeedleCartridge(name="27 RM magnum", configuration="magnum", needle_count=27,
                            needle_diameter_mm="0.30", needle_length_mm="5.50")
for thing in (device, cartridge):
    thing.full_clean()
    thing.save()
print(device.pk, cartridge.pk)
"""
PASSWORD = "scale-out correct horse"  # noqa: S105 — scratch users of a scratch database
# Each user's authenticator app, whose codes the journey computes (a second factor is required of everyone).
AUTHENTICATOR_KEYS = {name: secrets.token_hex(20) for name in ("scaleout-clinician", "scaleout-researcher")}
FAILOVER_LIMIT_S = 15


def server_env(database_url, photos_in_s3):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "S3_", "AWS_"))}
    env |= {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "scaleout-only-not-secret-but-shared-by-both-servers",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The balancer is ours: the client's address comes from its X-Forwarded-For.
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(stack.WORK / "static"),
        "DATABASE_URL": database_url,
        "DJANGO_PHOTO_STORAGE": "s3",
        "S3_BUCKET": stack.BUCKET,
        "S3_ENDPOINT_URL": stack.S3_ENDPOINT,
        "S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "scaleout",
        "AWS_SECRET_ACCESS_KEY": "scaleout",
        "REDIS_URL": f"redis://127.0.0.1:{stack.REDIS_PORT}/14",
        "GUNICORN_WORKERS": "2",
    }
    # Each server its own media folder when photos go to S3, so a photo served by the other server
    # proves the storage is shared; one folder for both when this tree has no S3 storage yet.
    env["DJANGO_MEDIA_ROOT"] = str(stack.WORK / ("media-{name}" if photos_in_s3 else "media"))
    return env


def prepare():
    stack.start_local_services()
    probe = server_env("postgres://unused@127.0.0.1/unused", photos_in_s3=False)
    backend = stack.setting("s.STORAGES['default']['BACKEND']", probe)
    photos_in_s3 = "FileSystemStorage" not in backend
    cache = stack.setting("getattr(s, 'CACHES', {}).get('default', {}).get('BACKEND', 'Django default')", probe)
    print(f"Photo storage: {backend}; cache: {cache}")
    if not photos_in_s3:
        print("This tree stores photos on the local disk: both servers share one media folder.")
    env = server_env("", photos_in_s3)
    s3 = stack.create_bucket(env)
    env["DATABASE_URL"] = stack.migrate(env)
    stack.manage("collectstatic", "--no-input", env=env)
    device, cartridge = (
        stack.manage(
            "shell", "-c", f"PASSWORD = {PASSWORD!r}\nAUTHENTICATOR_KEYS = {AUTHENTICATOR_KEYS!r}\n{SETUP}", env=env
        )
        .splitlines()[-1]
        .split()
    )
    users = {
        role: (name, PASSWORD, AUTHENTICATOR_KEYS[name])
        for role, name in (("clinician", "scaleout-clinician"), ("researcher", "scaleout-researcher"))
    }
    return env, users, (device, cartridge), (s3 if photos_in_s3 else None)


class Failover:
    """Stops a server and, in the background, times how long haproxy takes to mark it DOWN."""

    def __init__(self, balancer, servers):
        self.balancer, self.servers = balancer, servers
        self.seconds = self.exit_ms = None
        self.watcher = None

    def stop(self, name):
        server = self.servers[name]
        stopped_at = time.monotonic()
        # Between requests, as an operator restarting a server would: gunicorn finishes what it has in
        # hand and closes its port; haproxy sends the next requests to the other server (retries and
        # redispatch) until its health check has taken the stopped one out.
        server.stop()
        self.exit_ms = (time.monotonic() - stopped_at) * 1000
        self.watcher = threading.Thread(target=self._watch, args=(server, stopped_at), daemon=True)
        self.watcher.start()
        print(f"-- SIGTERM to {name}: exited after {self.exit_ms:.0f} ms; the journey goes on --")

    def _watch(self, server, stopped_at):
        self.balancer.wait_until(server.haproxy_name, "DOWN", FAILOVER_LIMIT_S)
        self.seconds = time.monotonic() - stopped_at

    def wait(self):
        self.watcher.join(FAILOVER_LIMIT_S + 5)
        if self.seconds is None:
            raise stack.StackError(f"haproxy did not mark the stopped server DOWN within {FAILOVER_LIMIT_S} s")


def report(journey, failover):
    answers = journey.answers
    print(f"\n{'step':<44} {'HTTP':>4}  {'server':<7} {'ms':>7}")
    for answer in answers:
        print(f"{answer.step:<44} {answer.status:>4}  {answer.server:<7} {answer.ms:>7.0f}  {answer.error}")
    errors = [answer for answer in answers if answer.error or answer.status >= 500]
    servers = sorted({answer.server for answer in answers})
    facts = journey.facts
    print(f"\nRequests through the balancer: {len(answers)}; errors: {len(errors)}; servers that answered: {servers}")
    if failover.seconds is not None:
        print(f"Failover: {facts['stopped']} marked DOWN {failover.seconds * 1000:.0f} ms after its SIGTERM")
    print(
        f"Photo uploaded via {facts.get('uploaded_by')} was served by {facts.get('photo_served_by')}; "
        f"the comparison of both sessions was built by {facts.get('composite_by')}; "
        f"sessions.csv had {facts.get('exported_rows')} rows"
    )
    print(
        f"The bundle was asked via {facts.get('bundle_asked_via')}, which was then stopped; the worker wrote it to "
        f"the storage and {facts.get('bundle_served_by')} served its download"
    )
    return errors, servers


def main():
    servers, balancer, worker = {}, None, None
    try:
        env, users, equipment, s3 = prepare()
        for name in ("app-a", "app-b"):
            media = {"DJANGO_MEDIA_ROOT": env["DJANGO_MEDIA_ROOT"].format(name=name)}
            servers[name] = stack.AppServer(name, {**env, **media})
            servers[name].start()
        for server in servers.values():
            server.wait_until_ready()
            server.warm_up()
        balancer = stack.Balancer(servers.values())
        balancer.start()
        for server in servers.values():
            balancer.wait_until(server.haproxy_name, "UP", 20)
        print(f"Balancer on {balancer.url}: {balancer.states()}")

        failover = Failover(balancer, servers)
        worker = stack.Worker({**env, "DJANGO_MEDIA_ROOT": env["DJANGO_MEDIA_ROOT"].format(name="worker")})
        journey = Journey(balancer.url, users, equipment, failover.stop, worker.start)
        failure = None
        try:
            journey.run()
            failover.wait()
        except (JourneyError, stack.StackError, OSError) as error:
            failure = error
        errors, answered = report(journey, failover)
        if s3 is not None:
            photos = s3.list_objects_v2(Bucket=stack.BUCKET).get("KeyCount", 0)
            print(f"Objects in the S3 bucket: {photos}")
        if failure or errors or len(answered) < 2:
            print(f"\nSCALE-OUT CHECK FAILED: {failure or 'errors above, or only one server answered'}")
            return 1
        print("\nScale-out check passed.")
        return 0
    finally:
        if worker is not None:
            worker.stop()
        for server in servers.values():
            server.stop()
        if balancer is not None:
            balancer.stop()


if __name__ == "__main__":
    sys.exit(main())
