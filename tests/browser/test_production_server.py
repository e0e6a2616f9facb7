"""The application as `make run` serves it, in a real browser: deploy/serve (gunicorn with deploy/gunicorn.conf.py
and the export worker beside it), DEBUG off, static files collected with the production storage and served by
WhiteNoise.

Not Django's live server: that one finds static files itself and serves them unhashed, which is how
an unstyled production page once went unnoticed. The server here runs in its own processes against a
file SQLite database that this module migrates and fills.
"""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.support.browser import chromium
from tests.support.servers import free_port, healthy, wait_until

pytestmark = pytest.mark.browser

BASE_DIR = Path(settings.BASE_DIR)
PASSWORD = "a long enough password for the test"
# A clinician for each test, each with an authenticator app whose key the test knows: a code works once.
AUTHENTICATOR_KEYS = {f"dr.production{n}": secrets.token_hex(20) for n in range(1, 4)} | {
    "researcher.production": secrets.token_hex(20)
}
YEAR = 365 * 24 * 3600
HASHED_STYLESHEET = re.compile(r"/static/vendor/bootstrap/css/bootstrap\.min\.[0-9a-f]{12}\.css$")
# Run by `manage.py shell`, in one process (each manage.py start costs a second): migrate, collect the static
# files with the production storage, load demo data, then a clinician who can log in and a vertex photo on
# each of the demo patient's two sessions. Application code only, as an administrator's script would do it.
# The clinicians' authenticator apps are added as a person's first sign-in would add them.
SETUP = f"""
import json
from io import BytesIO

from django.contrib.auth.models import Group
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from clinic.models import Patient, User
from clinic.roles import CLINICIAN, RESEARCHER
from sessions.models import PhotoPhase, PhotoView
from sessions.photos import prepare_photo
from sessions.services import NewPhoto, save_session

call_command("migrate", interactive=False, verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
call_command("demo_data", patients=1, sessions_per_patient=2, seed=7)
for username, key in {AUTHENTICATOR_KEYS!r}.items():
    user = User.objects.create_user(username, password={PASSWORD!r})
    user.groups.add(Group.objects.get(name=RESEARCHER if username.startswith("researcher") else CLINICIAN))
    TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)
clinician = User.objects.get(username="dr.production1")
patient = Patient.objects.get()
Patient.objects.filter(pk=patient.pk).update(photo_consent=True, photo_consent_date=patient.date_of_birth)
for session, phase, colour in zip(
    patient.treatment_sessions.order_by("performed_at")[:2], [PhotoPhase.BEFORE, PhotoPhase.AFTER], ["red", "blue"]
):
    jpeg = BytesIO()
    Image.new("RGB", (640, 480), colour).save(jpeg, "JPEG")
    upload = SimpleUploadedFile("photo.jpg", jpeg.getvalue(), content_type="image/jpeg")
    save_session(
        session=session,
        photos=[NewPhoto(prepared=prepare_photo(upload), phase=phase, view=PhotoView.VERTEX)],
        uploaded_by=clinician,
        amendment_reason="Photos added after the session.",
        warnings_confirmed=True,
    )
print(json.dumps({{"patient": patient.pk, "record_number": patient.record_number}}))
"""
# What the browser reports from inside a page when the Content Security Policy blocks something.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def _manage(env, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module: its tests talk to the production server only, never to the database from
    this process, so Playwright's loop may run across them (closed when the module ends)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """gunicorn serving a migrated, collected, filled copy of the application: (base URL, demo patient)."""
    root = tmp_path_factory.mktemp("production")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        "DJANGO_SECRET_KEY": "production-server-test-key-not-secret",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(root / "static"),
        "DJANGO_MEDIA_ROOT": str(root / "media"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "GUNICORN_WORKERS": "2",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    patient = json.loads(_manage(env, "shell", "--no-imports", "-c", SETUP).strip().splitlines()[-1])

    log = root / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(BASE_DIR / "deploy" / "serve")],
            cwd=BASE_DIR,
            env=env | {"BIN": str(Path(sys.executable).parent)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: healthy(url), server, log, waiting_for="gunicorn did not answer /healthz")
        yield url, patient
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@contextmanager
def signed_in_page(browser, url, username):
    """A tab logged in as that clinician (password, then the authenticator app's code), and the list of what went
    wrong in it (empty when all is well)."""
    context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on(
        "response",
        lambda response: response.status >= 400 and problems.append(f"HTTP {response.status} {response.url}"),
    )
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
    try:
        page.goto("/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_label("Code").fill(f"{totp(bytes.fromhex(AUTHENTICATOR_KEYS[username])):06d}")
        page.get_by_role("button", name="Confirm").click()
        expect(page.locator(".navbar")).to_contain_text(username)
        yield page, problems
    finally:
        context.close()


def csp_violations(page):
    return page.evaluate("window.cspViolations")


def test_pages_are_styled_by_the_hashed_long_cached_stylesheet(browser, production_server):
    url, _ = production_server
    with signed_in_page(browser, url, "dr.production1") as (page, problems):
        with page.expect_response(HASHED_STYLESHEET) as stylesheet:
            page.reload()
        response = stylesheet.value
        assert response.status == 200
        max_age = re.search(r"max-age=(\d+)", response.headers["cache-control"])
        assert max_age and int(max_age[1]) >= YEAR, response.headers["cache-control"]
        assert "immutable" in response.headers["cache-control"]

        # Bootstrap's reboot, not the browser's defaults: no body margin, the system font.
        body = page.evaluate("() => { const s = getComputedStyle(document.body); return [s.margin, s.fontFamily]; }")
        assert body[0] == "0px"
        assert "system-ui" in body[1]
        assert csp_violations(page) == []
        assert problems == []


def test_add_a_component_grows_the_blend_on_the_log_session_form(browser, production_server):
    url, patient = production_server
    with signed_in_page(browser, url, "dr.production2") as (page, problems):
        page.get_by_role("link", name="Patients", exact=True).click()
        page.get_by_role("link", name=patient["record_number"]).click()
        page.get_by_role("link", name="Log a session").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Log a session")
        # Our own stylesheet too: the treated zones sit side by side.
        assert page.locator(".zones .form-check").first.evaluate("e => getComputedStyle(e).display") == "inline-block"

        expect(page.locator("#id_blend-1-product")).to_have_count(0)
        page.get_by_role("button", name="Add a component").click()
        expect(page.locator("#id_blend-1-product")).to_be_focused()
        expect(page.locator("#id_blend-TOTAL_FORMS")).to_have_value("2")
        assert csp_violations(page) == []
        assert problems == []


def test_the_compare_slider_reveals_the_later_photo(browser, production_server):
    url, patient = production_server
    with signed_in_page(browser, url, "dr.production3") as (page, problems):
        page.goto(f"/patients/{patient['patient']}/compare/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Compare photos")
        overlay = page.locator("[data-compare-overlay]")
        expect(overlay).to_be_visible()
        top = page.locator("[data-compare-top]")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=top.element_handle())

        slider = page.get_by_role("slider")
        expect(slider).to_have_value("50")
        slider.fill("20")
        assert top.evaluate("img => getComputedStyle(img).clipPath") == "inset(0px 80% 0px 0px)"
        slider.focus()
        slider.press("Home")
        assert top.evaluate("img => getComputedStyle(img).clipPath") == "inset(0px 100% 0px 0px)"
        assert csp_violations(page) == []
        assert problems == []


def test_a_researcher_prepares_the_bundle_in_the_background_and_downloads_it(browser, production_server, tmp_path):
    url, _ = production_server
    with signed_in_page(browser, url, "researcher.production") as (page, problems):
        page.get_by_role("link", name="Research export", exact=True).click()
        page.get_by_label("Include synthetic demo records").check()
        page.get_by_role("button", name="Count matching sessions").click()
        expect(page.locator("#privacy-report")).to_contain_text("k = ")
        page.get_by_role("button", name=re.compile("Prepare the bundle")).click()

        row = page.locator("#export-jobs tbody tr").first
        expect(row).to_contain_text("bundle.zip")
        page.evaluate("window.notReloaded = true")
        # The worker writes it; the page follows it without a reload, then offers the download.
        download_link = row.get_by_role("link", name="Download")
        expect(download_link).to_be_visible(timeout=60_000)
        expect(row).to_contain_text("Ready to download: 2 of 2 sessions")
        assert page.evaluate("window.notReloaded") is True
        with page.expect_download() as download:
            download_link.click()
        path = tmp_path / "bundle.zip"
        download.value.save_as(path)

        with zipfile.ZipFile(path) as bundle:
            names = set(bundle.namelist())
            sessions = bundle.read("sessions.csv").decode("utf-8")
        assert {"datapackage.json", "sessions.sav", "sessions.dta", "redcap_data_dictionary.csv"} <= names
        assert sessions.count("\r\n") == 1 + 2
        assert csp_violations(page) == []
        downloads = [problem for problem in problems if ".zip" in problem or "download" in problem]
        assert [problem for problem in problems if problem not in downloads] == []
