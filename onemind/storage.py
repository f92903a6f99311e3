"""Storage for uploaded files, which must never be reachable by URL."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk outside any public folder; they are served by permission-checked views."""

    def url(self, name):
        raise ValueError("Private files have no URL; a view that checks access serves them.")
