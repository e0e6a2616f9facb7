"""Consent documents are versioned like presets: a published version is frozen, publishing retires the one before."""

import pytest
from django.core.exceptions import ValidationError

from clinic import consent_services
from clinic.consent_models import ConsentDocument
from clinic.versioning import FrozenVersionError, VersionStatus
from clinic.vocabularies import Technique
from tests.support.factories import ConsentDocumentFactory


def test_a_published_document_is_frozen(db):
    document = ConsentDocumentFactory()

    document.text = "Something else"
    with pytest.raises(FrozenVersionError):
        document.save()
    assert ConsentDocument.objects.get(pk=document.pk).text != "Something else"


def test_a_new_version_is_an_editable_draft_and_publishing_it_retires_the_old_one(db):
    first = ConsentDocumentFactory()

    draft = consent_services.new_version(first)
    draft.text = "Revised risks."
    draft.save()
    consent_services.publish(draft)

    first.refresh_from_db()
    assert (first.status, draft.status, draft.version) == (
        VersionStatus.RETIRED,
        VersionStatus.PUBLISHED,
        first.version + 1,
    )
    assert ConsentDocument.objects.published().of_series("treatment", Technique.MICRONEEDLING).get() == draft


def test_only_a_draft_can_be_published(db):
    with pytest.raises(ValidationError, match="Only a draft can be published"):
        consent_services.publish(ConsentDocumentFactory())


def test_the_migrations_seed_one_published_template_per_purpose_and_technique(db):
    published = ConsentDocument.objects.published()

    assert sorted(published.filter(purpose="treatment").values_list("technique", flat=True)) == sorted(Technique.values)
    assert published.filter(purpose="photographs").count() == published.filter(purpose="research").count() == 1
    assert all(text.startswith("TEMPLATE") for text in published.values_list("text", flat=True))
