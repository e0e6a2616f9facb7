"""Curation of the presets in the Django admin: curators who are staff keep them, nobody deletes one.

Published versions are frozen: a change is a new draft version (admin action), edited, then published,
which retires the version before it. Sessions keep pointing at the version they used. Every curation
change is in the audit trail and in the preset's history.
"""

import json
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from audit.services import snapshot
from clinic.roles import CLINICIAN, CURATOR, RESEARCHER
from protocols import services
from protocols.literature import PRESETS
from protocols.models import PresetBlendComponent, PresetStatus, ProtocolPreset
from sessions.models import TreatmentSession
from tests.support.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:protocols_protocolpreset_changelist")
ADD = reverse("admin:protocols_protocolpreset_add")
BARLETTA = "barletta-mmp-triamcinolone-aa"
ARBACHE = "arbache-2019-mmp-ex-vivo"
NEW_VERSION = "new_version_of_selected"
PUBLISH = "publish_selected"
RETIRE = "retire_selected"


@pytest.fixture
def staff_curator(db):
    return UserFactory(username="staff.curator", is_staff=True, roles=[CURATOR])


@pytest.fixture
def admin_client(client_for, staff_curator):
    return client_for(staff_curator)


@pytest.fixture
def v1():
    return ProtocolPreset.objects.get(slug=BARLETTA, version=1)


def change_url(preset):
    return reverse("admin:protocols_protocolpreset_change", args=[preset.pk])


def run_action(client, action, *presets, follow=False):
    data = {"action": action, "_selected_action": [preset.pk for preset in presets], "index": "0"}
    return client.post(CHANGELIST, data, follow=follow)


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def changelist(client, **query):
    response = client.get(CHANGELIST, query)
    assert response.status_code == 200
    return {str(preset) for preset in response.context["cl"].queryset}


def seeded_count(matches):
    return sum(1 for entry in PRESETS if matches(entry))


def frozen_values(preset):
    """Everything a session relies on: the preset's fields (but status and timestamps) and its blend."""
    preset = ProtocolPreset.objects.get(pk=preset.pk)
    values = {key: value for key, value in snapshot(preset).items() if key not in ("status", "updated_at")}
    blend = [
        {key: value for key, value in snapshot(component).items() if key != "id"}
        for component in preset.blend_components.order_by("pk")
    ]
    return values, blend


def trail(preset, **filters):
    return AuditEvent.objects.filter(object_type="preset", object_id=str(preset.pk), **filters).order_by("pk")


# Reading the admin's change form the way a browser would submit it.


class _FormFields(HTMLParser):
    """The (name, value) pairs a browser would submit for <form id=...>, untouched."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append([attrs["name"], attrs.get("value", "on" if kind in ("checkbox", "radio") else "")])
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
            self.fields.append(self.textarea)
        elif tag == "select":
            self.select = {"name": attrs["name"], "options": [], "multiple": "multiple" in attrs}
        elif tag == "option" and self.select is not None:
            self.select["options"].append((attrs.get("value", ""), "selected" in attrs))

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            # The browser drops the newline that starts a textarea's content.
            self.textarea[1] = self.textarea[1].removeprefix("\r\n").removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = [value for value, selected in self.select["options"] if selected]
            if not chosen and not self.select["multiple"] and self.select["options"]:
                chosen = [self.select["options"][0][0]]
            self.fields += [[self.select["name"], value] for value in chosen]
            self.select = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


def form_data(response, form_id="protocolpreset_form"):
    """The change form as a browser would send it back: {name: [values]}."""
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.fields, f"no form #{form_id} on the page"
    data = {}
    for name, value in parser.fields:
        if "__prefix__" not in name and name != "csrfmiddlewaretoken":
            data.setdefault(name, []).append(value)
    return data


def edit_draft(client, draft, button="_save", follow=False, **changes):
    """Open the draft's change page, change some fields and save it (or press another button), as a curator does."""
    page = client.get(change_url(draft))
    assert page.status_code == 200
    data = form_data(page)
    assert "blend_components-TOTAL_FORMS" in data  # the blend inline's management form is sent back too
    for name, value in changes.items():
        data[name.replace("__", "-")] = value if isinstance(value, list) else [value]
    data[button] = ["Save"]
    return client.post(change_url(draft), data, follow=follow)


# Who may curate.


def test_a_staff_curator_sees_the_presets_in_the_admin(admin_client):
    index = admin_client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert CHANGELIST in index.content.decode()

    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 23


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda: UserFactory(is_staff=True, roles=[CLINICIAN]), id="staff-clinician"),
        pytest.param(lambda: UserFactory(is_staff=True, roles=[RESEARCHER]), id="staff-researcher"),
        pytest.param(lambda: UserFactory(is_staff=True), id="staff-without-role"),
    ],
)
def test_staff_who_are_not_curators_are_refused_the_presets_admin(client_for, v1, make_user):
    client = client_for(make_user())

    for url in (
        CHANGELIST,
        ADD,
        change_url(v1),
        reverse("admin:protocols_protocolpreset_history", args=[v1.pk]),
        reverse("admin:protocols_protocolpreset_delete", args=[v1.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert run_action(client, RETIRE, v1).status_code == 403
    assert ProtocolPreset.objects.get(pk=v1.pk).status == PresetStatus.PUBLISHED
    assert CHANGELIST not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("role", ["researcher", "clinician", "outsider"])
def test_non_staff_users_are_sent_to_the_admin_login(client_for, request, role, v1):
    client = client_for(request.getfixturevalue(role))

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("admin:login")


def test_a_curator_who_is_not_staff_is_sent_to_the_admin_login(client_for, curator, v1):
    client = client_for(curator)

    for url in (CHANGELIST, change_url(v1)):
        response = client.get(url)
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == reverse("admin:login")
        assert parse_qs(location.query) == {"next": [url]}
    response = run_action(client, NEW_VERSION, v1)
    assert response.status_code == 302
    assert ProtocolPreset.objects.filter(slug=BARLETTA).count() == 1


# The changelist: filters and search.


def test_the_technique_filter(admin_client):
    shown = changelist(admin_client, technique="smp")
    assert shown == {
        "Scalp micropigmentation as a concealer (Rassman 2015) (v1)",
        "Micropigmentation as an adjuvant in hair restoration (Traquina 2001) (v1)",
    }


def test_the_indication_filter(admin_client):
    assert changelist(admin_client, indication="aa") == {
        "MMP with triamcinolone for alopecia areata (Barletta, 2 cases) (v1)"
    }
    assert len(changelist(admin_client, indication="aga")) == seeded_count(
        lambda entry: "aga" in entry.get("indications", [])
    )
    assert len(changelist(admin_client, indication="zz")) == 23  # unknown: not applied


def test_the_status_filter(admin_client, v1):
    draft = services.new_version(v1)
    services.retire(ProtocolPreset.objects.get(slug=ARBACHE))

    assert changelist(admin_client, status="draft") == {str(draft)}
    assert changelist(admin_client, status="retired") == {"MMP drug delivery, ex vivo human skin (Arbache 2019) (v1)"}
    assert len(changelist(admin_client, status="published")) == 22
    assert len(changelist(admin_client)) == 24


def test_the_evidence_type_filter(admin_client):
    assert changelist(admin_client, evidence_type="ex_vivo") == {
        "MMP drug delivery, ex vivo human skin (Arbache 2019) (v1)"
    }
    assert len(changelist(admin_client, evidence_type="controlled_trial")) == seeded_count(
        lambda entry: entry["evidence_type"] == "controlled_trial"
    )


def test_filters_combine(admin_client):
    assert changelist(admin_client, technique="mmp", indication="aga", evidence_type="controlled_trial") == {
        "MMP dutasteride vs saline, male androgenetic alopecia (Gasques 2025) (v1)"
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Arbache", {"MMP drug delivery, ex vivo human skin (Arbache 2019) (v1)"}),  # author
        ("Inamadar", {"Weekly dermaroller + minoxidil 5 %, men Norwood–Hamilton III–IV (Kumar 2018) (v1)"}),
        ("concealer for hair", {"Scalp micropigmentation as a concealer (Rassman 2015) (v1)"}),  # title
        ("10.1111/ijd.14408", {"MMP drug delivery, ex vivo human skin (Arbache 2019) (v1)"}),  # DOI
        (
            "10.4103/JCAS.JCAS_130_17",
            {"Weekly dermaroller + minoxidil 5 %, men Norwood–Hamilton III–IV (Kumar 2018) (v1)"},
        ),
        ("41064071", {"MMP dutasteride vs saline, male androgenetic alopecia (Gasques 2025) (v1)"}),  # PMID
    ],
)
def test_search_by_author_title_doi(admin_client, query, expected):
    assert changelist(admin_client, q=query) == expected


def test_a_search_that_matches_nothing_gives_an_empty_list(admin_client):
    assert changelist(admin_client, q="no such author anywhere") == set()


# Published versions are frozen.


def test_a_published_preset_opens_read_only(admin_client, v1):
    response = admin_client.get(change_url(v1))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="_save"' not in body
    assert 'name="_continue"' not in body
    assert 'name="_addanother"' not in body
    assert 'name="depth_min_mm"' not in body
    assert 'name="blend_components-0-concentration"' not in body
    assert response.context["title"] == "View protocol preset"


def test_posting_changes_to_a_published_preset_changes_nothing(admin_client, v1):
    before = frozen_values(v1)
    # A complete, valid change form for the same values: the draft copy's, pointed at v1 and its blend.
    data = form_data(admin_client.get(change_url(services.new_version(v1))))
    for index, component in enumerate(v1.blend_components.order_by("pk")):
        data |= {f"blend_components-{index}-id": [component.pk], f"blend_components-{index}-preset": [v1.pk]}
    data |= {"depth_min_mm": ["1.50"], "depth_max_mm": ["1.50"], "name": ["Tampered"], "_save": ["Save"]}

    response = admin_client.post(change_url(v1), data)

    assert response.status_code == 403
    assert frozen_values(v1) == before
    assert ProtocolPreset.objects.get(pk=v1.pk).status == PresetStatus.PUBLISHED
    assert not trail(v1).exists()


def test_reverting_a_published_preset_from_its_history_is_refused(admin_client, v1):
    """simple-history's "revert" form would save an old version over a frozen one."""
    before = frozen_values(v1)
    record = v1.history.earliest()
    url = reverse("admin:protocols_protocolpreset_simple_history", args=[v1.pk, record.history_id])
    assert admin_client.get(url).status_code == 200

    data = form_data(admin_client.get(url), form_id="historicalprotocolpreset_form")
    data |= {"name": ["Tampered through history"], "_save": ["Revert"]}
    response = admin_client.post(url, data)

    assert response.status_code == 403
    assert frozen_values(v1) == before


@pytest.mark.parametrize("path", ["{pk}/history/abc/", "abc/history/", "abc/history/1/", "{pk}/history/99999999/"])
def test_malformed_history_urls_are_not_found(admin_client, v1, path):
    response = admin_client.get(CHANGELIST + path.format(pk=v1.pk))

    assert response.status_code == 404


# A new version: copy, edit, publish.


def test_the_new_version_action_makes_a_draft_copy_and_opens_it(admin_client, staff_curator, v1):
    before = frozen_values(v1)

    response = run_action(admin_client, NEW_VERSION, v1)

    draft = ProtocolPreset.objects.get(slug=BARLETTA, version=2)
    assert response.status_code == 302
    assert response["Location"] == change_url(draft)
    assert draft.status == PresetStatus.DRAFT
    copied, copied_blend = frozen_values(draft)
    original, original_blend = before
    assert {k: v for k, v in copied.items() if k not in ("id", "version", "created_at")} == {
        k: v for k, v in original.items() if k not in ("id", "version", "created_at")
    }
    strip = [{k: v for k, v in row.items() if k != "preset_id"} for row in copied_blend]
    assert strip == [{k: v for k, v in row.items() if k != "preset_id"} for row in original_blend]
    assert {row["preset_id"] for row in copied_blend} == {draft.pk}
    assert len(strip) == 2
    assert frozen_values(v1) == before
    assert ProtocolPreset.objects.get(pk=v1.pk).status == PresetStatus.PUBLISHED

    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    assert "Made 1 new draft version(s)" in " ".join(shown_messages(page))
    assert 'name="_save"' in page.content.decode()


def test_the_new_version_is_in_the_audit_trail_and_its_history(staff_curator, admin_client, v1):
    run_action(admin_client, NEW_VERSION, v1)
    draft = ProtocolPreset.objects.get(slug=BARLETTA, version=2)

    created = trail(draft).get()
    assert created.action == AuditAction.CREATE
    assert created.user == staff_curator
    assert created.detail == {"copied_from": f"{BARLETTA} v1"}
    history = list(draft.history.all())
    assert [record.history_type for record in history] == ["+"]
    assert history[0].history_user == staff_curator
    assert history[0].status == PresetStatus.DRAFT
    assert PresetBlendComponent.history.filter(preset_id=draft.pk, history_type="+").count() == 2


def test_the_draft_is_edited_through_its_change_form(admin_client, staff_curator, v1):
    draft = services.new_version(v1)

    response = edit_draft(
        admin_client,
        draft,
        depth_min_mm="1.50",
        depth_max_mm="1.50",
        frequency_min_hz="90",
        frequency_max_hz="90",
        title="Alopecia areata treated with MMP and triamcinolone",
        blend_components__1__concentration="5",
    )

    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert response["Location"] == CHANGELIST
    draft.refresh_from_db()
    assert (str(draft.depth_min_mm), str(draft.depth_max_mm)) == ("1.50", "1.50")
    assert (draft.frequency_min_hz, draft.frequency_max_hz) == (90, 90)
    assert draft.title == "Alopecia areata treated with MMP and triamcinolone"
    assert draft.status == PresetStatus.DRAFT
    assert sorted(str(c.concentration.normalize()) for c in draft.blend_components.all()) == ["2.5", "5"]
    # What the form left alone is kept.
    assert draft.indications == ["aa"]
    assert draft.endpoint == "Area covered by a “bloody dew”"
    # v1 is untouched.
    assert (str(ProtocolPreset.objects.get(pk=v1.pk).depth_min_mm), v1.blend_components.count()) == ("1.00", 2)

    update = trail(draft, action=AuditAction.UPDATE).get()
    assert update.user == staff_curator
    assert update.changes["depth_min_mm"] == ["1.00", "1.50"]
    assert update.changes["frequency_max_hz"] == [70, 90]
    assert update.changes["title"] == ["", "Alopecia areata treated with MMP and triamcinolone"]
    assert draft.history.latest().history_type == "~"
    assert draft.history.latest().history_user == staff_curator


def test_a_change_to_the_blend_of_a_draft_is_in_the_audit_trail(admin_client, v1):
    """The blend is part of the preset a clinician starts from: changing it is a curation change too."""
    draft = services.new_version(v1)
    last = AuditEvent.objects.order_by("pk").last().pk

    response = edit_draft(admin_client, draft, blend_components__1__concentration="7.5")

    assert response.status_code == 302
    assert sorted(str(c.concentration.normalize()) for c in draft.blend_components.all()) == ["2.5", "7.5"]
    events = AuditEvent.objects.filter(pk__gt=last)
    mentioned = json.dumps([[event.object_type, event.changes, event.detail] for event in events])
    assert "7.5" in mentioned, f"the blend change is not in the audit trail: {mentioned}"


def test_an_unchanged_save_of_a_draft_records_no_update(admin_client, v1):
    draft = services.new_version(v1)

    response = edit_draft(admin_client, draft)

    assert response.status_code == 302
    assert not trail(draft, action=AuditAction.UPDATE).exists()


# What a tampered form could send instead of the checkbox values.
BAD_INDICATIONS = ["5", '"aa"', '"fphl aga"', '{"aa": true}', "[5]", '["not-a-diagnosis"]', "null", "not-a-diagnosis"]


@pytest.mark.parametrize("indications", BAD_INDICATIONS)
def test_indications_must_be_a_list_of_diagnosis_codes(admin_client, v1, indications):
    """The library filters and labels presets by these codes; anything else is refused with a message."""
    draft = services.new_version(v1)

    response = edit_draft(admin_client, draft, indications=indications)

    draft.refresh_from_db()
    assert response.status_code == 200, f"{indications} was saved as {draft.indications!r}"
    assert response.context["adminform"].form.errors.get("indications")
    assert draft.indications == ["aa"]


@pytest.mark.parametrize("indications", BAD_INDICATIONS)
def test_the_library_still_works_whatever_was_typed_as_indications(admin_client, clinician_client, v1, indications):
    draft = services.new_version(v1)
    edit_draft(admin_client, draft, indications=indications)
    run_action(admin_client, PUBLISH, draft)
    draft.refresh_from_db()
    assert draft.status == PresetStatus.PUBLISHED

    for url in (
        reverse("preset-list"),
        reverse("preset-list") + "?indication=aa",
        reverse("preset-list") + "?indication=aga",
        draft.get_absolute_url(),
        f"{reverse('preset-compare')}?preset={draft.pk}&preset={v1.pk}",
    ):
        assert clinician_client.get(url).status_code == 200, url
    assert admin_client.get(CHANGELIST, {"indication": "aa"}).status_code == 200


def test_clearing_the_indications_of_a_draft_leaves_it_with_none(admin_client, v1):
    """An empty box means "no indication reported", as on the seeded presets: not a database error."""
    draft = services.new_version(v1)

    response = edit_draft(admin_client, draft, indications=[])  # every box unticked: nothing is sent

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.indications == []


def test_a_draft_is_saved_and_published_from_its_own_page(admin_client, v1):
    draft = services.new_version(v1)
    assert 'name="_publish"' in admin_client.get(change_url(draft)).content.decode()

    response = edit_draft(admin_client, draft, button="_publish", follow=True, depth_min_mm="0.90")

    assert f"“{draft}” is saved and published." in shown_messages(response)
    draft.refresh_from_db()
    v1.refresh_from_db()
    assert (draft.status, str(draft.depth_min_mm), v1.status) == (PresetStatus.PUBLISHED, "0.90", PresetStatus.RETIRED)
    assert 'name="_publish"' not in admin_client.get(change_url(draft)).content.decode()


def test_a_draft_that_cannot_be_published_stays_open_saying_why(admin_client, v1):
    draft, later = services.new_version(v1), services.new_version(v1)
    services.publish(later)

    response = edit_draft(admin_client, draft, button="_publish", follow=True)

    assert any("has been published: this draft is out of date" in said for said in shown_messages(response))
    assert ProtocolPreset.objects.get(pk=draft.pk).status == PresetStatus.DRAFT


@pytest.mark.parametrize("typed", [ARBACHE, "barletta-triamcinolone-alopecia-areata"])
def test_the_slug_of_a_new_version_stays_that_of_its_preset(admin_client, v1, typed):
    """The slug ties the versions together: publishing retires the version before, courses follow it.
    Another preset's slug would retire that preset; a new one would leave v1 published beside v2."""
    draft = services.new_version(v1)

    edit_draft(admin_client, draft, slug=typed)
    draft.refresh_from_db()
    run_action(admin_client, PUBLISH, draft)

    assert ProtocolPreset.objects.get(pk=draft.pk).slug == BARLETTA
    assert ProtocolPreset.objects.get(pk=v1.pk).status == PresetStatus.RETIRED
    assert ProtocolPreset.objects.get(slug=ARBACHE, version=1).status == PresetStatus.PUBLISHED


def test_publishing_the_new_version_retires_the_old_one_which_stays_unchanged(admin_client, staff_curator, v1):
    session = SessionFactory(preset=v1)
    draft = services.new_version(v1)
    edit_draft(admin_client, draft, depth_min_mm="1.50", depth_max_mm="1.50")
    before = frozen_values(v1)

    response = run_action(admin_client, PUBLISH, draft, follow=True)

    assert response.status_code == 200
    assert "1 preset(s) published." in shown_messages(response)
    draft.refresh_from_db()
    v1.refresh_from_db()
    assert draft.status == PresetStatus.PUBLISHED
    assert v1.status == PresetStatus.RETIRED
    assert frozen_values(v1) == before
    assert str(v1.depth_min_mm) == "1.00"
    # The session logged from v1 still points at v1, with v1's values.
    session = TreatmentSession.objects.get(pk=session.pk)
    assert session.preset_id == v1.pk
    assert session.preset.version == 1
    assert str(session.preset.depth_min_mm) == "1.00"
    assert ProtocolPreset.objects.published().filter(slug=BARLETTA).get() == draft

    # The audit trail: v2 draft → published, v1 published → retired, by the curator.
    published = trail(draft, action=AuditAction.UPDATE).last()
    assert published.changes == {"status": ["draft", "published"]}
    assert published.user == staff_curator
    retired = trail(v1).get()
    assert retired.action == AuditAction.UPDATE
    assert retired.changes == {"status": ["published", "retired"]}
    assert retired.reason == "Replaced by version 2."
    assert retired.user == staff_curator
    # ... and the history of each version.
    assert draft.history.latest().status == PresetStatus.PUBLISHED
    assert draft.history.latest().history_user == staff_curator
    latest = v1.history.latest()
    assert (latest.status, latest.history_type, latest.history_user) == (PresetStatus.RETIRED, "~", staff_curator)
    assert latest.history_change_reason == "Replaced by version 2."
    assert v1.history.count() == 2  # seeded, then retired


def test_a_retired_version_cannot_be_edited_afterwards(admin_client, v1):
    draft = services.new_version(v1)
    services.publish(draft)
    before = frozen_values(v1)

    page = admin_client.get(change_url(v1))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(change_url(v1), {"name": "Tampered", "_save": "Save"}).status_code == 403
    assert frozen_values(v1) == before
    assert ProtocolPreset.objects.get(pk=v1.pk).status == PresetStatus.RETIRED


def test_publishing_a_published_or_retired_preset_shows_an_error(admin_client, v1):
    response = run_action(admin_client, PUBLISH, v1, follow=True)

    assert response.status_code == 200
    shown = shown_messages(response)
    assert any("Only a draft can be published" in message for message in shown), shown
    assert not any("published." in message and "preset(s)" in message for message in shown)
    assert ProtocolPreset.objects.get(pk=v1.pk).status == PresetStatus.PUBLISHED
    assert not trail(v1).exists()

    services.retire(v1)
    response = run_action(admin_client, PUBLISH, v1, follow=True)
    assert any("Only a draft can be published" in message for message in shown_messages(response))
    assert ProtocolPreset.objects.get(pk=v1.pk).status == PresetStatus.RETIRED


def test_publishing_a_mix_publishes_the_drafts_and_reports_the_rest(admin_client, v1):
    draft = services.new_version(v1)
    arbache = ProtocolPreset.objects.get(slug=ARBACHE)

    response = run_action(admin_client, PUBLISH, draft, arbache, follow=True)

    shown = shown_messages(response)
    assert "1 preset(s) published." in shown
    assert any("Only a draft can be published" in message and str(arbache) in message for message in shown)
    assert ProtocolPreset.objects.get(pk=draft.pk).status == PresetStatus.PUBLISHED
    assert ProtocolPreset.objects.get(pk=arbache.pk).status == PresetStatus.PUBLISHED


def test_the_retire_action_retires_and_is_audited(admin_client, staff_curator, v1):
    response = run_action(admin_client, RETIRE, v1, follow=True)

    assert "1 preset(s) retired." in shown_messages(response)
    v1.refresh_from_db()
    assert v1.status == PresetStatus.RETIRED
    event = trail(v1).get()
    assert (event.action, event.changes, event.user) == (
        AuditAction.UPDATE,
        {"status": ["published", "retired"]},
        staff_curator,
    )
    assert (v1.history.latest().status, v1.history.latest().history_user) == (PresetStatus.RETIRED, staff_curator)

    response = run_action(admin_client, RETIRE, v1, follow=True)
    assert any("already retired" in message for message in shown_messages(response))
    assert trail(v1).count() == 1


def test_a_draft_can_be_retired_without_publishing_it(admin_client, v1):
    draft = services.new_version(v1)

    run_action(admin_client, RETIRE, draft)

    assert ProtocolPreset.objects.get(pk=draft.pk).status == PresetStatus.RETIRED
    assert ProtocolPreset.objects.get(pk=v1.pk).status == PresetStatus.PUBLISHED
    assert trail(draft, action=AuditAction.UPDATE).get().changes == {"status": ["draft", "retired"]}


def test_a_new_preset_added_in_the_admin_starts_as_an_audited_draft(admin_client, staff_curator):
    page = admin_client.get(ADD)
    assert page.status_code == 200
    data = form_data(page)
    data |= {
        "name": ["MMP test preset"],
        "slug": ["mmp-test-preset"],
        "technique": ["mmp"],
        "evidence_type": ["case_report"],
        "authors": ["Doe J."],
        "indications": ["aga"],
        "depth_min_mm": ["1.00"],
        "depth_max_mm": ["1.50"],
        "_save": ["Save"],
    }

    response = admin_client.post(ADD, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    preset = ProtocolPreset.objects.get(slug="mmp-test-preset")
    assert (preset.version, preset.status, preset.indications) == (1, PresetStatus.DRAFT, ["aga"])
    event = trail(preset).get()
    assert (event.action, event.user) == (AuditAction.CREATE, staff_curator)
    assert preset.history.get().history_user == staff_curator


# Nobody deletes a preset.


@pytest.mark.parametrize("who", ["staff_curator", "superuser"])
def test_nobody_can_delete_a_preset(client_for, request, who, v1):
    client = client_for(request.getfixturevalue(who))
    delete_url = reverse("admin:protocols_protocolpreset_delete", args=[v1.pk])
    draft = services.new_version(v1)

    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:protocols_protocolpreset_delete", args=[draft.pk])).status_code == 403

    changelist_page = client.get(CHANGELIST)
    actions = [value for value, _label in changelist_page.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert set(actions) >= {PUBLISH, RETIRE, NEW_VERSION}
    run_action(client, "delete_selected", v1, draft)
    client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"})

    assert ProtocolPreset.objects.filter(pk__in=[v1.pk, draft.pk]).count() == 2


def test_a_blend_component_of_a_published_preset_cannot_be_removed(admin_client, v1):
    page = admin_client.get(change_url(v1))

    assert "blend_components-0-DELETE" not in page.content.decode()
    assert v1.blend_components.count() == 2


def test_a_blend_component_of_a_draft_can_be_removed_and_v1_keeps_its_own(admin_client, v1):
    draft = services.new_version(v1)

    response = edit_draft(admin_client, draft, blend_components__0__DELETE="on")

    assert response.status_code == 302
    assert [str(c) for c in draft.blend_components.all()] == ["Triamcinolone acetonide 10 mg/mL"]
    assert [str(c) for c in v1.blend_components.all()] == [
        "Triamcinolone acetonide 2.5 mg/mL",
        "Triamcinolone acetonide 10 mg/mL",
    ]
