"""The calendar page tells the county admin, year by year, where the working-day calendar stands and what to do:
a year the chinese-calendar package knows is loaded from it with one button (and the clocks counted before the
package knew it follow); a year it does not know gets one instruction, to upgrade the package or to enter the
国务院办公厅 notice's days by hand."""

import re
from contextlib import contextmanager
from datetime import date

import pytest
import time_machine

import workflow
from deadlines.models import Deadline
from tests.factories import make_person
from xinfang.celery import app
from xinfang.errors import NotPermitted
from xinfang.org.models import AuditEvent
from xinfang.workdays import calendar as workdays_calendar
from xinfang.workdays.models import CalendarYear

from .conftest import at

pytestmark = pytest.mark.django_db

CALENDAR = "/deadlines/calendar/"
LOAD = "/deadlines/calendar/years/load/"


def html(response) -> str:
    return response.content.decode()


def year_item(page: str, year: int) -> tuple[str, str]:
    """The calendar page's line for ``year``: its state and its text."""
    match = re.search(rf'data-testid="year-{year}" data-state="(\w+)">(.*?)</li>', page, re.S)
    assert match, f"{year} is not on the page"
    return match[1], " ".join(re.sub(r"<[^>]+>", " ", match[2]).split())


@pytest.fixture
def recomputed(django_capture_on_commit_callbacks):
    """``with recomputed():`` the recomputation a calendar change enqueues runs when the change commits."""

    @contextmanager
    def run():
        app.conf.task_always_eager = True
        try:
            with django_capture_on_commit_callbacks(execute=True):
                yield
        finally:
            app.conf.task_always_eager = False

    return run


@pytest.fixture
def counted_before_the_package_knew_2026(register, monkeypatch):
    """On 20 December 2025, with the package as it was before it learnt 2026, a letter is registered: its 15 days
    to decide end on Sunday 4 January 2026, which weekends alone move to Monday the 5th, flagged unconfirmed."""
    with monkeypatch.context() as package_of_2025:
        package_of_2025.setattr(workdays_calendar, "package_years", lambda: range(2004, 2026))
        with time_machine.travel(at("2025-12-20"), tick=False):
            case = register()
    decide = Deadline.objects.get(case=case, milestone__code="decide")
    assert (decide.due_on, decide.calendar_unconfirmed) == (date(2026, 1, 5), True)
    return decide


@pytest.fixture
def december_2025():
    """Today is Monday 22 December 2025, and the upgraded package knows 2026 (4 January is a 调休 working Sunday)."""
    with time_machine.travel(at("2025-12-22"), tick=False):
        yield


def test_a_year_the_package_knows_shows_its_holidays_and_the_button_to_load_it(
        client_as, county_admin, counted_before_the_package_knew_2026, december_2025):
    page = html(client_as(county_admin).get(CALENDAR))

    state, text = year_item(page, 2026)
    assert state == "to_load"
    assert "日历数据（chinese-calendar 1.11.0）已包含该年的国家放假安排：放假 33 天、调休上班 6 天" in text
    assert "有 1 个正在计时的节点是在日历数据包含该年之前计算的" in text
    assert "春节 02-15 — 02-23 （9 天） 02-14 星期六 、 02-28 星期六" in text
    assert "从日历数据载入2026年节假日" in text
    assert "升级该软件包即可，无需手工录入" not in page  # the old footnote contradicted the instruction


def test_loading_2026_settles_the_year_and_moves_the_clocks_counted_without_it(
        client_as, county_admin, county, counted_before_the_package_knew_2026, december_2025, recomputed):
    with recomputed():
        response = client_as(county_admin).post(LOAD, {"year": "2026"}, follow=True)

    page = html(response)
    assert "已从日历数据载入 2026 年的法定节假日和调休上班日" in page
    state, text = year_item(page, 2026)
    assert state == "loaded"
    assert "按国家安排放假 33 天、调休上班 6 天，赵管理 于 2025-12-22 载入。" in text
    assert "从日历数据载入2026年节假日" not in text
    decide = Deadline.objects.get(pk=counted_before_the_package_knew_2026.pk)
    assert (decide.due_on, decide.calendar_unconfirmed) == (date(2026, 1, 4), False)
    loaded = CalendarYear.objects.get(county=county.region, year=2026)
    assert (loaded.from_package, loaded.confirmed_by) == (True, county_admin)
    audit = AuditEvent.objects.get(action="calendar_year.load")
    assert (audit.actor, audit.region, audit.changes["source"]) == (county_admin, county.region,
                                                                    "chinese-calendar 1.11.0")


def test_loading_the_same_year_twice_changes_nothing_the_second_time_and_says_so(
        client_as, county_admin, county, december_2025):
    client = client_as(county_admin)
    client.post(LOAD, {"year": "2026"})

    response = client.post(LOAD, {"year": "2026"}, follow=True)

    assert "2026 年的节假日已从日历数据载入，无需重复载入，本次没有改动。" in html(response)
    assert CalendarYear.objects.filter(county=county.region).count() == 1
    assert AuditEvent.objects.filter(action="calendar_year.load").count() == 1


def test_a_year_entered_by_hand_is_loaded_from_the_package_once_it_knows_it(county_admin, county, december_2025):
    hand_entered = CalendarYear.objects.create(county=county.region, year=2026, confirmed_by=None)

    workflow.calendar_year_load(actor=county_admin, county=county.region, year=2026)

    hand_entered.refresh_from_db()
    assert (hand_entered.from_package, hand_entered.confirmed_by) == (True, county_admin)


def test_a_year_the_package_does_not_know_gets_one_instruction_and_no_load(client_as, county):
    with time_machine.travel(at("2030-06-03"), tick=False):
        admin_of_2030 = make_person("zhao.admin", county.bureau, ["county_admin"])  # a password of that year
        client = client_as(admin_of_2030)
        page = html(client.get(CALENDAR))
        refused = html(client.post(LOAD, {"year": "2031"}, follow=True))

    instruction = ("日历数据（chinese-calendar 1.11.0）尚未包含 2031 年的放假安排。国务院办公厅公布该年放假通知后，"
                   "请系统管理员升级日历数据（{command}，重启服务），再回到本页载入；"
                   "等不及升级的，在本页逐日录入通知中的放假日和调休上班日，录完后确认该年份。")
    state, text = year_item(page, 2031)
    assert state == "unknown"
    assert instruction.format(command='<code class="text-nowrap">pip install --upgrade chinesecalendar</code>') in page
    assert "载入2031年节假日" not in text and "确认 2031 年已录入" in text
    assert instruction.format(command="pip install --upgrade chinesecalendar") in refused  # the same, nothing written
    assert not CalendarYear.objects.exists()
    with pytest.raises(NotImplementedError):  # what the package itself says of 2031
        import chinese_calendar
        chinese_calendar.is_workday(date(2031, 1, 2))


def test_another_county_s_admin_loads_only_their_own_county(client_as, county_admin, county, other_county,
                                                           december_2025):
    other_admin = make_person("qian.admin", other_county.bureau, ["county_admin"])

    client_as(other_admin).post(LOAD, {"year": "2026"})

    assert list(CalendarYear.objects.values_list("county", flat=True)) == [other_county.region.pk]
    assert year_item(html(client_as(county_admin).get(CALENDAR)), 2026)[0] == "to_load"
    with pytest.raises(NotPermitted):
        workflow.calendar_year_load(actor=other_admin, county=county.region, year=2026)
    assert not CalendarYear.objects.filter(county=county.region).exists()


def test_a_caseworker_cannot_load_a_year(client_as, caseworker, december_2025):
    assert client_as(caseworker).post(LOAD, {"year": "2026"}).status_code == 403
    assert not CalendarYear.objects.exists()
