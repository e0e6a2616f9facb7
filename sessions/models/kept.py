"""What a record used, kept as it stood: later edits of master data (a renamed product, a corrected lot
number, a cartridge's needle count) never rewrite a past session's page, its departures or the export."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def kept(model, name, verbose_name):
    """A copy of `model`'s field `name` (its type, size and choices), filled when the record is saved."""
    field = model._meta.get_field(name)
    *_unused, args, kwargs = field.deconstruct()
    nullable = not isinstance(field, models.CharField)  # a text copy is "" when there is nothing to copy
    kwargs.update(
        verbose_name=verbose_name,
        help_text=_("As it stood when the record was saved."),
        null=nullable,
        blank=True,
        editable=False,
        validators=[],  # a copy is not re-validated: it is what the source said
    )
    kwargs.pop("default", None)
    if not nullable:
        kwargs["default"] = ""
    return type(field)(*args, **kwargs)


class KeepsWhatWasUsed(models.Model):
    """Copies its sources' fields into its own when a source is chosen or changed, and only then.

    `kept_from` maps each foreign key to {kept field: field of the source}.
    """

    kept_from: dict[str, dict[str, str]] = {}

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is None:
            self.keep_what_was_used()
        elif moved := [key for key in self.kept_from if key in update_fields]:
            self.keep_what_was_used()
            update_fields = [*update_fields, *(field for key in moved for field in self.kept_from[key])]
        super().save(*args, update_fields=update_fields, **kwargs)
        self._kept_sources = self._sources()

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        record._kept_sources = record._sources()
        return record

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._kept_sources = self._sources()

    def _sources(self):
        return {key: self.__dict__.get(self._meta.get_field(key).attname) for key in self.kept_from}

    def keep_what_was_used(self):
        """Copy the fields of every newly chosen source; a source left as it was keeps its old copy."""
        loaded = getattr(self, "_kept_sources", {})
        for key, copies in self.kept_from.items():
            source_id = self.__dict__.get(self._meta.get_field(key).attname)
            if key in loaded and loaded[key] == source_id:
                continue
            source = getattr(self, key) if source_id is not None else None
            for field, source_field in copies.items():
                empty = None if self._meta.get_field(field).null else ""
                setattr(self, field, getattr(source, source_field) if source is not None else empty)
