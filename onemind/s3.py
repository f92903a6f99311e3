"""Uploaded documents in an S3-compatible bucket (STORAGE_BUCKET), for several machines.

A module of its own so that boto3 is imported only where the bucket is configured.
"""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Private objects, never linked to: the same permission-checked views read and serve
    them."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no URL; a view that checks access serves them.")
