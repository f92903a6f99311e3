"""Migration operations for what only PostgreSQL has."""

from django.contrib.postgres.operations import TrigramExtension
from django.db.migrations.operations.base import Operation


class CreateTrigramExtension(TrigramExtension):
    """`pg_trgm`, on PostgreSQL only. Going back leaves it installed: the database may have had
    it before, and other objects may use it."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


class PostgreSQLIndex(Operation):
    """An index only PostgreSQL can build (a trigram GIN index), created on PostgreSQL and
    kept out of the models' state: SQLite (the quick start) has no such index, and its table
    rebuilds in later migrations never try to recreate one. The same queries work on both;
    on SQLite they scan."""

    reversible = True

    def __init__(self, model_name: str, index):
        self.model_name = model_name
        self.index = index

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = to_state.apps.get_model(app_label, self.model_name)
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = from_state.apps.get_model(app_label, self.model_name)
            schema_editor.remove_index(model, self.index)

    def describe(self) -> str:
        return f"Create PostgreSQL index {self.index.name} on {self.model_name}"

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "index": self.index}
        return (self.__class__.__qualname__, [], kwargs)
