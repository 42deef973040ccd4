"""
Server errors. A database that is away (restarting, failing over, out of
connections) is not a bug in a page: readers get a short 503 that asks them to
come back, with Retry-After, and load balancers and crawlers see a temporary
condition instead of a 500. Django calls ``handler500`` inside the ``except``
block of the failed request, so the exception is still at hand.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.cache import add_never_cache_headers

RETRY_AFTER = 30


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        add_never_cache_headers(response)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
