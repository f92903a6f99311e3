"""The importer: a coordinator's way through the import pages, for every import test."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login
from training.models import ImportBatch


def url(name, agency, **kwargs):
    return reverse(name, kwargs={"agency_slug": agency.slug, **kwargs})


@pytest.fixture
def importer(client, agency_a, editor, django_capture_on_commit_callbacks):
    """Upload a file, check it with the proposed columns, and (optionally) confirm it."""
    login(client, editor)

    class Importer:
        def upload(self, data, name="roster.csv", kind="roster"):
            file = SimpleUploadedFile(name, data)
            response = client.post(url("import_upload", agency_a), {"kind": kind, "file": file})
            if response.status_code != 302:
                return response
            return ImportBatch.all_agencies.latest("created_at")

        def check(self, batch, mapping=None, values=None):
            """The columns step (the proposed columns, or `mapping`), then the values step
            with what the page proposes, changed where `values` says ({value: meaning})."""
            mapping = mapping if mapping is not None else batch.mapping
            client.post(url("import_columns", agency_a, batch_id=batch.public_id), mapping)
            batch.refresh_from_db()
            if batch.state == "uploaded" and batch.preview.get("values"):
                self.choose(batch, values or {})
            return batch

        def choose(self, batch, values):
            """The values step: each line's proposed meaning, or the one `values` gives."""
            lines = batch.preview["values"]
            client.post(
                url("import_values", agency_a, batch_id=batch.public_id),
                {f"line-{n}": values.get(line["shown"], line["meaning"])
                 for n, line in enumerate(lines)},
            )  # fmt: skip
            batch.refresh_from_db()
            return batch

        def confirm(self, batch):
            with django_capture_on_commit_callbacks(execute=True):
                client.post(url("import_confirm", agency_a, batch_id=batch.public_id))
            batch.refresh_from_db()
            return batch

        def run(self, data, name="roster.csv", kind="roster", **choices):
            return self.confirm(self.check(self.upload(data, name, kind), **choices))

    return Importer()
