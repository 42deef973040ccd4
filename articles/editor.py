"""
The body editor in the admin.
"""

from django import forms


def body_widget():
    """The widget editors write the body with."""
    return forms.Textarea(attrs={"rows": 24, "class": "vLargeTextField body-editor"})
