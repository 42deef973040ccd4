"""
Uploaded images: checked, re-encoded and cut into renditions once, at upload.
"""

import posixpath
import uuid

from django import forms
from django.utils import timezone


def storage_name(folder, filename):
    """
    A fresh name under ``folder/YYYY/MM/``: the uploader's file name never
    reaches the disk (no path tricks, no clashes, nothing personal in URLs).
    The extension is the one of the re-encoded file, set by the caller.
    """
    extension = posixpath.splitext(filename)[1].lower()[:5]
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class ImageUploadField(forms.ImageField):
    """The form field for every image upload."""
