"""Indexes PostgreSQL builds in its own way; elsewhere (SQLite, for development) each one falls back to a
plain index on the same columns or expression, so that every database has the same named indexes."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper


class _PlainElsewhere:
    def create_sql(self, model, schema_editor, *args, **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, *args, **kwargs)
        return self.plain().create_sql(model, schema_editor)


class TrigramIndex(_PlainElsewhere, GinIndex):
    """Serves `field__icontains` on PostgreSQL: Django compares UPPER(field) LIKE UPPER('%word%'), so the
    trigram index is on that expression. Needs the pg_trgm extension."""

    def __init__(self, *, field, name):
        self.field = field
        super().__init__(OpClass(Upper(field), name="gin_trgm_ops"), name=name)

    def plain(self):
        return models.Index(Upper(self.field), name=self.name)

    def deconstruct(self):
        path, _, _ = super().deconstruct()
        return path, (), {"field": self.field, "name": self.name}


class NullsFirstIndex(_PlainElsewhere, models.Index):
    """(field ASC NULLS FIRST, id): read forwards or backwards it serves both orders of a sort that puts
    NULL as the smallest value. SQLite already sorts NULL first, and its indexes cannot say NULLS FIRST."""

    def __init__(self, *, field, name):
        self.field = field
        super().__init__(F(field).asc(nulls_first=True), F("id").asc(), name=name)

    def plain(self):
        return models.Index(fields=[self.field, "id"], name=self.name)

    def deconstruct(self):
        path, _, _ = super().deconstruct()
        return path, (), {"field": self.field, "name": self.name}
