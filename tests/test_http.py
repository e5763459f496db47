"""The caller's address behind the county's proxy: the audit trail and the public pages' limits need the person's,
not the proxy's — and never one a client wrote into the header itself."""

from django.test import RequestFactory

from xinfang.http import client_ip


def test_the_address_is_the_peer_unless_the_peer_is_a_trusted_proxy(settings):
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert client_ip(forged) == "203.0.113.9"  # no proxy configured: the header is not believed
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    behind = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_ip(behind) == "198.51.100.7"  # the proxy's own record of who called it; 1.2.3.4 was written
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
