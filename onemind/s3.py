"""Uploaded documents in an S3-compatible bucket (STORAGE_BUCKET), for several machines.

A module of its own so that boto3 is imported only where the bucket is configured.
"""

from storages.backends.s3 import S3Storage

from onemind.storage import NoURL


class PrivateS3Storage(NoURL, S3Storage):
    """Private objects in the bucket (the settings give them a private ACL)."""
