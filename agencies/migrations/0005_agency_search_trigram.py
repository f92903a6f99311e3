from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models.functions import Upper

from onemind.migrations import CreateTrigramExtension, PostgreSQLIndex

# The staff list's search for a name or place anywhere in it (`icontains`, which PostgreSQL
# runs as UPPER(...) LIKE '%...%'): trigram indexes, on PostgreSQL only (see PostgreSQLIndex).


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0004_agency_list_indexes"),
    ]

    operations = [
        CreateTrigramExtension(),  # trusted: the database owner may create it
        PostgreSQLIndex(
            model_name="agency",
            index=GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="agency_name_trigram"),
        ),
        PostgreSQLIndex(
            model_name="agency",
            index=GinIndex(
                OpClass(Upper("locality"), name="gin_trgm_ops"), name="agency_locality_trigram"
            ),
        ),
    ]
