import django.db.models.functions.text
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations

from onemind.migrations import AddPostgreSQLIndex, TrigramExtension


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0004_agency_list_indexes"),
    ]

    operations = [
        TrigramExtension(),  # on PostgreSQL only; pg_trgm is a trusted extension
        AddPostgreSQLIndex(
            model_name="agency",
            index=GinIndex(
                OpClass(django.db.models.functions.text.Upper("name"), name="gin_trgm_ops"),
                name="agency_name_trigram",
            ),
        ),
        AddPostgreSQLIndex(
            model_name="agency",
            index=GinIndex(
                OpClass(django.db.models.functions.text.Upper("locality"), name="gin_trgm_ops"),
                name="agency_locality_trigram",
            ),
        ),
    ]
