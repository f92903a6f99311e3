"""Storage for uploaded files, which must never be reachable by URL."""

from django.core.files.storage import FileSystemStorage


class NoURL:
    """Private files have no address; permission-checked views read and serve them."""

    def url(self, name, *args, **kwargs):
        raise ValueError("Private files have no URL; a view that checks access serves them.")


class PrivateFileSystemStorage(NoURL, FileSystemStorage):
    """Files on disk outside any public folder."""
