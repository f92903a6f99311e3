"""A certificate records the name, place and ORI of the agency it was issued to; existing
certificates take them from their agency as it is now (the best record there is)."""

import django_countries.fields
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

IDENTITY = [
    ("name", "agency_name"),
    ("ori", "agency_ori"),
    ("country", "agency_country"),
    ("region", "agency_region"),
    ("locality", "agency_locality"),
]


def fill_from_agency(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    Certificate = apps.get_model("pledges", "Certificate")
    agency = Agency.objects.filter(pk=OuterRef("agency_id"))
    Certificate.objects.update(
        **{field: Subquery(agency.values(source)[:1]) for source, field in IDENTITY}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0005_agency_search_trigram"),
        ("pledges", "0005_email_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="agency_name",
            field=models.CharField(default="", max_length=200, verbose_name="issued to"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="agency_ori",
            field=models.CharField(
                blank=True, default="", max_length=9, verbose_name="ORI when issued"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="agency_country",
            field=django_countries.fields.CountryField(
                default="US", max_length=2, verbose_name="country when issued"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="agency_region",
            field=models.CharField(
                blank=True, default="", max_length=100, verbose_name="state or province when issued"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="agency_locality",
            field=models.CharField(
                blank=True, default="", max_length=120, verbose_name="city or county when issued"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_from_agency, migrations.RunPython.noop),
    ]
