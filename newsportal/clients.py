"""
Who is asking: the client's address, behind as many trusted proxies as the
operator configured (``NEWSPORTAL_PROXY_HOPS``). Used wherever an address
decides something — login throttling, repeat reads — so a client cannot pick
its own address by sending an ``X-Forwarded-For`` header.
"""

from django.conf import settings


def client_address(request):
    """
    REMOTE_ADDR, or behind N trusted proxies the address the outermost of them
    saw: N entries from the right of X-Forwarded-For (entries to its left were
    written by the client and are not trusted). Too few entries: REMOTE_ADDR.
    """
    hops = settings.NEWSPORTAL_PROXY_HOPS
    if hops:
        forwarded = [
            part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")
        ]
        if len(forwarded) >= hops and forwarded[-hops]:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
