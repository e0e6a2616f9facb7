"""Published presets are frozen: a change is a new draft version; sessions keep the version they used."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clinic.versioning import FrozenVersionError
from protocols import services
from protocols.models import PresetStatus, ProtocolPreset
from tests.support.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    return ProtocolPreset.objects.get(slug="barletta-mmp-triamcinolone-aa", version=1)


def test_a_published_preset_cannot_be_changed(published):
    published.depth_max_mm = Decimal("2.0")

    with pytest.raises(FrozenVersionError, match="make a new version"):
        published.save()

    assert ProtocolPreset.objects.get(pk=published.pk).depth_max_mm == Decimal("1.00")


def test_the_blend_of_a_published_preset_cannot_be_changed_added_to_or_removed_from(published):
    component = published.blend_components.first()
    component.concentration = Decimal("40")

    with pytest.raises(FrozenVersionError):
        component.save()
    with pytest.raises(FrozenVersionError):
        component.delete()
    with pytest.raises(FrozenVersionError):
        published.blend_components.create(drug="Lidocaine")
    assert published.blend_components.count() == 2


def test_a_new_version_is_a_draft_copy_with_the_next_number_and_the_same_blend(published):
    draft = services.new_version(published)

    assert (draft.slug, draft.version, draft.status) == (published.slug, 2, PresetStatus.DRAFT)
    assert (draft.depth_min_mm, draft.frequency_min_hz, draft.notes) == (
        published.depth_min_mm,
        published.frequency_min_hz,
        published.notes,
    )
    assert [str(c) for c in draft.blend_components.all()] == [str(c) for c in published.blend_components.all()]
    draft.depth_max_mm = Decimal("1.20")
    draft.save()  # a draft can be edited
    assert ProtocolPreset.objects.get(pk=published.pk).depth_max_mm == Decimal("1.00")


def test_publishing_the_new_version_retires_the_old_one_and_sessions_keep_the_old(published):
    session = SessionFactory(preset=published)
    draft = services.new_version(published)

    services.publish(draft)

    published.refresh_from_db()
    assert published.status == PresetStatus.RETIRED
    assert ProtocolPreset.objects.published().get(slug=published.slug) == draft
    session.refresh_from_db()
    assert session.preset == published and session.preset.version == 1


def test_only_a_draft_can_be_published(published):
    with pytest.raises(ValidationError, match="Only a draft can be published"):
        services.publish(published)


def test_the_database_allows_one_published_version_per_preset(published):
    draft = services.new_version(published)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProtocolPreset.objects.filter(pk=draft.pk).update(status=PresetStatus.PUBLISHED)


def test_min_above_max_is_refused_by_validation_and_by_the_database(published):
    draft = services.new_version(published)
    draft.depth_min_mm, draft.depth_max_mm = Decimal("1.5"), Decimal("1.0")

    with pytest.raises(ValidationError, match="lowest depth must not be above the highest"):
        draft.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtocolPreset.objects.filter(pk=draft.pk).update(frequency_min_hz=150, frequency_max_hz=70)


def test_curation_is_audited_and_kept_in_the_history(published):
    from audit.models import AuditEvent

    draft = services.new_version(published)
    services.publish(draft)

    events = [
        (e.action, e.object_id, e.changes) for e in AuditEvent.objects.filter(object_type="preset").order_by("pk")
    ]
    assert events == [
        ("create", str(draft.pk), {}),
        ("update", str(published.pk), {"status": ["published", "retired"]}),
        ("update", str(draft.pk), {"status": ["draft", "published"]}),
    ]
    assert published.history.latest().status == PresetStatus.RETIRED
    assert published.history.latest().history_change_reason == "Replaced by version 2."


def test_an_out_of_date_draft_cannot_be_published_over_a_later_version(published):
    v2 = services.new_version(published)
    v3 = services.new_version(published)
    services.publish(v3)

    with pytest.raises(ValidationError, match=r"later version .* has been published"):
        services.publish(v2)

    assert ProtocolPreset.objects.published().get(slug=published.slug) == v3


def test_a_version_without_earlier_versions_cannot_be_published(published):
    orphan = services.new_version(published)
    ProtocolPreset.objects.filter(pk=orphan.pk).update(slug="a-new-slug")
    orphan.refresh_from_db()

    with pytest.raises(ValidationError, match="no earlier version"):
        services.publish(orphan)


def test_indications_must_be_known_diagnoses(published):
    draft = services.new_version(published)
    for bad in (["not-a-diagnosis"], "aa", [5], {"aa": True}):
        draft.indications = bad
        with pytest.raises(ValidationError, match="list of known diagnoses"):
            draft.full_clean()


def test_the_database_refuses_a_preset_blend_volume_out_of_range(published):
    from protocols.models import PresetBlendComponent

    draft = services.new_version(published)
    component = draft.blend_components.first()

    with pytest.raises(IntegrityError), transaction.atomic():
        PresetBlendComponent.objects.filter(pk=component.pk).update(volume_ml=Decimal("20.01"))
