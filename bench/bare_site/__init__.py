"""
The machine's ceiling for ``python -m bench http``: a bare Django view that
returns a short string, no middleware, no database, no templates, served by
the same gunicorn settings as newsportal. No Django page can be faster here.
"""
