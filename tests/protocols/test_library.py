"""The presets library: read-only, for every signed-in role, published versions only (retired ones on request).

The 23 presets transcribed from the literature are seeded by migrate, so they are in every test database.
"""

import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.urls import reverse

from protocols import services
from protocols.literature import PRESETS
from protocols.models import PresetBlendComponent, PresetStatus, ProtocolPreset
from tests.support.db import count_queries
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db

LIST = reverse("preset-list")
COMPARE = reverse("preset-compare")
SIGNED_IN_ROLES = ["clinician", "curator", "researcher", "outsider"]
SEEDED = {entry["slug"]: entry for entry in PRESETS}

ARBACHE = "arbache-2019-mmp-ex-vivo"
BARLETTA = "barletta-mmp-triamcinolone-aa"
RAGI = "ragi-2023-minoxidil-dutasteride-tattooing"


@pytest.fixture(params=SIGNED_IN_ROLES)
def reader(request, client_for):
    """A signed-in user of any role, or of none: the library is open to all of them."""
    return client_for(request.getfixturevalue(request.param))


def seeded(slug):
    return ProtocolPreset.objects.get(slug=slug, version=1)


def make_preset(name, *, status=PresetStatus.PUBLISHED, blend=(), **fields):
    values = {
        "slug": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
        "technique": "mmp",
        "evidence_type": "case_report",
        "authors": "Test A.",
    }
    preset = ProtocolPreset.objects.create(name=name, status=PresetStatus.DRAFT, **(values | fields))
    for drug, concentration, unit in blend:
        PresetBlendComponent.objects.create(
            preset=preset,
            drug=drug,
            active_ingredient=drug.lower(),
            concentration=concentration,
            concentration_unit=unit,
        )
    if status != PresetStatus.DRAFT:
        preset.status = status
        preset.save(update_fields=["status", "updated_at"])
    return preset


# Reading the pages: tables as rows of cell texts, links kept.


class _Table(HTMLParser):
    """The rows of one <table id=...>: each row a list of cells, each cell {"tag", "text", "links"}."""

    def __init__(self, table_id):
        super().__init__(convert_charrefs=True)
        self.table_id = table_id
        self.inside = False
        self.section = None
        self.rows = []
        self.cell = None
        self.link = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.inside = True
        if not self.inside:
            return
        if tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr":
            self.rows.append({"section": self.section, "cells": []})
        elif tag in ("td", "th"):
            self.cell = {"tag": tag, "text": "", "links": [], "html_attrs": attrs}
            self.rows[-1]["cells"].append(self.cell)
        elif tag == "br" and self.cell is not None:
            self.cell["text"] += "\n"
        elif tag == "a" and self.cell is not None:
            self.link = {"href": attrs.get("href"), "text": ""}
            self.cell["links"].append(self.link)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "table":
            self.inside = False
        elif tag in ("td", "th"):
            self.cell["text"] = "\n".join(" ".join(line.split()) for line in self.cell["text"].split("\n")).strip()
            self.cell = None
        elif tag == "a":
            if self.link is not None:
                self.link["text"] = " ".join(self.link["text"].split())
            self.link = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data
        if self.link is not None:
            self.link["text"] += data


def table(response, table_id):
    parser = _Table(table_id)
    parser.feed(response.content.decode())
    assert parser.rows, f"no table #{table_id} on the page"
    return parser.rows


def listed(response):
    """The presets of the library table, as the text of their links ("Name (vN)")."""
    rows = [row for row in table(response, "presets") if row["section"] == "tbody"]
    return [row["cells"][1]["links"][0]["text"] for row in rows if len(row["cells"]) > 1]


def listed_row(response, label):
    rows = [row for row in table(response, "presets") if row["section"] == "tbody" and len(row["cells"]) > 1]
    return next(row for row in rows if row["cells"][1]["links"][0]["text"] == label)


def parameters(response):
    """The detail page's parameter table as {row label: value}."""
    return {row["cells"][0]["text"]: row["cells"][1]["text"] for row in table(response, "parameters")}


def comparison(response):
    """The compare page as {preset label: {row label: value}}, one entry per column."""
    rows = table(response, "comparison")
    head, body = rows[0], rows[1:]
    labels = [cell["links"][0]["text"] for cell in head["cells"][1:]]
    for row in body:
        assert len(row["cells"]) == len(labels) + 1, f"row {row['cells'][0]['text']} is not one cell per preset"
    return {
        label: {row["cells"][0]["text"]: row["cells"][column + 1]["text"] for row in body}
        for column, label in enumerate(labels)
    }


def seeded_labels(**matching):
    return sorted(
        f"{entry['name']} (v1)" for entry in PRESETS if all(entry.get(key) == value for key, value in matching.items())
    )


# Who reads the library.


def test_the_seed_is_there():
    assert len(PRESETS) == 23
    assert ProtocolPreset.objects.published().count() == 23
    assert not ProtocolPreset.objects.exclude(status=PresetStatus.PUBLISHED).exists()


def test_every_signed_in_role_sees_the_23_published_presets(reader):
    response = reader.get(LIST)

    assert response.status_code == 200
    assert sorted(listed(response)) == seeded_labels()
    assert len(listed(response)) == 23


def test_each_listed_preset_links_to_its_detail_page(reader):
    response = reader.get(LIST)

    rows = [row for row in table(response, "presets") if row["section"] == "tbody"]
    hrefs = {row["cells"][1]["links"][0]["href"] for row in rows}
    assert hrefs == {reverse("preset-detail", args=[slug, 1]) for slug in SEEDED}


@pytest.mark.parametrize("url_name", ["preset-list", "preset-compare"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, url_name):
    url = reverse(url_name)
    response = client.get(url)

    assert_sent_to_login(response, url)


def assert_sent_to_login(response, url):
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    assert parse_qs(location.query) == {"next": [url]}


def test_an_anonymous_visitor_cannot_open_a_preset(client):
    url = seeded(ARBACHE).get_absolute_url()
    response = client.get(url)

    assert_sent_to_login(response, url)


# Filters.


@pytest.mark.parametrize("technique", ["mmp", "microneedling", "mesotherapy", "smp", "micrografts", "other"])
def test_the_technique_filter_keeps_that_technique_only(clinician_client, technique):
    response = clinician_client.get(LIST, {"technique": technique})

    assert sorted(listed(response)) == seeded_labels(technique=technique)
    assert listed(response)


def test_the_technique_filter_shows_smp_sources(clinician_client):
    response = clinician_client.get(LIST, {"technique": "smp"})

    assert sorted(listed(response)) == [
        "Micropigmentation as an adjuvant in hair restoration (Traquina 2001) (v1)",
        "Scalp micropigmentation as a concealer (Rassman 2015) (v1)",
    ]


def test_the_indication_filter_for_alopecia_areata_gives_the_triamcinolone_preset(reader):
    response = reader.get(LIST, {"indication": "aa"})

    assert listed(response) == ["MMP with triamcinolone for alopecia areata (Barletta, 2 cases) (v1)"]


@pytest.mark.parametrize("code", ["aga", "fphl", "te"])
def test_the_indication_filter_keeps_the_presets_treating_it(clinician_client, code):
    response = clinician_client.get(LIST, {"indication": code})

    expected = sorted(f"{entry['name']} (v1)" for entry in PRESETS if code in entry.get("indications", []))
    assert expected
    assert sorted(listed(response)) == expected


def test_an_indication_no_preset_treats_gives_an_empty_list_that_says_so(clinician_client):
    response = clinician_client.get(LIST, {"indication": "scarring"})

    assert response.status_code == 200
    assert listed(response) == []
    assert "No preset matches these filters." in response.content.decode()


def test_the_evidence_filter_keeps_that_kind_of_source(reader):
    response = reader.get(LIST, {"evidence": "ex_vivo"})

    assert listed(response) == ["MMP drug delivery, ex vivo human skin (Arbache 2019) (v1)"]


@pytest.mark.parametrize("evidence", ["case_report", "case_series", "controlled_trial", "review", "trade_source"])
def test_each_evidence_type_filters_correctly(clinician_client, evidence):
    response = clinician_client.get(LIST, {"evidence": evidence})

    assert sorted(listed(response)) == seeded_labels(evidence_type=evidence)


def test_filters_combine(clinician_client):
    response = clinician_client.get(LIST, {"technique": "microneedling", "evidence": "controlled_trial"})

    assert sorted(listed(response)) == seeded_labels(technique="microneedling", evidence_type="controlled_trial")
    assert len(listed(response)) == 4

    response = clinician_client.get(LIST, {"technique": "mmp", "indication": "aga", "evidence": "controlled_trial"})

    assert listed(response) == ["MMP dutasteride vs saline, male androgenetic alopecia (Gasques 2025) (v1)"]


def test_the_chosen_filters_stay_selected_in_the_form(clinician_client):
    response = clinician_client.get(LIST, {"technique": "smp", "indication": "aa", "evidence": "review"})

    body = response.content.decode()
    assert '<option value="smp" selected>' in body
    assert '<option value="aa" selected>' in body
    assert '<option value="review" selected>' in body


@pytest.mark.parametrize(
    "query",
    [
        {"technique": "laser"},
        {"indication": "zz"},
        {"evidence": "anecdote"},
        {"technique": "MMP"},  # the values are exact codes
        {"technique": "", "indication": "", "evidence": ""},
        {"technique": "mmp'; --", "indication": "<script>", "evidence": "%"},
        {"retired": "yes"},
        {"unknown": "1"},
    ],
)
def test_an_unknown_filter_value_is_ignored(clinician_client, query):
    response = clinician_client.get(LIST, query)

    assert response.status_code == 200
    assert sorted(listed(response)) == seeded_labels()


def test_an_unknown_filter_is_ignored_while_a_known_one_still_applies(clinician_client):
    response = clinician_client.get(LIST, {"technique": "laser", "evidence": "ex_vivo"})

    assert listed(response) == ["MMP drug delivery, ex vivo human skin (Arbache 2019) (v1)"]


# Drafts and retired versions.


def test_drafts_never_appear_in_the_list(reader):
    make_preset("A curator's unfinished draft", status=PresetStatus.DRAFT, indications=["aa"])
    services.new_version(seeded(BARLETTA))  # v2, a draft

    for query in ({}, {"retired": "1"}, {"indication": "aa"}, {"indication": "aa", "retired": "1"}):
        response = reader.get(LIST, query)
        labels = listed(response)
        assert "A curator's unfinished draft (v1)" not in labels
        assert not any(label.endswith("(v2)") for label in labels)
    assert "unfinished draft" not in response.content.decode()


@pytest.fixture(params=[role for role in SIGNED_IN_ROLES if role != "curator"])
def reader_not_curating(request, client_for):
    return client_for(request.getfixturevalue(request.param))


def test_the_detail_page_of_a_draft_is_not_found(reader_not_curating):
    reader = reader_not_curating
    draft = services.new_version(seeded(BARLETTA))
    unfinished = make_preset("A curator's unfinished draft", status=PresetStatus.DRAFT)

    assert reader.get(draft.get_absolute_url()).status_code == 404
    assert reader.get(unfinished.get_absolute_url()).status_code == 404
    # The published version beside it still opens, and does not point at the draft.
    response = reader.get(seeded(BARLETTA).get_absolute_url())
    assert response.status_code == 200
    assert draft.get_absolute_url() not in response.content.decode()


def test_a_version_that_does_not_exist_is_not_found(clinician_client):
    assert clinician_client.get(reverse("preset-detail", args=[BARLETTA, 9])).status_code == 404
    assert clinician_client.get(reverse("preset-detail", args=["no-such-preset", 1])).status_code == 404


def test_retired_versions_are_hidden_unless_asked_for_and_then_marked(reader):
    arbache = seeded(ARBACHE)
    services.retire(arbache)

    response = reader.get(LIST)
    assert str(arbache) not in listed(response)
    assert len(listed(response)) == 22

    response = reader.get(LIST, {"retired": "1"})
    assert sorted(listed(response)) == seeded_labels()
    assert listed_row(response, str(arbache))["cells"][1]["text"].startswith(f"{arbache} Retired")
    badged = [label for label in listed(response) if "Retired" in listed_row(response, label)["cells"][1]["text"]]
    assert badged == [str(arbache)]
    assert 'name="retired" value="1" id="f-retired" checked' in response.content.decode()


def test_a_retired_version_still_opens_and_says_it_is_retired(reader):
    arbache = seeded(ARBACHE)
    services.retire(arbache)

    response = reader.get(arbache.get_absolute_url())

    assert response.status_code == 200
    body = response.content.decode()
    assert "v1 · retired" in body
    assert "This version is retired" in body


def test_a_republished_preset_lists_its_new_version_and_keeps_the_old_one_behind_the_retired_filter(reader):
    barletta = seeded(BARLETTA)
    draft = services.new_version(barletta)
    services.publish(draft)

    assert listed(reader.get(LIST, {"indication": "aa"})) == [str(draft)]
    assert listed(reader.get(LIST, {"indication": "aa", "retired": "1"})) == [str(draft), str(barletta)]

    response = reader.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "This version is retired" not in response.content.decode()
    assert re.search(r"Versions: .*v2</a> \(published\), .*v1</a> \(retired\)", response.content.decode())


# The detail page.


def test_the_detail_page_shows_the_full_citation_and_a_doi_link(reader):
    response = reader.get(seeded(ARBACHE).get_absolute_url())

    assert response.status_code == 200
    body = response.content.decode()
    assert "MMP drug delivery, ex vivo human skin (Arbache 2019)" in body
    citation = citation_text(body)
    for part in (
        "Arbache S. et al.",
        "How much medication is delivered in a novel drug delivery technique that uses a tattoo machine?",
        "Int J Dermatol",
        "2019",
        "58(6):750–755",
    ):
        assert part in citation
    assert '<a href="https://doi.org/10.1111/ijd.14408" rel="noopener noreferrer" target="_blank">' in body
    assert "doi:10.1111/ijd.14408" in citation


def test_a_title_ending_in_a_question_mark_is_not_followed_by_a_full_stop(clinician_client):
    """Arbache's title is a question: the citation must read "…a tattoo machine? Int J Dermatol…"."""
    response = clinician_client.get(seeded(ARBACHE).get_absolute_url())

    citation = citation_text(response.content.decode())
    assert "tattoo machine? Int J Dermatol" in citation
    assert "?." not in citation


def test_the_detail_page_shows_each_reported_parameter(clinician_client):
    response = clinician_client.get(seeded(BARLETTA).get_absolute_url())

    shown = parameters(response)
    assert shown["Technique"] == "MMP® (microinfusion of drugs into the skin)"
    assert shown["Indications"] == "Alopecia areata"
    assert shown["Evidence"] == "Case report"
    assert shown["Device"] == "Cheyenne tattoo machine, 27-needle magnum cartridge"
    assert shown["Needles"] == "27 needles"
    assert shown["Depth (mm)"] == "1"
    assert shown["Frequency (Hz)"] == "70"
    assert shown["Sessions"] == "4"
    assert shown["Interval (days)"] == "30"
    assert shown["Blend"] == "Triamcinolone acetonide 2.5 mg/mL\nTriamcinolone acetonide 10 mg/mL"
    assert shown["Endpoint"] == "Area covered by a “bloody dew”"


def test_what_the_source_does_not_report_is_shown_as_a_dash(reader):
    response = reader.get(seeded(ARBACHE).get_absolute_url())

    shown = parameters(response)
    assert shown["Frequency (Hz)"] == "—"
    for label in ("Indications", "Sessions", "Interval (days)", "Blend", "Anaesthesia", "Endpoint", "Home care"):
        assert shown[label] == "—", label
    # ... and what it does report is there, plainly written.
    assert shown["Depth (mm)"] == "0.3"
    assert shown["Needles"] == "27 needles, ⌀0.3 mm, 5.5 mm long"
    assert shown["Needling density (/cm²)"] == "570"
    assert shown["Device"] == "Cheyenne tattoo machine"


def test_a_range_is_shown_as_a_range(clinician_client):
    response = clinician_client.get(seeded("abdallah-2009-dutasteride-mesotherapy-men").get_absolute_url())
    assert parameters(response)["Interval (days)"] == "7–28"

    response = clinician_client.get(seeded("cortez-de-almeida-2023-mmp-review").get_absolute_url())
    assert parameters(response)["Depth (mm)"] == "1–1.5"


def test_a_range_with_one_end_only_says_which(clinician_client):
    preset = make_preset("One end", depth_max_mm=Decimal("1.5"), frequency_min_hz=50, interval_max_days=28)

    shown = parameters(clinician_client.get(preset.get_absolute_url()))

    assert (shown["Depth (mm)"], shown["Frequency (Hz)"]) == ("at most 1.5", "at least 50")
    assert shown["Interval (days)"] == "at most 28"


def test_a_preset_without_doi_shows_its_pmid_and_no_doi_link(clinician_client):
    response = clinician_client.get(seeded("gasques-2025-mmp-dutasteride").get_absolute_url())

    body = response.content.decode()
    assert "PMID 41064071" in body
    assert "doi.org" not in body


def test_a_doi_with_url_reserved_characters_still_links_to_that_doi(clinician_client):
    """Older DOIs contain characters such as # and ?; unescaped in the link, the browser would cut the DOI there."""
    doi = "10.1002/(SICI)1097-4636(199706)35:4<513::AID-JBM11>3.0.CO;2-#"
    preset = make_preset("An old Wiley paper", doi=doi)

    response = clinician_client.get(preset.get_absolute_url())

    link = next(href for href in citation_links(response.content.decode()) if "doi.org" in href)
    assert link.startswith("https://doi.org/10.1002/")
    assert "#" not in link  # the whole DOI reaches doi.org, not a fragment of it


def citation_html(body):
    match = re.search(r'<p[^>]*id="citation"[^>]*>(.*?)</p>', body, re.DOTALL)
    assert match, "no #citation paragraph"
    return match.group(1)


def citation_text(body):
    """The citation paragraph's text, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", citation_html(body))).split())


def citation_links(body):
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', citation_html(body))]


# Comparing.


def compare_url(*values):
    return f"{COMPARE}?{urlencode([('preset', value) for value in values])}"


def test_three_presets_are_compared_side_by_side(reader):
    arbache, barletta, ragi = seeded(ARBACHE), seeded(BARLETTA), seeded(RAGI)

    response = reader.get(compare_url(arbache.pk, barletta.pk, ragi.pk))

    assert response.status_code == 200
    columns = comparison(response)
    assert set(columns) == {str(arbache), str(barletta), str(ragi)}
    assert {label: column["Depth (mm)"] for label, column in columns.items()} == {
        str(arbache): "0.3",
        str(barletta): "1",
        str(ragi): "1.5",
    }
    assert {label: column["Frequency (Hz)"] for label, column in columns.items()} == {
        str(arbache): "—",
        str(barletta): "70",
        str(ragi): "120",
    }
    assert {label: column["Sessions"] for label, column in columns.items()} == {
        str(arbache): "—",
        str(barletta): "4",
        str(ragi): "3",
    }
    assert {label: column["Blend"] for label, column in columns.items()} == {
        str(arbache): "—",
        str(barletta): "Triamcinolone acetonide 2.5 mg/mL\nTriamcinolone acetonide 10 mg/mL",
        str(ragi): "Minoxidil\nDutasteride",
    }
    assert "Tick at least two presets" not in response.content.decode()


def test_two_presets_are_compared_side_by_side_with_their_links(clinician_client):
    barletta, ragi = seeded(BARLETTA), seeded(RAGI)

    response = clinician_client.get(compare_url(ragi.pk, barletta.pk))

    head = table(response, "comparison")[0]["cells"][1:]
    assert sorted(cell["links"][0]["href"] for cell in head) == sorted(
        [barletta.get_absolute_url(), ragi.get_absolute_url()]
    )
    columns = comparison(response)
    assert columns[str(barletta)]["Depth (mm)"] == "1"
    assert columns[str(ragi)]["Depth (mm)"] == "1.5"


def test_every_comparison_row_has_one_cell_per_preset(clinician_client):
    response = clinician_client.get(compare_url(seeded(ARBACHE).pk, seeded(BARLETTA).pk))

    rows = table(response, "comparison")
    labels = [row["cells"][0]["text"] for row in rows[1:]]
    for label in ("Depth (mm)", "Frequency (Hz)", "Sessions", "Blend", "Needles", "Interval (days)"):
        assert label in labels
    assert all(len(row["cells"]) == 3 for row in rows)


def test_junk_ids_are_left_out_of_a_comparison(reader):
    draft = services.new_version(seeded(BARLETTA))
    barletta, ragi = seeded(BARLETTA), seeded(RAGI)

    response = reader.get(compare_url("abc", barletta.pk, "999999", draft.pk, "", "-1", "1.5", ragi.pk))

    assert response.status_code == 200
    assert set(comparison(response)) == {str(barletta), str(ragi)}


@pytest.mark.parametrize("junk", ["²", "١", "99999999999999999999999999", "0"])
def test_odd_ids_are_ignored_not_a_server_error(clinician_client, junk):
    """Unicode digits pass str.isdigit() but not int(); a huge number overflows the database's integer."""
    barletta, ragi = seeded(BARLETTA), seeded(RAGI)

    response = clinician_client.get(compare_url(junk, barletta.pk, ragi.pk))

    assert response.status_code == 200
    assert set(comparison(response)) == {str(barletta), str(ragi)}


def test_a_comparison_of_only_drafts_and_junk_shows_nothing_and_says_how_to_compare(reader):
    draft = services.new_version(seeded(BARLETTA))

    response = reader.get(compare_url("abc", draft.pk, "999999"))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="comparison"' not in body
    assert "Tick at least two presets" in body
    assert str(draft) not in body


def test_a_single_preset_is_shown_with_the_hint_to_tick_another(clinician_client):
    barletta = seeded(BARLETTA)

    response = clinician_client.get(compare_url(barletta.pk, barletta.pk))

    assert set(comparison(response)) == {str(barletta)}
    assert "Tick at least two presets" in response.content.decode()


def test_a_retired_version_can_be_compared_with_its_successor(clinician_client):
    barletta = seeded(BARLETTA)
    draft = services.new_version(barletta)
    services.publish(draft)

    response = clinician_client.get(compare_url(barletta.pk, draft.pk))

    assert set(comparison(response)) == {str(barletta), str(draft)}


def test_the_list_offers_every_preset_for_comparison(clinician_client):
    response = clinician_client.get(LIST)

    body = response.content.decode()
    assert f'action="{COMPARE}"' in body
    ticks = re.findall(r'name="preset" value="(\d+)"', body)
    assert sorted(int(pk) for pk in ticks) == sorted(ProtocolPreset.objects.published().values_list("pk", flat=True))


# Cost.


def test_the_list_runs_the_same_number_of_queries_however_many_presets_there_are(clinician_client):
    baseline = count_queries(clinician_client, LIST)
    baseline_retired = count_queries(clinician_client, f"{LIST}?retired=1")
    baseline_filtered = count_queries(clinician_client, f"{LIST}?indication=aga&retired=1")

    for n in range(15):
        preset = make_preset(
            f"Extra preset {n}",
            indications=["aga"],
            blend=[("Minoxidil", Decimal("0.5"), "%"), ("Dutasteride", Decimal("0.01"), "%")],
        )
        if n % 3 == 0:
            services.retire(preset)

    assert len(listed(clinician_client.get(f"{LIST}?retired=1"))) == 38
    assert count_queries(clinician_client, LIST) == baseline
    assert count_queries(clinician_client, f"{LIST}?retired=1") == baseline_retired
    assert count_queries(clinician_client, f"{LIST}?indication=aga&retired=1") == baseline_filtered


def test_the_compare_page_runs_the_same_number_of_queries_for_two_or_six_presets(clinician_client):
    pks = list(ProtocolPreset.objects.published().values_list("pk", flat=True)[:6])

    assert count_queries(clinician_client, compare_url(*pks[:2])) == count_queries(clinician_client, compare_url(*pks))


def test_a_curator_previews_a_draft_before_publishing_it(client_for, curator):
    draft = services.new_version(seeded(BARLETTA))

    response = client_for(curator).get(draft.get_absolute_url())

    assert response.status_code == 200
    preview = text_of(response, "draft-preview")
    assert preview.startswith("Draft preview, for curators")
    assert "no session can start from it" in preview
    assert reverse("admin:protocols_protocolpreset_change", args=[draft.pk]) in response.content.decode()
