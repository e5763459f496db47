"""Signing in as 等保三级 asks: the county's password rules, two factors for the roles it names (an authenticator,
recovery codes, an SMS fallback), sessions that end when idle or old, one session per person where the county wants
it — each set by the security administrator as a versioned county setting, and each refusal in plain Chinese."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_person
from xinfang import sms
from xinfang.accounts.models import PasswordHistory
from xinfang.org.models import AuditEvent, User
from xinfang.rules.services import rules_save

pytestmark = pytest.mark.django_db


def county_rules(security_admin, county, **values):
    rules_save(actor=security_admin, county=county.region, key="security", values=values, reason="县网信办测评整改")


def sign_in(client, user, password=PASSWORD, ip="10.1.0.5"):
    return client.post("/login/", {"username": user.username, "password": password}, REMOTE_ADDR=ip)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# Passwords ----------------------------------------------------------------------------------------------

def test_a_weak_password_is_refused_with_every_reason_at_once_and_nothing_changes(client, caseworker):
    sign_in(client, caseworker)
    before = User.objects.get(pk=caseworker.pk).password

    response = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "huaining",
                                                  "new_password2": "huaining"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "密码至少10位" in page and "至少3种" in page
    assert User.objects.get(pk=caseworker.pk).password == before


def test_the_county_rules_decide_and_the_last_passwords_cannot_come_back(client, caseworker, security_admin, county):
    county_rules(security_admin, county, password_min_length=12, password_classes=4, password_history=2)
    sign_in(client, caseworker)

    def change(old, new):
        return client.post("/account/password/", {"old_password": old, "new_password1": new, "new_password2": new})

    assert "密码至少12位" in change(PASSWORD, "Short-pass1").content.decode()
    assert change(PASSWORD, "Huaining-2026-a").status_code == 302
    assert change("Huaining-2026-a", "Huaining-2026-b").status_code == 302
    back = change("Huaining-2026-b", "Huaining-2026-a")

    assert back.status_code == 400 and "不能使用最近用过的2个密码" in back.content.decode()
    assert PasswordHistory.objects.filter(user=caseworker).count() <= 2
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=caseworker).count() == 2


def test_a_password_given_by_an_administrator_is_changed_before_anything_else(client, caseworker):
    User.objects.filter(pk=caseworker.pk).update(must_change_password=True)

    assert sign_in(client, caseworker).url == "/"
    assert client.get("/cases/").url == "/account/password/"
    forced = client.get("/account/password/")
    assert "须先修改密码" in forced.content.decode()
    client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "Xinfang#2026ok",
                                       "new_password2": "Xinfang#2026ok"})

    assert client.get("/cases/").status_code == 200
    assert User.objects.get(pk=caseworker.pk).must_change_password is False


def test_an_expired_password_must_be_changed_at_login(client, caseworker, security_admin, county):
    county_rules(security_admin, county, password_max_age_days=30)
    User.objects.filter(pk=caseworker.pk).update(password_changed_at=timezone.now() - timedelta(days=31))
    sign_in(client, caseworker)

    assert client.get("/cases/").url == "/account/password/"
    assert client.get("/api/v1/cases/").json()["code"] == "password_change_required"


# Two factors --------------------------------------------------------------------------------------------

def test_a_role_the_county_names_enrols_an_authenticator_then_signs_in_with_its_code(client, caseworker,
                                                                                    security_admin, county):
    county_rules(security_admin, county, two_factor_roles=["caseworker"])
    sign_in(client, caseworker)

    assert client.get("/cases/").url == "/account/two-factor/"
    assert client.get("/account/password/").url == "/account/two-factor/"  # a stolen password reaches nothing
    assert client.get("/api/v1/cases/").json()["code"] == "two_factor_required"
    enrol = client.get("/account/two-factor/")
    assert "<svg" in enrol.content.decode() and enrol.context["secret"]
    device = TOTPDevice.objects.get(user=caseworker, confirmed=False)
    wrong = client.post("/account/two-factor/", {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()

    done = client.post("/account/two-factor/", {"token": current_code(device)})
    codes = done.context["codes"]
    assert len(codes) == 10 and client.get("/cases/").status_code == 200

    client.post("/logout/")
    sign_in(client, caseworker)
    assert client.get("/cases/").url.startswith("/account/verify/")
    assert client.post("/account/verify/", {"token": "123"}).status_code == 400
    assert client.post("/account/verify/", {"token": codes[0]}).status_code == 302
    assert client.get("/cases/").status_code == 200

    client.post("/logout/")
    sign_in(client, caseworker)
    assert client.post("/account/verify/", {"token": codes[0]}).status_code == 400  # a recovery code works once
    actions = set(AuditEvent.objects.filter(object_id=str(caseworker.pk)).values_list("action", flat=True))
    assert {"auth.two_factor_enrolled", "auth.two_factor_verified", "auth.two_factor_failed"} <= actions


def test_the_sms_fallback_sends_a_code_to_the_registered_mobile(client, caseworker, security_admin, county):
    county_rules(security_admin, county, two_factor_roles=["caseworker"])
    sign_in(client, caseworker)
    device = TOTPDevice.objects.create(user=caseworker, confirmed=False, name="app")
    client.post("/account/two-factor/", {"token": current_code(device)})
    sms.outbox.clear()

    assert client.post("/account/two-factor/sms/", {"phone": "12345"}).status_code == 400
    client.post("/account/two-factor/sms/", {"phone": "13905561234"})
    code = sms.outbox[-1][1].split("：")[1][:6]
    client.post("/account/two-factor/sms/", {"token": code})
    client.post("/logout/")
    sign_in(client, caseworker)
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        client.post("/account/verify/", {"send_sms": "1"})
        again = client.post("/account/verify/", {"send_sms": "1"}, follow=True)
    phone, text = sms.outbox[-1]
    assert "秒后再试" in again.content.decode() and len(sms.outbox) == 2  # the enrolment's code and this one

    assert phone == "13905561234" and "登录验证码" in text
    assert client.post("/account/verify/", {"token": text.split("：")[1][:6]}).status_code == 302
    assert "139****1234" in client.get("/account/").content.decode()


def test_the_three_administrators_give_two_factors_by_default(client, audit_admin):
    sign_in(client, audit_admin)

    assert client.get("/org/audit/").url == "/account/two-factor/"


# Sessions -----------------------------------------------------------------------------------------------

def test_an_idle_session_ends_after_the_countys_minutes(client, caseworker, security_admin, county):
    county_rules(security_admin, county, idle_timeout_minutes=10, session_lifetime_hours=2)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, caseworker)
        clock.shift(timedelta(minutes=9))
        assert client.get("/cases/").status_code == 200
        page = client.get("/cases/").content.decode()
        assert 'data-idle-seconds="600"' in page
        clock.shift(timedelta(minutes=11))
        ended = client.get("/cases/")
        assert ended.url.startswith("/login/?next=")
        assert "长时间未操作" in client.get(ended.url).content.decode()


def test_a_session_past_its_lifetime_ends_however_active(client, caseworker, security_admin, county):
    county_rules(security_admin, county, idle_timeout_minutes=10, session_lifetime_hours=1)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, caseworker)
        for _ in range(6):
            clock.shift(timedelta(minutes=9))
            assert client.post("/account/keepalive/").status_code == 204
        clock.shift(timedelta(minutes=7))
        response = client.get("/api/v1/cases/")

    assert response.status_code == 401 and response.json()["code"] == "session_expired"


def test_where_the_county_allows_one_session_a_new_login_ends_the_other(client, caseworker, security_admin, county):
    from django.test import Client

    county_rules(security_admin, county, single_session=True)
    office, phone = client, Client()
    sign_in(office, caseworker, ip="10.1.0.5")
    assert office.get("/cases/").status_code == 200

    sign_in(phone, caseworker, ip="10.1.0.99")

    assert office.get("/cases/").url.startswith("/login/")
    assert phone.get("/cases/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.sessions_ended", object_id=str(caseworker.pk)).exists()


def test_a_superuser_is_for_installation_only_where_the_deployment_says_so(client, county, settings):
    settings.SUPERUSER_LOGIN = False
    root = make_person("root.installer", county.bureau, [])
    User.objects.filter(pk=root.pk).update(is_superuser=True, is_staff=True)
    sign_in(client, root)

    response = client.get("/cases/")

    assert response.url.startswith("/login/")
    assert "超级用户仅用于系统安装" in client.get(response.url).content.decode()


# The security administrator's rules -----------------------------------------------------------------------

def test_only_the_security_administrator_changes_the_login_rules(client_as, security_admin, county_admin):
    form = {"password_min_length": 14, "password_classes": 3, "password_history": 5, "password_max_age_days": 90,
            "change_on_first_login": "on", "two_factor_roles": ["system_admin", "security_admin", "audit_admin"],
            "two_factor_sms": "on", "idle_timeout_minutes": 15, "session_lifetime_hours": 8,
            "api_token_max_days": 180, "reason": "测评整改", "base_version": 0}

    refused = client_as(county_admin).post("/settings/security/", form)
    saved = client_as(security_admin).post("/settings/security/", form)
    business = client_as(security_admin).post("/settings/cases/", {"reason": "x"})

    assert refused.status_code == 403 and saved.status_code == 302
    assert business.status_code == 403
    event = AuditEvent.objects.get(action__startswith="rules.", actor=security_admin)
    assert event.region == security_admin.region


def test_a_password_reset_in_the_admin_is_changed_by_its_holder_at_the_next_login(client, caseworker, county):
    root = make_person("root.reset", county.bureau, [])
    User.objects.filter(pk=root.pk).update(is_superuser=True, is_staff=True)
    client.force_login(User.objects.get(pk=root.pk), backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(f"/admin/org/user/{caseworker.pk}/password/",
                           {"password1": "Given#Pass2026", "password2": "Given#Pass2026", "usable_password": "true"})

    assert response.status_code == 302
    assert User.objects.get(pk=caseworker.pk).must_change_password is True
    assert AuditEvent.objects.filter(action="user.password_reset", object_id=str(caseworker.pk)).exists()


def test_a_password_alone_never_replaces_the_authenticator(client, caseworker, security_admin, county):
    county_rules(security_admin, county, two_factor_roles=["caseworker"])
    mine = TOTPDevice.objects.create(user=caseworker, confirmed=True, name="mine")
    sign_in(client, caseworker)  # the password, stolen

    assert client.get("/account/two-factor/").url.startswith("/account/verify/")
    assert client.post("/account/two-factor/", {"token": "123456"}).url.startswith("/account/verify/")
    assert TOTPDevice.objects.filter(user=caseworker, confirmed=True).get() == mine
    assert client.get("/cases/").url.startswith("/account/verify/")


def test_one_session_per_person_holds_after_the_forced_password_change(client, caseworker, security_admin, county):
    from django.test import Client

    county_rules(security_admin, county, single_session=True)
    User.objects.filter(pk=caseworker.pk).update(must_change_password=True)
    sign_in(client, caseworker)
    client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "Xinfang#2026ok",
                                       "new_password2": "Xinfang#2026ok"})
    assert client.get("/cases/").status_code == 200

    sign_in(Client(), caseworker, password="Xinfang#2026ok")

    assert client.get("/cases/").url.startswith("/login/")


def test_new_roles_end_the_persons_sessions_so_the_next_login_asks_what_they_need(client, client_as, caseworker,
                                                                                 security_admin):
    from django.test import Client

    sign_in(client, caseworker)
    assert client.get("/cases/").status_code == 200
    admin = Client()
    admin.force_login(security_admin, backend="django.contrib.auth.backends.ModelBackend")
    from tests.conftest import second_factor_given

    second_factor_given(admin, security_admin)
    admin.post(f"/org/users/{caseworker.pk}/roles/", {"roles": ["system_admin"]})

    assert client.get("/cases/").url.startswith("/login/")
    sign_in(client, caseworker)
    assert client.get("/org/users/").url == "/account/two-factor/"


def test_without_an_sms_gateway_the_fallback_is_refused_plainly(client, caseworker, security_admin, county, settings):
    settings.SMS_BACKEND = ""
    county_rules(security_admin, county, two_factor_roles=["caseworker"])
    sign_in(client, caseworker)
    device = TOTPDevice.objects.create(user=caseworker, confirmed=False, name="app")
    client.post("/account/two-factor/", {"token": current_code(device)})

    response = client.post("/account/two-factor/sms/", {"phone": "13905561234"})

    assert response.status_code == 400 and "未启用短信验证码" in response.content.decode()
    from xinfang.accounts.models import SmsDevice

    assert not SmsDevice.objects.exists()
