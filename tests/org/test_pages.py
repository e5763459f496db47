"""Logging in and finding one's way: the login page, lockout, the navigation and home page of each role."""

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_caseworker_logs_in_and_sees_their_chinese_home_page(client, caseworker):
    response = client.post("/login/", {"username": "zhang.caseworker", "password": PASSWORD}, follow=True)

    html = response.content.decode()
    assert "您好，张信访" in html
    assert "我的待办" in html
    assert "辖区：怀宁县" in html


def test_a_wrong_password_shows_a_chinese_message(client, caseworker):
    response = client.post("/login/", {"username": "zhang.caseworker", "password": "wrong"})

    assert "用户名或密码不正确" in response.content.decode()


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, caseworker):
    for _ in range(5):
        client.post("/login/", {"username": "zhang.caseworker", "password": "wrong"})

    response = client.post("/login/", {"username": "zhang.caseworker", "password": PASSWORD})

    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_county_admin_navigation_offers_configuration(client_as, county_admin):
    html = client_as(county_admin).get("/").content.decode()

    assert "接口客户端" in html and "审计记录" in html
    assert "县级管理员" in html


def test_a_unit_officer_navigation_does_not_offer_configuration(client_as, unit_officer):
    html = client_as(unit_officer).get("/").content.decode()

    assert "接口客户端" not in html
    assert "承办事项" in html


def test_a_leader_home_page_names_their_level(client_as, leader):
    html = client_as(leader).get("/").content.decode()

    assert "县级领导" in html


def test_the_interface_is_chinese_even_when_the_browser_asks_for_english(client_as, caseworker):
    html = client_as(caseworker).get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert "工作台" in html
    assert 'lang="zh-hans"' in html


def test_english_is_there_for_those_who_choose_it(client_as, caseworker):
    client = client_as(caseworker)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get("/").content.decode()

    assert 'lang="en"' in html
    assert "Workbench" in html


def test_dates_are_shown_the_chinese_way(client_as, caseworker):
    import time_machine

    with time_machine.travel("2026-11-22 10:00 +0800"):
        html = client_as(caseworker).get("/").content.decode()

    assert "2026年11月22日" in html


def test_the_unit_list_filters_by_kind(client_as, caseworker, county):
    html = client_as(caseworker).get("/org/units/?kind=department").content.decode()

    assert county.housing.name in html
    assert county.government.name not in html


def test_the_user_list_page_runs_a_fixed_number_of_queries(client_as, caseworker, county,
                                                           django_assert_max_num_queries):
    from tests.factories import make_person

    client = client_as(caseworker)
    for i in range(20):
        make_person(f"u{i}", county.housing, ["unit_officer"])

    with django_assert_max_num_queries(12):
        response = client.get("/org/users/")

    assert response.status_code == 200
    assert "信访干部" in response.content.decode()
