"""Small request helpers shared by pages and API views."""


def client_ip(request) -> str | None:
    """The caller's address as the web server saw it (for audit and access logs)."""
    return request.META.get("REMOTE_ADDR")
