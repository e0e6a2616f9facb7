"""The files of deploy/ a clinic copies onto its server: the nginx site and the systemd units.

They are checked by the tools that will read them (nginx -t, systemd-analyze verify), held to the
application's own limits, and the nginx site is run for real in front of gunicorn.
"""

import http.client
import os
import re
import runpy
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from sessions.forms import PhotoFormSet
from tests.support.servers import free_port, port_answers, wait_until

BASE_DIR = Path(settings.BASE_DIR)
DEPLOY = BASE_DIR / "deploy"
NGINX_SITE = DEPLOY / "nginx" / "scalp.conf"
SERVER_NAME = "clinic.example"
MB = 1024 * 1024


def tool(name):
    """The program's path; skipped without it, unless SERVICES_REQUIRED=1 (CI) makes that a failure."""
    found = shutil.which(name, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if not found:
        if os.environ.get("SERVICES_REQUIRED") == "1":
            pytest.fail(f"{name} is not installed (SERVICES_REQUIRED=1)")
        pytest.skip(f"{name} is not installed")
    return found


def nginx_directive(name):
    values = re.findall(rf"^[ \t]*{name}[ \t]+([^;{{]+);", NGINX_SITE.read_text(), flags=re.MULTILINE)
    assert len(values) == 1, f"{name} should be set once in {NGINX_SITE.name}"
    return values[0]


def nginx_size_in_bytes(value):
    number, unit = re.fullmatch(r"(\d+)([km]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": MB}[unit]


def test_the_proxy_accepts_a_session_form_with_every_photo_at_its_largest_and_little_more():
    largest_form = PhotoFormSet.absolute_max * settings.MAX_PHOTO_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    limit = nginx_size_in_bytes(nginx_directive("client_max_body_size"))

    assert largest_form < limit <= largest_form + 16 * MB


def test_the_proxy_waits_for_a_long_export_as_long_as_gunicorn_does(monkeypatch):
    monkeypatch.delenv("GUNICORN_TIMEOUT", raising=False)
    gunicorn = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    assert nginx_directive("proxy_read_timeout") == f"{gunicorn['timeout']}s"
    assert nginx_directive("proxy_send_timeout") == f"{gunicorn['timeout']}s"


def test_gunicorns_own_log_keeps_where_an_error_happened_but_not_its_message(capfd):
    """An exception escaping Django (one raised while a download streams, say) is logged by gunicorn itself."""
    from gunicorn.config import Config

    config = Config()
    for name, value in runpy.run_path(str(DEPLOY / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    logger = config.logger_class(config)
    quoted = "duplicate key: record number P-00042 (Rossi, Maria)"
    try:
        raise ValueError(quoted)
    except ValueError:
        logger.exception("Error handling request /export/sessions.csv")

    log = capfd.readouterr().err
    assert "Error handling request /export/sessions.csv" in log and "builtins.ValueError" in log
    assert "P-00042" not in log and "Rossi" not in log


def test_gunicorn_listens_only_where_the_proxy_reaches_it_and_believes_only_the_proxy(monkeypatch):
    for name in ("HOST", "PORT", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    gunicorn = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    assert gunicorn["bind"] == "127.0.0.1:8000"
    assert gunicorn["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert nginx_directive("server") == gunicorn["bind"]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for clinic.example and 127.0.0.1: (certificate, key)."""
    root = tmp_path_factory.mktemp("tls")
    cert, key = root / "fullchain.pem", root / "privkey.pem"
    subprocess.run(
        [
            tool("openssl"),
            *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", key, "-out", cert, "-subj", f"/CN={SERVER_NAME}"),
            *("-addext", f"subjectAltName=DNS:{SERVER_NAME},IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def nginx_for_test(root, certificate, *, app_port):
    """The site as shipped, on free local ports with the test certificate, inside a main configuration
    that keeps every file nginx writes under root: (main configuration, https port, http port, access log)."""
    https_port, http_port, access_log = free_port(), free_port(), root / "scalp.access.log"
    site = NGINX_SITE.read_text()
    for shipped, for_test in {
        "    listen [::]:80;\n": "",
        "    listen [::]:443 ssl http2;\n": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "/etc/ssl/scalp/fullchain.pem": str(certificate[0]),
        "/etc/ssl/scalp/privkey.pem": str(certificate[1]),
        "/var/log/nginx/scalp.access.log": str(access_log),
    }.items():
        assert shipped in site, f"{NGINX_SITE.name} no longer has {shipped!r}; update this test"
        site = site.replace(shipped, for_test)
    (root / "scalp.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {root / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = root / "nginx.conf"
    main.write_text(
        f"daemon off;\nmaster_process off;\npid {root / 'nginx.pid'};\nerror_log {root / 'error.log'};\n"
        f"events {{}}\nhttp {{\n    access_log off;\n{temp}\n    include {root / 'scalp.conf'};\n}}\n"
    )
    return main, https_port, http_port, access_log


def nginx_command(root, main):
    return [tool("nginx"), "-p", str(root), "-e", str(root / "error.log"), "-c", str(main)]


def test_nginx_accepts_the_site_configuration(tmp_path, certificate):
    main, *_ = nginx_for_test(tmp_path, certificate, app_port=free_port())

    checked = subprocess.run([*nginx_command(tmp_path, main), "-t"], capture_output=True, text=True, timeout=60)

    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


@pytest.fixture(scope="module")
def proxied_app(tmp_path_factory, certificate):
    """nginx with the shipped site in front of gunicorn with the shipped configuration, as in production
    (HTTPS on, behind the proxy): (https port, http port, access log)."""
    root = tmp_path_factory.mktemp("proxy")
    app_port = free_port()
    main, https_port, http_port, access_log = nginx_for_test(root, certificate, app_port=app_port)
    nginx_binary = nginx_command(root, main)  # skips before anything starts when nginx is missing
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        "DJANGO_SECRET_KEY": "proxy-test-key-not-secret-" + "k" * 40,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "1",
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DJANGO_ALLOWED_HOSTS": SERVER_NAME,
        "HOST": "127.0.0.1",
        "PORT": str(app_port),
        "GUNICORN_WORKERS": "1",
    }
    gunicorn_log, nginx_log = root / "gunicorn.log", root / "error.log"
    gunicorn_command = [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")]
    with gunicorn_log.open("w") as log:
        app = subprocess.Popen(gunicorn_command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    proxy = subprocess.Popen(nginx_binary, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(
            lambda: port_answers(app_port), app, gunicorn_log, waiting_for=f"nothing answered on port {app_port}"
        )
        wait_until(
            lambda: port_answers(https_port), proxy, nginx_log, waiting_for=f"nothing answered on port {https_port}"
        )
        yield https_port, http_port, access_log
    finally:
        for process in (proxy, app):
            process.terminate()
            process.wait(timeout=30)


def request(port, path, *, tls=True, method="GET", headers=()):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the test's own certificate
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest(method, path, skip_host=True)
    for name, value in [("Host", SERVER_NAME), *headers]:
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_a_request_through_the_proxy_reaches_the_application_as_https(proxied_app):
    https_port, _, _ = proxied_app

    response = request(https_port, "/healthz")

    # Without X-Forwarded-Proto believed, Django would answer with its redirect to https.
    assert response.status == 200, response.getheaders()
    assert response.body == b"ok\n"
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"


def test_plain_http_is_sent_to_https(proxied_app):
    _, http_port, _ = proxied_app

    response = request(http_port, "/patients/", tls=False)

    assert response.status == 301
    assert response.getheader("Location") == f"https://{SERVER_NAME}/patients/"


def test_an_upload_larger_than_a_full_session_form_is_refused_by_the_proxy(proxied_app):
    https_port, _, _ = proxied_app

    response = request(
        https_port, "/patients/1/sessions/new/", method="POST", headers=[("Content-Length", str(1024 * MB))]
    )

    assert response.status == 413


def lines_logged_after(access_log, lines_before):
    """The access log's lines after the first ones, once nginx (which logs just after answering) wrote them."""
    deadline = time.monotonic() + 5
    while len(lines := access_log.read_text().splitlines()) <= lines_before and time.monotonic() < deadline:
        time.sleep(0.05)
    return "\n".join(lines[lines_before:])


def test_the_proxy_logs_a_patient_search_without_the_search_terms(proxied_app):
    https_port, _, access_log = proxied_app

    lines_before = len(access_log.read_text().splitlines())

    response = request(https_port, "/patients/?q=Quartermaine")

    assert response.status == 302  # to the login page
    logged = lines_logged_after(access_log, lines_before)
    assert '"GET /patients/" 302 ' in logged
    assert "Quartermaine" not in logged


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    # The units name the checkout /srv/scalp; here it is this checkout, so the programs they start exist.
    for unit in (DEPLOY / "systemd").iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/scalp", str(BASE_DIR)))

    verified = subprocess.run(
        [tool("systemd-analyze"), "verify", *sorted(tmp_path.iterdir())], capture_output=True, text=True, timeout=60
    )

    assert verified.returncode == 0, verified.stderr
    assert verified.stdout + verified.stderr == ""
