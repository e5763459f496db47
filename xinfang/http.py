"""Small request helpers shared by pages and API views."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The caller's address (for audit, access logs and the public pages' limits). Behind the county's proxy every
    request comes from the proxy: when the direct peer is one of ``TRUSTED_PROXIES``, the address is the last one in
    X-Forwarded-For that is not a trusted proxy (the header's earlier entries are the client's to write)."""
    peer = request.META.get("REMOTE_ADDR")
    trusted = settings.TRUSTED_PROXIES
    if peer not in trusted:
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop[:45]
    return peer
