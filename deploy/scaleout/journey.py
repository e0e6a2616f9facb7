"""A clinic's day through the load balancer, as a browser sends it: forms with their CSRF token,
one session cookie, every request recorded with the app server that answered it."""

import base64
import csv
import io
import re
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django_otp.oath import totp
from PIL import Image, ImageDraw

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PHOTO_LINK = re.compile(r'href="/photos/([0-9a-f-]{36})/"')
# A consent document to sign, on the choose page: its address and what it is for ("Photographs", "Treatment: …").
CONSENT_DOCUMENT = re.compile(r'href="([^"]+/consents/sign/\d+/)">\s*<span class="fw-semibold">([^<]+)</span>')
# What the clinic has the patient sign before the first session: photographs, research and the technique logged.
CONSENTS_SIGNED = ("Photographs", "Research", "Treatment: MMP®")
EXPORT_JOB = re.compile(r'data-progress-url="(/export/jobs/[0-9a-f-]{36}/)"')
BUNDLE_WAIT_S = 120
TIMEOUT = (5, 330)  # connect, read: the export may take as long as the balancer allows


class JourneyError(Exception):
    pass


def require(condition, message):
    if not condition:
        raise JourneyError(message)


@dataclass
class Answer:
    step: str
    status: int
    server: str
    ms: float
    error: str = ""


def noisy_jpeg(seed):
    """A 1000 x 800 photo of noise: large and incompressible, like a real scalp close-up."""
    size = (1000, 800)
    image = Image.merge("RGB", [Image.effect_noise(size, 40 + seed + band) for band in range(3)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


class Browser:
    def __init__(self, base_url):
        self.base_url = base_url
        self.http = requests.Session()
        self.answers = []

    def request(self, step, method, path, expect=200, **kwargs):
        started = time.monotonic()
        try:
            response = self.http.request(method, self.base_url + path, allow_redirects=False, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as error:
            self.answers.append(Answer(step, 0, "-", (time.monotonic() - started) * 1000, repr(error)))
            raise
        elapsed = (time.monotonic() - started) * 1000
        self.answers.append(Answer(step, response.status_code, response.headers.get("X-App-Server", "?"), elapsed))
        return response if expect is None else self.check(response, expect)

    def get(self, step, path, **kwargs):
        return self.request(step, "GET", path, **kwargs)

    def visit(self, step, path, hops=5):
        """GET a page, following its redirects (each one a recorded request)."""
        for _ in range(hops):
            response = self.request(step, "GET", path, expect=None)
            if response.status_code != 302:
                return self.check(response, 200)
            path = response.headers["Location"]
        raise JourneyError(f"{step}: more than {hops} redirects")

    def check(self, response, expect):
        answer = self.answers[-1]
        if response.status_code != expect:
            answer.error = f"expected {expect}"
            raise JourneyError(f"{answer.step}: {response.request.method} {response.url} answered {answer.status}")
        return response

    def submit(self, step, form_path, data, files=None, action=None):
        """GET the form's page, POST the form (to `action`, or back to the page) with its CSRF token; return where
        the 302 leads."""
        token = CSRF_FIELD.search(self.get(f"{step} (form)", form_path).text).group(1)
        response = self.request(
            step, "POST", action or form_path, expect=302, data={**data, "csrfmiddlewaretoken": token}, files=files
        )
        return response.headers["Location"], self.answers[-1].server

    def log_in(self, username, password, authenticator_key):
        """The password, then the code the user's authenticator app shows now (computed from its key)."""
        self.submit(f"log in as {username}", "/accounts/login/", {"username": username, "password": password})
        code = f"{totp(bytes.fromhex(authenticator_key)):06d}"
        location, _ = self.submit(f"second factor of {username}", "/accounts/second-factor/", {"code": code})
        self.visit(f"{username}'s home page", location)


def patient_post():
    return {
        "record_number": "SO-0001",
        "first_name": "Ada",
        "last_name": "Scaleout",
        "date_of_birth": "1985-12-10",
        "sex": "female",
        "diagnosis": "fphl",
        "ludwig_stage": "II",
    }


def drawn_signature():
    """A signature as the pad posts it: a PNG data URL of a stroke on a transparent canvas."""
    image = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 120), (200, 25), (380, 110)], "black", 4)
    png = io.BytesIO()
    image.save(png, "PNG")
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii")


def session_post(performed_at, device, cartridge):
    """A session as a clinician fills it in: a microneedling pass over the vertex, one photo."""
    return {
        "performed_at": performed_at.strftime("%Y-%m-%dT%H:%M"),
        "technique": "mmp",
        "device": device,
        "needle_depth_mm": "0.8",
        "cartridge": cartridge,
        "passes": "3",
        "treated_zones": ["vertex", "mid_scalp"],
        "endpoint": "erythema",
        "anaesthesia": "topical",
        "adverse_events": ["none"],
        "pain_score": "3",
        "notes": "Logged through the load balancer",
        # Logged after the fact: the consents signed today do not cover that day, which the clinician confirms.
        "confirm_warnings": "on",
        "blend-TOTAL_FORMS": "0",
        "blend-INITIAL_FORMS": "0",
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-0-phase": "before",
        "photos-0-view": "vertex",
    }


class Journey:
    """The clinician's and the researcher's steps; `stop_one_server(name)` is called midway and must stop the app
    server of that name; `start_worker()` is called after it, and must start the export worker."""

    def __init__(self, base_url, users, equipment, stop_one_server, start_worker):
        self.clinician = Browser(base_url)
        self.researcher = Browser(base_url)
        self.users, self.equipment = users, equipment
        self.stop_one_server, self.start_worker = stop_one_server, start_worker
        self.facts = {}

    @property
    def answers(self):
        return self.clinician.answers + self.researcher.answers

    def run(self):
        browser = self.clinician
        browser.log_in(*self.users["clinician"])
        patient_page, _ = browser.submit("create a patient", "/patients/new/", patient_post())
        patient_path = patient_page.rstrip("/")
        browser.visit("patient page", patient_page)
        self.sign_consents(patient_path)

        first_photo, uploaded_by = self.log_session(1, patient_path, datetime.now() - timedelta(days=21))
        self.facts["uploaded_by"] = uploaded_by
        self.fetch_from_the_other_server(first_photo, uploaded_by)

        # The app server that queued the researcher's bundle stops before any worker has run: the task waits in
        # the database, not in an app server.
        asked_via = self.ask_for_the_bundle()
        self.stop_one_server(asked_via)
        self.facts["stopped"] = asked_via

        second_photo, _ = self.log_session(2, patient_path, datetime.now() - timedelta(hours=2))
        browser.get("compare page", f"{patient_path}/compare/?view=vertex")
        download = browser.get(
            "compare download", f"{patient_path}/compare/download.jpg?view=vertex&a={first_photo}&b={second_photo}"
        )
        is_jpeg = download.headers["Content-Type"] == "image/jpeg" and len(download.content) > 10_000
        require(is_jpeg, "the compare download is not a JPEG")
        self.facts["composite_by"] = browser.answers[-1].server
        self.start_worker()
        self.export()
        self.download_the_bundle()

    def sign_consents(self, patient_path):
        choices = self.clinician.get("consent documents", f"{patient_path}/consents/sign/").text
        documents = CONSENT_DOCUMENT.findall(choices)
        for wanted in CONSENTS_SIGNED:
            found = [path for path, subject in documents if subject.strip().startswith(wanted)]
            require(len(found) == 1, f"no single published consent document for {wanted}")
            self.clinician.submit(f"sign consent: {wanted}", found[0], {"signature": drawn_signature()})

    def log_session(self, number, patient_path, performed_at):
        data = session_post(performed_at, *self.equipment)
        files = {"photos-0-image": (f"scalp-{number}.jpg", noisy_jpeg(number), "image/jpeg")}
        session_page, uploaded_by = self.clinician.submit(
            f"log session {number} with a photo", f"{patient_path}/sessions/new/", data, files
        )
        page = self.clinician.visit(f"session {number} page", session_page)
        (photo,) = PHOTO_LINK.findall(page.text)
        return photo, uploaded_by

    def fetch_from_the_other_server(self, photo, uploaded_by, tries=4):
        """The photo and its thumbnail until the server that did not take the upload has served one."""
        for _ in range(tries):
            full = self.clinician.get("full photo", f"/photos/{photo}/")
            thumbnail = self.clinician.get("thumbnail", f"/photos/{photo}/thumbnail/")
            require(full.content[:2] == thumbnail.content[:2] == b"\xff\xd8", "not JPEG")
            servers = {answer.server for answer in self.clinician.answers[-2:]}
            if servers - {uploaded_by}:
                self.facts["photo_served_by"] = sorted(servers - {uploaded_by})[0]
                return
        raise JourneyError(f"after {tries} tries only {uploaded_by}, which took the upload, served the photo")

    def ask_for_the_bundle(self):
        browser = self.researcher
        browser.log_in(*self.users["researcher"])
        asked = {"query": "technique=", "file_name": "bundle"}
        _, asked_via = browser.submit("ask for the bundle", "/export/?technique=", asked, action="/export/jobs/")
        self.facts["bundle_asked_via"] = asked_via
        return asked_via

    def download_the_bundle(self):
        """Follow the bundle's progress as the page does until the worker has written it, then download it."""
        browser = self.researcher
        (progress_path,) = EXPORT_JOB.findall(browser.visit("export page with the bundle", "/export/?technique=").text)
        deadline = time.monotonic() + BUNDLE_WAIT_S
        while (progress := browser.get("bundle progress", progress_path).json())["status"] != "done":
            require(progress["status"] != "failed", "the worker failed to write the bundle")
            require(time.monotonic() < deadline, f"the bundle was not written within {BUNDLE_WAIT_S} s: {progress}")
            time.sleep(1)
        response = browser.get("download the bundle", progress["download"])
        served_by = self.facts["bundle_served_by"] = browser.answers[-1].server
        require(served_by != self.facts["bundle_asked_via"], "the server that queued the bundle served it too")
        with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
            rows = list(csv.DictReader(io.StringIO(bundle.read("sessions.csv").decode("utf-8"))))
        require(len(rows) == 2, f"the bundle's sessions.csv has {len(rows)} rows, expected the 2 sessions logged")

    def export(self):
        browser = self.researcher
        browser.get("export page", "/export/")
        response = browser.get("download sessions.csv", "/export/sessions.csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        require(len(rows) == 2, f"sessions.csv has {len(rows)} rows, expected the 2 sessions logged")
        self.facts["exported_rows"] = len(rows)
