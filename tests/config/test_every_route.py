"""Every URL of the project, requested with GET by every role, answers as EXPECTED says; every answer that shows
patient data (the world's patient's name or record number, or a photo) has written a view to the audit trail.

The routes come from the resolver (tests/support/routes.py), the admin's included, never from a list kept
by hand: a route added without an entry in EXPECTED fails here, so no page can be forgotten.
Routes with parameters are filled with real objects of a small world (a patient, a session with a
blend component and a stored photo, one object of every model the admin shows).

tests/test_access.py states the same rules for the patient pages one by one; this file is the net.
"""

from dataclasses import dataclass
from fnmatch import fnmatchcase
from itertools import product

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import QueryDict
from django.urls import resolve, reverse

from audit.models import AuditAction, AuditEvent
from audit.services import record_event, stored_snapshot
from clinic.consent_models import ConsentDocument, SignedConsent
from clinic.consent_services import sign_consent
from clinic.models import Patient
from clinic.roles import CLINICIAN
from protocols.models import ProtocolPreset
from research.export import FILES as EXPORT_FILES
from research.jobs import write_export
from research.models import DataUseAgreement, ExportJob
from sessions.courses import course_key
from sessions.models import Assessment, BlendComponent, DelayedAdverseEvent, SessionPhoto, TreatmentSession
from sessions.services import void_record
from tests.support.factories import BlendComponentFactory, ConsentDocumentFactory, PatientFactory, UserFactory
from tests.support.forms import as_posted
from tests.support.pages import empty_table_headers
from tests.support.photos import store_photos
from tests.support.routes import discover, fill_route
from tests.support.signatures import signature

ROLES = ["anonymous", "outsider", "curator", "researcher", "clinician", "staff_clinician", "superuser"]
# Who must never see a patient's name or record number, whatever the page.
KEPT_AWAY = {"anonymous", "outsider", "curator", "researcher"}
CLINICAL_MODELS = (Patient, TreatmentSession, BlendComponent, SessionPhoto)
# What the trail writes when patient data is shown: a view, or a disclosure (a report).
SHOWINGS = (AuditAction.VIEW, AuditAction.DISCLOSE)

LAST_NAME = "Zabrowskiewicz"
RECORD_NUMBER = "MRN-58213"


@dataclass(frozen=True)
class Expect:
    status: int
    # For a redirect: where it must lead. Placeholders: {next} (?next= the requested path, encoded),
    # {path} (the requested path) and the pages named in _places().
    location: str | None = None

    def __str__(self):
        return f"{self.status} → {self.location}" if self.location else str(self.status)


OK = Expect(200)
FORBIDDEN = Expect(403)
NOT_FOUND = Expect(404)
BAD_REQUEST = Expect(400)
NOT_ALLOWED = Expect(405)
TO_LOGIN = Expect(302, "{login}?{next}")
TO_ADMIN_LOGIN = Expect(302, "{admin_login}?{next}")
TO_ADMIN_INDEX = Expect(302, "{admin_index}")
TO_HOME = Expect(302, "{home}")
TO_PATIENT_LIST = Expect(302, "{patient_list}")
TO_PATIENT_PAGE = Expect(302, "http://testserver{patient_page}")  # contenttypes.views.shortcut: absolute
TO_CHANGE_PAGE = Expect(302, "{path}change/")


def per_role(default, **by_role):
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"not roles: {unknown}"
    return {role: by_role.get(role, default) for role in ROLES}


# Patients, sessions, photos and their pages: clinicians (and the superuser, who holds every role).
PATIENT_DATA = per_role(FORBIDDEN, anonymous=TO_LOGIN, clinician=OK, staff_clinician=OK, superuser=OK)


def admin_page(superuser, staff_clinician=FORBIDDEN):
    """An admin page: whoever is not staff is sent to the admin's login page."""
    return per_role(TO_ADMIN_LOGIN, staff_clinician=staff_clinician, superuser=superuser)


def model_admin(app_model, superuser, staff_clinician=None):
    """The pages of one ModelAdmin: what the superuser and a staff clinician get on each view."""
    staff_clinician = staff_clinician or {}
    unknown = set(staff_clinician) - set(superuser)
    assert not unknown, f"{app_model}: no superuser rule for {unknown}"
    return {
        f"admin:{app_model}_{view}": admin_page(expect, staff_clinician.get(view, FORBIDDEN))
        for view, expect in superuser.items()
    }


EVERYTHING = {"changelist": OK, "add": OK, "change": OK, "history": OK, "delete": OK}
# Equipment and stock keep their field history (django-simple-history), read-only.
MASTER_DATA = {**EVERYTHING, "simple_history": OK}
# Clinical records are read in the admin, never written there, and never deleted by anyone.
CLINICAL_RECORD = {
    "changelist": OK,
    "add": FORBIDDEN,
    "change": OK,
    "history": OK,
    "simple_history": OK,
    "delete": FORBIDDEN,
}
AUDIT_TRAIL = {"changelist": OK, "add": FORBIDDEN, "change": OK, "history": OK, "delete": FORBIDDEN}
# Presets: curators (and the superuser) keep them; published ones open read-only; nobody deletes one.
PRESETS = {"changelist": OK, "add": OK, "change": OK, "history": OK, "simple_history": OK, "delete": FORBIDDEN}
# The research export: researchers (and the superuser, who holds every role).
RESEARCH = per_role(FORBIDDEN, anonymous=TO_LOGIN, researcher=OK, superuser=OK)
# The presets library is for every signed-in role.
SIGNED_IN = per_role(OK, anonymous=TO_LOGIN)
# django-axes' own records: read and cleared by the superuser, never added by hand.
LOGIN_THROTTLING = {**EVERYTHING, "add": FORBIDDEN}
# Equipment and stock: clinicians marked staff add, change and view them (clinic.roles); they delete nothing.
EQUIPMENT_FOR_STAFF_CLINICIANS = {"changelist": OK, "add": OK, "change": OK, "history": OK, "simple_history": OK}

# The rule for every request, by label: the URL name ("namespace:name"), "unnamed:<route>" for an
# unnamed pattern, and "name(parameter=value)" where one pattern gives several URLs. Exact labels win, then
# the pattern's own key, then the first glob that matches.
EXPECTED = {
    # The superuser holds every role (User.has_role), so the home page takes them to the patients too.
    "home": per_role(
        OK, anonymous=TO_LOGIN, clinician=TO_PATIENT_LIST, staff_clinician=TO_PATIENT_LIST, superuser=TO_PATIENT_LIST
    ),
    "login": per_role(TO_HOME, anonymous=OK),  # redirect_authenticated_user=True
    "logout": per_role(NOT_ALLOWED),  # POST only
    "choose-language": per_role(NOT_ALLOWED),  # POST only (tests/clinic/test_languages.py)
    "logout-everywhere": per_role(OK, anonymous=TO_LOGIN),
    "session-ping": per_role(Expect(204), anonymous=TO_LOGIN),
    "healthz": per_role(OK),
    "patient-list": PATIENT_DATA,
    "patient-search": per_role(NOT_ALLOWED),  # the search box posts its term (kept out of addresses)
    "patient-create": PATIENT_DATA,
    "patient-detail": PATIENT_DATA,
    "patient-edit": PATIENT_DATA,
    "consent-choose": PATIENT_DATA,
    "consent-sign": PATIENT_DATA,
    "consent-withdraw": PATIENT_DATA,
    "signed-consent-pdf": PATIENT_DATA,
    "session-log": PATIENT_DATA,
    "session-detail": PATIENT_DATA,
    "session-edit": PATIENT_DATA,
    "session-void": PATIENT_DATA,
    "photo-file": PATIENT_DATA,
    "photo-thumbnail": PATIENT_DATA,
    "photo-screen": PATIENT_DATA,
    "photo-void": PATIENT_DATA,
    "session-report": PATIENT_DATA,
    "course-report": PATIENT_DATA,
    # A photo waiting for its session is seen by the clinician who chose it only; none waits under the photo's id.
    "pending-photo-thumbnail": per_role(
        FORBIDDEN, anonymous=TO_LOGIN, clinician=NOT_FOUND, staff_clinician=NOT_FOUND, superuser=NOT_FOUND
    ),
    "assessment-add": PATIENT_DATA,
    "assessment-void": PATIENT_DATA,
    "delayed-event-add": PATIENT_DATA,
    "delayed-event-void": PATIENT_DATA,
    "photo-compare": PATIENT_DATA,
    # Without the two photos to compare, there is nothing to download: 404 for those who may look.
    "photo-compare-download": per_role(
        FORBIDDEN, anonymous=TO_LOGIN, clinician=NOT_FOUND, staff_clinician=NOT_FOUND, superuser=NOT_FOUND
    ),
    "lot-recall": PATIENT_DATA,
    # The recall letters' file, asked without a lot number: the page's form with its message, for those who may look.
    "lot-recall-csv": per_role(
        FORBIDDEN, anonymous=TO_LOGIN, clinician=BAD_REQUEST, staff_clinician=BAD_REQUEST, superuser=BAD_REQUEST
    ),
    "export": RESEARCH,
    "export-download(file_name=sessions)": RESEARCH,
    "export-download(file_name=blend_components)": RESEARCH,
    "export-download(file_name=outcomes)": RESEARCH,
    "export-download(file_name=delayed_adverse_events)": RESEARCH,
    "export-download(file_name=codebook)": RESEARCH,
    # Background exports: asked by POST; followed and downloaded by their creator alone (a 404 for anyone else).
    "export-job-create": per_role(FORBIDDEN, anonymous=TO_LOGIN, researcher=NOT_ALLOWED, superuser=NOT_ALLOWED),
    "export-job-progress": per_role(FORBIDDEN, anonymous=TO_LOGIN, researcher=NOT_FOUND, superuser=NOT_FOUND),
    "export-job-download": per_role(FORBIDDEN, anonymous=TO_LOGIN, researcher=NOT_FOUND, superuser=NOT_FOUND),
    # One's own account and second factor.
    "account": SIGNED_IN,
    "password-change": SIGNED_IN,
    "second-factor": per_role(TO_HOME, anonymous=TO_LOGIN),  # verified already: on to where it was going
    "second-factor-setup": SIGNED_IN,
    "recovery-codes": SIGNED_IN,
    "new-recovery-codes": per_role(NOT_ALLOWED),  # POST only
    "remove-factor(kind=authenticator)": per_role(NOT_ALLOWED),
    "remove-factor(kind=passkey)": per_role(NOT_ALLOWED),
    # django-otp-webauthn's endpoints take JSON posts only, from a signed-in user (a passkey is the second factor).
    "otp_webauthn:credential-registration-begin": per_role(NOT_ALLOWED, anonymous=FORBIDDEN),
    "otp_webauthn:credential-registration-complete": per_role(NOT_ALLOWED, anonymous=FORBIDDEN),
    "otp_webauthn:credential-authentication-begin": per_role(NOT_ALLOWED, anonymous=FORBIDDEN),
    "otp_webauthn:credential-authentication-complete": per_role(NOT_ALLOWED, anonymous=FORBIDDEN),
    "otp_webauthn:js-i18n-catalog": per_role(OK),
    "preset-list": SIGNED_IN,
    "preset-detail": SIGNED_IN,
    "preset-compare": SIGNED_IN,
    # The admin site's own pages.
    "admin:index": admin_page(OK, staff_clinician=OK),
    "admin:login": per_role(OK, staff_clinician=TO_ADMIN_INDEX, superuser=TO_ADMIN_INDEX),
    "admin:logout": per_role(TO_ADMIN_INDEX, staff_clinician=NOT_ALLOWED, superuser=NOT_ALLOWED),
    "admin:password_change": admin_page(OK, staff_clinician=OK),
    "admin:password_change_done": admin_page(OK, staff_clinician=OK),
    "admin:jsi18n": admin_page(OK, staff_clinician=OK),
    "admin:autocomplete": admin_page(FORBIDDEN),  # 403 without its query parameters, even for the superuser
    "admin:view_on_site": admin_page(TO_PATIENT_PAGE, staff_clinician=TO_PATIENT_PAGE),
    "admin:app_list(app_label=clinic)": admin_page(OK, staff_clinician=OK),
    "admin:app_list(*)": admin_page(OK, staff_clinician=NOT_FOUND),
    "unnamed:admin/(?P<url>.*)$": admin_page(NOT_FOUND, staff_clinician=NOT_FOUND),
    # Every ModelAdmin, one line each.
    **model_admin("clinic_patient", CLINICAL_RECORD),
    **model_admin("treatments_treatmentsession", CLINICAL_RECORD),
    **model_admin("audit_auditevent", AUDIT_TRAIL),
    **model_admin("protocols_protocolpreset", PRESETS),
    # Consent documents: administrators write and publish them; published ones open read-only; none is deleted.
    **model_admin("clinic_consentdocument", PRESETS),
    **model_admin("clinic_device", MASTER_DATA, EQUIPMENT_FOR_STAFF_CLINICIANS),
    **model_admin("clinic_needlecartridge", MASTER_DATA, EQUIPMENT_FOR_STAFF_CLINICIANS),
    **model_admin("clinic_product", MASTER_DATA, EQUIPMENT_FOR_STAFF_CLINICIANS),
    **model_admin("clinic_lot", MASTER_DATA, EQUIPMENT_FOR_STAFF_CLINICIANS),
    **model_admin("clinic_user", EVERYTHING),
    # Data use agreements (the limited data set): granted and revoked by the superuser, with their history.
    **model_admin("research_datauseagreement", MASTER_DATA),
    # The export worker's tasks (django-tasks-db): read by the superuser, never written there.
    **model_admin("django_tasks_database_dbtaskresult", {**AUDIT_TRAIL}),
    "admin:auth_user_password_change": admin_page(OK),
    **model_admin("auth_group", EVERYTHING),
    **model_admin("axes_accessattempt", LOGIN_THROTTLING),
    **model_admin("axes_accesslog", LOGIN_THROTTLING),
    **model_admin("axes_accessfailurelog", LOGIN_THROTTLING),
    # admin/<app>/<model>/<id>/ of every ModelAdmin: a redirect to the change page, whoever is staff.
    "unnamed:admin/*/*/<path:object_id>/": admin_page(TO_CHANGE_PAGE, staff_clinician=TO_CHANGE_PAGE),
}


def rule_for(label, key):
    if label in EXPECTED:
        return EXPECTED[label]
    if key in EXPECTED:
        return EXPECTED[key]
    return next((rule for pattern, rule in EXPECTED.items() if fnmatchcase(label, pattern)), None)


def missing_rule_message(label):
    return f"route {label} has no access expectation: add it to EXPECTED in tests/config/test_every_route.py"


# The world the parameters are filled from.


@dataclass
class World:
    patient: Patient
    session: TreatmentSession
    photo: SessionPhoto
    assessment: Assessment
    delayed_event: DelayedAdverseEvent
    export_job: ExportJob
    admin_objects: dict
    signed_consent: SignedConsent


@pytest.fixture
def staff_clinician(db):
    """A clinician also marked staff: the admin opens equipment and stock to them (README, roles)."""
    return UserFactory(username="staff.clinician", is_staff=True, roles=[CLINICIAN])


@pytest.fixture
def world(db, clinician):
    patient = PatientFactory(last_name=LAST_NAME, record_number=RECORD_NUMBER)
    session = BlendComponentFactory(session__patient=patient).session
    store_photos(session, clinician)
    access = {"user_agent": "test", "ip_address": "10.0.0.1", "username": "someone", "http_accept": "*/*"}
    AccessAttempt.objects.create(
        **access, path_info="/accounts/login/", get_data="", post_data="", failures_since_start=1
    )
    AccessLog.objects.create(**access, path_info="/accounts/login/")
    AccessFailureLog.objects.create(**access, path_info="/accounts/login/")
    record_event(AuditAction.VIEW, patient, user=clinician)
    someone_researching = UserFactory(roles=["researcher"])
    DataUseAgreement.objects.create(researcher=someone_researching, reference="DUA-ROUTES")
    # Someone else's export: nobody but its creator sees it (and the worker's task for it, in the admin).
    export_job = ExportJob.objects.create(requested_by=someone_researching, file_name="bundle", query="")
    write_export.enqueue(str(export_job.pk))

    consent_document = ConsentDocumentFactory()
    signed_consent = sign_consent(
        patient=patient, document=consent_document, signature=signature(), witnessed_by=clinician
    )
    chosen = {
        Patient: patient,
        TreatmentSession: session,
        type(clinician): clinician,
        ConsentDocument: consent_document,
    }
    admin_objects = {}
    for model in admin.site._registry:
        obj = chosen.get(model) or model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {model._meta.label} object for its admin pages: create one in world()"
        admin_objects[model] = obj
    assessment = Assessment.objects.create(
        patient=patient, assessed_on=session.performed_on, assessed_by=clinician, satisfaction=4
    )
    delayed_event = DelayedAdverseEvent.objects.create(
        session=session, kind="folliculitis", onset_on=session.performed_on, severity="mild", recorded_by=clinician
    )
    return World(
        patient=patient,
        session=session,
        photo=session.photos.get(),
        assessment=assessment,
        delayed_event=delayed_event,
        export_job=export_job,
        admin_objects=admin_objects,
        signed_consent=signed_consent,
    )


def parameter_values(route, name, converter, world):
    """Every value to request for one parameter of a route (a list: a few routes are tried with several)."""
    if route.model is not None and name in ("object_id", "id"):
        return [world.admin_objects[route.model].pk]
    first_segment = route.route.split("/", 1)[0]
    values = {
        ("patient_pk", "int"): world.patient.pk,
        ("pk", "int", "patients"): world.patient.pk,
        ("pk", "int", "sessions"): world.session.pk,
        ("pk", "int", "assessments"): world.assessment.pk,
        ("pk", "int", "delayed-events"): world.delayed_event.pk,
        ("pk", "int", "consents"): world.signed_consent.pk,
        ("document_pk", "int"): world.signed_consent.document_id,
        ("pk", "uuid"): world.photo.pk,
        ("pk", "uuid", "export"): world.export_job.pk,
        ("content_type_id", "path"): ContentType.objects.get_for_model(Patient).pk,
        ("object_id", "path"): world.patient.pk,  # with content_type_id: admin's view-on-site
        ("url", "regex"): "no-such-page/",  # the admin's catch-all
        ("slug", "slug"): world.admin_objects[ProtocolPreset].slug,
        ("kind", "slug", "patients"): course_key(world.session)[0],  # the session's course, for its report
        ("key", "slug", "patients"): course_key(world.session)[1],
        ("version", "int"): world.admin_objects[ProtocolPreset].version,
    }
    for lookup in ((name, converter, first_segment), (name, converter)):
        if lookup in values:
            return [values[lookup]]
    if (name, converter) == ("kind", "string"):
        return ["authenticator", "passkey"]  # one's own second factors
    if (name, converter, first_segment) == ("pk", "int", "accounts"):
        return [1]
    if (name, converter) == ("file_name", "slug"):
        return [*EXPORT_FILES, "codebook"]  # the research export's files
    if (name, converter) == ("app_label", "regex"):
        return sorted({model._meta.app_label for model in admin.site._registry})
    raise LookupError(f"route {route.key}: no value for parameter <{converter}:{name}>: teach parameter_values()")


def requests_for(route, world):
    """[(label, url)] for one discovered pattern: one URL, or one per value of a multi-valued parameter."""
    args = ()
    if route.positional:
        if not (route.model and route.key.endswith("_simple_history") and route.positional == 2):
            raise LookupError(f"route {route.key}: no values for its {route.positional} positional groups")
        obj = world.admin_objects[route.model]
        args = (obj.pk, obj.history.order_by("history_id").first().history_id)  # its first version
    names = [name for name, _ in route.params]
    choices = [parameter_values(route, name, converter, world) for name, converter in route.params]
    several = [name for name, values in zip(names, choices, strict=True) if len(values) > 1]
    found = []
    for values in product(*choices):
        kwargs = dict(zip(names, values, strict=True))
        url = reverse(route.name, args=args, kwargs=kwargs) if route.name else fill_route(route.route, kwargs)
        label = route.key + "".join(f"({name}={kwargs[name]})" for name in several)
        found.append((label, url))
    return found


def every_request(world):
    """The discovered routes, the (route, label, url) requests to make of them, and the routes that
    could not be filled (each with what is missing)."""
    routes = discover()
    requests, unfilled = [], []
    for route in routes:
        try:
            requests.extend((route, label, url) for label, url in requests_for(route, world))
        except LookupError as error:
            if rule_for(route.key, route.key) is None:
                unfilled.append(missing_rule_message(route.key))
            unfilled.append(str(error))
    return routes, requests, unfilled


def _places(world):
    return {
        "login": reverse("login"),
        "admin_login": reverse("admin:login"),
        "admin_index": reverse("admin:index"),
        "home": reverse("home"),
        "patient_list": reverse("patient-list"),
        "patient_page": world.patient.get_absolute_url(),
    }


def where_to(expect, url, places):
    next_query = QueryDict(mutable=True)
    next_query["next"] = url
    return expect.location.format(**places, next=next_query.urlencode(safe="/"), path=url)


# The tests.


def test_every_route_is_discovered_requested_and_has_an_expectation(world):
    routes, requests, problems = every_request(world)
    for route, label, url in requests:
        if rule_for(label, route.key) is None:
            problems.append(missing_rule_message(label))
        if (resolved := resolve(url).route) != route.route:
            problems.append(f"{url} (for {label}) reaches route {resolved}, not {route.route}")
    labels = {label for _, label, _ in requests}
    for pattern in EXPECTED:
        if not any(pattern == label or fnmatchcase(label, pattern) for label in labels):
            problems.append(f"EXPECTED[{pattern!r}] matches no route any more: remove it")
    for model, model_admin_ in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        owned = {route.key for route in routes if route.model is model}
        for view in ("changelist", "add", "change", "history", "delete"):
            if f"{info}_{view}" not in owned:
                problems.append(f"{type(model_admin_).__name__}: {info}_{view} was not discovered")
    assert not problems, "\n".join(problems)
    assert len(routes) > 90, "the walk found too few routes: does it still descend into the admin?"
    print(
        f"\n{len(routes)} URL patterns discovered; {len(requests)} URLs × {len(ROLES)} roles"
        f" = {len(requests) * len(ROLES)} requests checked by test_every_route_answers_each_role_as_expected"
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(role, world, client_for, request):
    client = client_for(None if role == "anonymous" else request.getfixturevalue(role))
    places = _places(world)
    _, requests, failures = every_request(world)
    for route, label, url in requests:
        rule = rule_for(label, route.key)
        if rule is None:
            failures.append(missing_rule_message(label))
            continue
        views_before = AuditEvent.objects.filter(action__in=SHOWINGS).count()
        try:
            response = client.get(url)
        except Exception as error:  # the test client re-raises what would be a 500: note it, go on
            failures.append(f"GET {url} ({label}) as {role}: expected {rule[role]}, got 500 ({error!r})")
            continue
        body = response.getvalue().decode(errors="replace")  # reads (and so closes) a streamed file too
        shows_patient = any(secret in body for secret in (LAST_NAME, RECORD_NUMBER))
        # A PDF report (compressed text) shows the patient whatever its bytes say.
        shows_photo = response.get("Content-Type", "").startswith(("image/", "application/pdf"))
        viewed = AuditEvent.objects.filter(action__in=SHOWINGS).count() > views_before
        if response.status_code == 200 and (shows_patient or shows_photo) and not viewed:
            failures.append(f"GET {url} ({label}) as {role} shows patient data but wrote no view to the trail")
        is_our_page = response.get("Content-Type", "").startswith("text/html") and not url.startswith("/admin/")
        if response.status_code == 200 and is_our_page and (empty := empty_table_headers(body)):
            failures.append(f"GET {url} ({label}) as {role}: {empty} table header(s) with nothing to read out")
        location = response.get("Location", "")
        got = Expect(response.status_code, location or None)
        wanted = Expect(rule[role].status, where_to(rule[role], url, places) if rule[role].location else None)
        if got != wanted:
            failures.append(f"GET {url} ({label}) as {role}: expected {wanted}, got {got}")
        if role in KEPT_AWAY or (role != "clinician" and response.status_code in (302, 403)):
            failures.extend(
                f"GET {url} ({label}) as {role}: the {response.status_code} answer shows {secret}"
                for secret in (LAST_NAME, RECORD_NUMBER)
                if secret in body or secret in location
            )
    assert not failures, f"{role}: {len(failures)} problems over {len(requests)} URLs:\n" + "\n".join(failures)
    print(f"\n{role}: {len(requests)} URLs checked")


def test_the_admin_offers_no_way_to_delete_a_clinical_record(world, superuser, rf):
    """No delete page opens (above); nor may a change page offer delete boxes on inline rows, or a list the
    "delete selected" action."""
    request = rf.get("/admin/")
    request.user = superuser
    problems = []
    for model, model_admin_ in admin.site._registry.items():
        obj = world.admin_objects[model]
        if model in CLINICAL_MODELS:
            if model_admin_.has_delete_permission(request, obj):
                problems.append(f"{type(model_admin_).__name__} lets the superuser delete a {model._meta.verbose_name}")
            if "delete_selected" in model_admin_.get_actions(request):
                problems.append(f"{type(model_admin_).__name__} offers the delete-selected action")
        for inline in model_admin_.get_inline_instances(request, obj):
            if inline.model in CLINICAL_MODELS and inline.can_delete and inline.has_delete_permission(request, obj):
                problems.append(f"{type(inline).__name__} on {type(model_admin_).__name__} lets rows be deleted")
    assert not problems, "\n".join(problems)


def test_no_admin_page_of_a_clinical_record_takes_a_write(world, client_for, superuser, clinician):
    """Clinical records are read in the admin, never written there: posting back any form an admin page of
    theirs shows (change page, a past version's page) is refused and leaves the record as stored. Otherwise
    an edit — or the undoing of a void — would skip the audited services, versions and amendment reasons."""
    void_record(record=world.session, reason="Logged on the wrong patient.", by=clinician)
    client = client_for(superuser)
    tried, problems = [], []
    for route in discover():
        if route.model not in CLINICAL_MODELS:
            continue
        obj = world.admin_objects[route.model]
        for label, url in requests_for(route, world):
            shown = client.get(url)
            if shown.status_code != 200 or "adminform" not in (shown.context or {}):
                continue
            tried.append(label)
            stored = stored_snapshot(obj)
            response = client.post(url, as_posted(shown.context["adminform"].form))
            if response.status_code != 403:
                problems.append(f"POST {url} ({label}) as superuser: expected 403, got {response.status_code}")
            if (now := stored_snapshot(obj)) != stored:
                changed = {name: [stored[name], now[name]] for name in stored if stored[name] != now[name]}
                problems.append(f"POST {url} ({label}) wrote {route.model._meta.verbose_name} #{obj.pk}: {changed}")
    assert tried, "no admin form of a clinical record found: has the walk lost the admin?"
    assert not problems, "\n".join(problems)
