"""Storage for uploaded files, which must never be reachable by URL."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk outside any public folder; they are served by permission-checked views."""

    def url(self, name):
        raise ValueError("Private files have no URL; a view that checks access serves them.")


try:
    from storages.backends.s3 import S3Storage
except ImportError:  # pragma: no cover - django-storages is in requirements.lock
    S3Storage = None


if S3Storage is not None:

    class PrivateS3Storage(S3Storage):
        """Private objects in an S3-compatible bucket, never linked to: the same
        permission-checked views read and serve them."""

        def url(self, name, parameters=None, expire=None, http_method=None):
            raise ValueError("Private files have no URL; a view that checks access serves them.")
