"""Migration operations for what only PostgreSQL has."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class AddPostgreSQLIndex(migrations.AddIndex):
    """An index only PostgreSQL can build (a trigram GIN index): elsewhere (the SQLite quick
    start) the database has no such index and the same query scans, as it did before."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


__all__ = ["AddPostgreSQLIndex", "TrigramExtension"]
