"""Texts that are drafted, published and retired in versions: protocol presets and consent documents.

One version of a series is published at a time (publishing one retires the one before), and a published or retired
version never changes: what points at it (a session, a signature) points at exactly what was used.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import record_event
from clinic.vocabularies import TranslatedChoices


class VersionStatus(TranslatedChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


FROZEN_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)


class FrozenVersionError(Exception):
    """A published or retired version was to be changed."""


class Versioned(models.Model):
    """Refuses any change to a published or retired version but its status (see set_status)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        status_change_only = update_fields is not None and set(update_fields) <= {"status", "updated_at"}
        if self.pk and not status_change_only:
            stored = type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored in FROZEN_STATUSES:
                raise FrozenVersionError(f"“{self}” is {stored}: make a new version to change it.")
        super().save(*args, **kwargs)


def publish(version, series, *, title):
    """Publish a draft of `series` (a queryset of every version of it); the one published before is retired."""
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            gettext("Only a draft can be published; “%(version)s” is %(status)s.")
            % {"version": version, "status": version.get_status_display().lower()}
        )
    if series.filter(version__gt=version.version).exclude(status=VersionStatus.DRAFT).exists():
        raise ValidationError(
            gettext("A later version of “%(title)s” has been published: this draft is out of date.") % {"title": title}
        )
    version.full_clean()
    with transaction.atomic():
        for previous in series.filter(status=VersionStatus.PUBLISHED).select_for_update():
            set_status(previous, VersionStatus.RETIRED, reason=f"Replaced by version {version.version}.")
        set_status(version, VersionStatus.PUBLISHED)
    return version


def retire(version):
    if version.status == VersionStatus.RETIRED:
        raise ValidationError(gettext("“%(version)s” is already retired.") % {"version": version})
    with transaction.atomic():
        set_status(version, VersionStatus.RETIRED)
    return version


def next_version_number(series):
    return series.aggregate(latest=Max("version"))["latest"] + 1


def set_status(version, status, reason=""):
    before = version.status
    version.status = status
    version._change_reason = reason
    version.save(update_fields=["status", "updated_at"])
    record_event(AuditAction.UPDATE, version, changes={"status": [before, status]}, reason=reason)
