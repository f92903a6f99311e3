"""Uploaded documents on S3-compatible storage (STORAGE_BUCKET): private objects in the
bucket, served by the same permission-checked view. The S3 server is moto's, in memory."""

import boto3
import pytest
from moto import mock_aws

from agencies import documents
from agencies.documents import AGREEMENT_TYPES, check_upload
from agencies.models import DocumentKind
from tests import files
from tests.conftest import login
from tests.pages import download_url

BUCKET = "onemind-documents"


@pytest.fixture
def bucket(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "onemind.s3.PrivateS3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "location": "private",
                    "default_acl": "private",
                    "file_overwrite": False,
                },
            },
        }
        yield s3


def test_a_document_is_a_private_object_served_by_the_view(
    client, agency_a, coordinator, viewer, agency_b, coordinator_b, bucket
):
    document = documents.store(
        check_upload(files.pdf("Crisis policy.pdf"), AGREEMENT_TYPES),
        agency=agency_a,
        actor=coordinator,
        kind=DocumentKind.POLICY,
    )

    [stored] = bucket.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert stored["Key"] == f"private/{document.file.name}"
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=stored["Key"])["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner alone
    with pytest.raises(ValueError):
        document.file.url  # never linked to  # noqa: B018

    login(client, viewer)
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.pdf_bytes()
    assert response["Content-Disposition"] == 'attachment; filename="Crisis policy.pdf"'

    login(client, coordinator_b)
    assert client.get(download_url(document)).status_code == 404


def test_the_same_file_twice_is_two_objects(agency_a, coordinator, bucket):
    for _ in range(2):
        documents.store(
            check_upload(files.pdf("Same name.pdf"), AGREEMENT_TYPES),
            agency=agency_a,
            actor=coordinator,
            kind=DocumentKind.POLICY,
        )
    assert bucket.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 2


def test_the_nightly_sweep_removes_an_object_whose_row_rolled_back(
    agency_a, coordinator, bucket, settings
):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    kept = documents.store(
        check_upload(files.pdf(), AGREEMENT_TYPES),
        agency=agency_a,
        actor=coordinator,
        kind=DocumentKind.POLICY,
    )
    orphan = default_storage.save(f"documents/{agency_a.public_id}/orphan.pdf", ContentFile(b"x"))

    assert documents.sweep_orphans(min_age=timedelta(0)) == 1
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"private/{kept.file.name}"] and f"private/{orphan}" not in keys
