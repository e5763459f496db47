"""Logins, logouts, failed logins and lockouts are in the audit trail with their IP, and a failed login stays there
after the person gets in."""

import pytest

from tests.factories import PASSWORD
from xinfang.org.models import AuditEvent

pytestmark = pytest.mark.django_db


def actions(username):
    return list(AuditEvent.objects.filter(object_repr=username).order_by("id").values_list("action", "ip_address"))


def test_a_wrong_password_then_a_login_and_a_logout_are_all_kept(client, caseworker):
    client.post("/login/", {"username": caseworker.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    client.post("/login/", {"username": caseworker.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    client.post("/logout/", REMOTE_ADDR="10.0.0.7")

    assert actions(caseworker.username) == [("auth.login_failed", "10.0.0.7"), ("auth.login", "10.0.0.7"),
                                            ("auth.logout", "10.0.0.7")]
    login = AuditEvent.objects.get(action="auth.login")
    assert (login.actor, login.region) == (caseworker, caseworker.region)


def test_an_unknown_name_and_a_lockout_are_kept_too(client, caseworker, settings):
    client.post("/login/", {"username": "nobody-here", "password": "x"}, REMOTE_ADDR="10.0.0.8")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": caseworker.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.9")

    assert actions("nobody-here") == [("auth.login_failed", "10.0.0.8")]
    assert ("auth.locked_out", "10.0.0.9") in actions(caseworker.username)
