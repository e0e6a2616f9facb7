"""What leaves for research does not change with the interface's language: the same data exported from a page in
English, Portuguese or Spanish (and by a worker or a command running in either) gives the same bytes, with the
dot as the decimal separator and the codebook, the README and the privacy report in English."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from research.export import FILES
from research.jobs import write_export
from research.models import ExportJob
from tests.research.support import CODEBOOK_URL, session_with_blend
from tests.support.exports import export_by_command
from tests.support.factories import PatientFactory, ProductFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en-gb", "pt-br", "es"]
QUERY = "technique="
# The bundle's members that carry data or describe it; the .sav and .dta files hold the moment they were written.
BUNDLE_TEXTS = [
    *(f"{name}.csv" for name in FILES),
    "codebook.csv",
    "privacy_report.txt",
    "redcap_data_dictionary.csv",
    "datapackage.json",
    "README.txt",
]


@pytest.fixture
def sessions(barletta):
    """Sessions from the Barletta preset (1 mm, 70 Hz, triamcinolone) at 1.25 mm and 120 Hz with minoxidil 0.5 %:
    decimals in the blend and departures in words. Saved while the clinician's page is in Portuguese."""
    minoxidil = ProductFactory(name="Minoxidil")
    with translation.override("pt-br"):
        return [
            session_with_blend(
                minoxidil, patient=PatientFactory(), preset=barletta, needle_depth_mm=Decimal("1.25"), frequency_hz=120
            )
            for _ in range(6)
        ]


def downloaded(client, language):
    """{file name: bytes} of every file and the codebook downloaded from the page in `language`."""
    files = {}
    for name in [*FILES, "codebook"]:
        url = CODEBOOK_URL if name == "codebook" else reverse("export-download", args=[name])
        response = client.get(url, {"technique": ""}, HTTP_ACCEPT_LANGUAGE=language)
        assert (response.status_code, response["Content-Language"]) == (200, language)
        files[name] = b"".join(response.streaming_content)
    return files


def bundled(client, language):
    """{member: bytes} of a bundle asked for from the page in `language` and written by a worker running in it."""
    client.post(reverse("export-job-create"), {"file_name": "bundle", "query": QUERY}, HTTP_ACCEPT_LANGUAGE=language)
    job = ExportJob.objects.latest("created_at")
    with translation.override(language):
        write_export.call(str(job.pk))
    job.refresh_from_db()
    with job.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as bundle:
        members = {name: bundle.read(name) for name in BUNDLE_TEXTS}
    package = json.loads(members["datapackage.json"])
    package.pop("created")  # the moment it was written
    members["datapackage.json"] = json.dumps(package).encode()
    members["README.txt"] = b"\n".join(line for line in members["README.txt"].splitlines() if b"Written" not in line)
    return members


def commanded(folder, language):
    """{file name: bytes} written by manage.py export_sessions in a shell whose language is `language`."""
    with translation.override(language):
        return export_by_command(folder, prefix=f"{language}-")


def test_the_files_downloaded_from_the_page_are_the_same_bytes_in_every_language(client_for, researcher, sessions):
    client = client_for(researcher)

    files = {language: downloaded(client, language) for language in LANGUAGES}

    english = files["en-gb"]
    assert b"Minoxidil 0.5 % (2 mL)" in english["sessions"] and b"1.25 mm (preset 1 mm)" in english["sessions"]
    assert b"triamcinolone acetonide in the preset, not used" in english["sessions"].lower()
    assert b"0.5" in english["blend_components"] and b"Needle depth" in english["codebook"]
    for language in LANGUAGES:
        assert files[language] == english, language


def test_a_bundle_asked_from_the_page_is_the_same_bytes_in_every_language(client_for, researcher, sessions):
    client = client_for(researcher)

    bundles = {language: bundled(client, language) for language in LANGUAGES}

    english = bundles["en-gb"]
    assert b"Minoxidil 0.5 % (2 mL)" in english["sessions.csv"]
    assert b"sessions of" in english["privacy_report.txt"] and b"Generalisation of age" in english["privacy_report.txt"]
    for language in LANGUAGES:
        for member in BUNDLE_TEXTS:
            assert bundles[language][member] == english[member], (language, member)


def test_the_command_writes_the_same_bytes_in_every_language(tmp_path, sessions):
    files = {language: commanded(tmp_path, language) for language in LANGUAGES}

    assert b"Minoxidil 0.5 % (2 mL)" in files["en-gb"]["sessions"]
    for language in LANGUAGES:
        assert files[language] == files["en-gb"], language
