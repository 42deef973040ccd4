"""
A deliberately small Wagtail news site, built the way Wagtail's documentation
builds one, for ``python -m bench http`` to load-test beside newsportal. It
runs in its own virtual environment (``bench/.wagtail-venv``) and is never
imported by newsportal.
"""
