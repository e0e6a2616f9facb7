"""What `make run` serves: collectstatic with the production storage names every file the templates ask for.

With DEBUG off a `{% static %}` name missing from the manifest breaks the page (an error, or an unstyled
page when the file was never collected), so every name in every template must be in it.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from config import settings as project_settings

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
STATIC_TAG = re.compile(r"""{%\s*static\s+(['"])(?P<name>[^'"]+)\1""")
HASHED = re.compile(r"\.[0-9a-f]{12}\.")


def referenced_static_names():
    return {
        match["name"]
        for template in TEMPLATES_DIR.rglob("*.html")
        for match in STATIC_TAG.finditer(template.read_text(encoding="utf-8"))
    }


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic run once, as `make run` runs it, into a folder of its own: (folder, manifest paths)."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=project_settings.STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((root / "staticfiles.json").read_text(encoding="utf-8"))
    return root, manifest["paths"]


def test_the_templates_ask_for_the_stylesheets_and_scripts_the_pages_need():
    assert {
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "css/app.css",
        "js/formset.js",
        "js/compare.js",
    } <= referenced_static_names()


def test_every_static_file_a_template_names_is_in_the_manifest_under_a_hashed_name(collected):
    root, paths = collected
    for name in sorted(referenced_static_names()):
        assert name in paths, f"{name} is named in a template but collectstatic did not collect it"
        assert HASHED.search(paths[name]), paths[name]
        assert (root / paths[name]).is_file()


def test_collected_stylesheets_and_scripts_have_gzipped_copies_to_serve(collected):
    root, paths = collected
    for name in ("vendor/bootstrap/css/bootstrap.min.css", "css/app.css", "js/formset.js", "js/compare.js"):
        assert (root / f"{paths[name]}.gz").is_file(), name
