"""The Django admin: for a superuser, every registered model's list opens, names the model and runs a bounded number
of queries with a few rows present; the read-only admins offer no add page and no way to save a row."""

from datetime import date, time, timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import capfirst

from cases.models import Case, PersonalDataAccess
from cases.services import PetitionerInput
from dashboards.models import RollupBucket
from deadlines.models import Card, Deadline, Notification, RuleSet, Supervision, Suspension
from dossiers.models import Claim, Dossier, Escalation, Listing, Measure
from scoring.models import PointEntry, RankingSnapshot
from tests.cases.conftest import categories, register  # noqa: F401 — shared fixtures
from visits.models import (
    Appointment,
    FieldVisit,
    Meeting,
    Reception,
    ReceptionSchedule,
    ReceptionSlot,
    ReturnVisit,
)
from xinfang.admin import ReadOnlyAdmin
from xinfang.org.models import AuditEvent
from xinfang.rules.models import RulesVersion
from xinfang.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

ROWS = 6
MAX_QUERIES = 15


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def breadcrumbs(response) -> str:
    """The page's breadcrumbs, which name the model (the sidebar names every model on every page)."""
    page = response.content.decode()
    start = page.index('<div class="breadcrumbs">')
    return page[start:page.index("</div>", start)]


def url(model, view: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


@pytest.fixture
def rows(county, caseworker, leader, unit_officer, register):  # noqa: F811 - the fixture imported above
    """``ROWS`` rows of each model the admin shows, with every foreign key its list shows set."""
    now = timezone.now()
    today = timezone.localdate()
    region, unit = county.region, county.housing
    cases = [register(petitioner=PetitionerInput(name=f"信访人{i}"), summary=f"反映问题{i}") for i in range(ROWS)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(lead_unit=unit)
    deadlines = list(Deadline.objects.filter(case__in=cases).order_by("id"))
    for i in range(2, ROWS + 2):
        RuleSet.objects.create(county=region, lineage=i, name=f"规则{i}", created_by=caseworker)
    for i, case in enumerate(cases):
        deadline = deadlines[i]
        card = Card.objects.create(deadline=deadline, case=case, colour="yellow", unit=unit, leader=leader,
                                   raised_at=now)
        Suspension.objects.create(case=case, reason="等待鉴定", requested_by=caseworker)
        supervision = Supervision.objects.create(case=case, kind="reminder", number=f"提醒〔{today.year}〕{i}号",
                                                 unit=unit, content="请按时办理", respond_by=today,
                                                 issued_by=caseworker)
        Notification.objects.create(user=unit_officer, kind="card", key=f"card:{card.pk}", case=case, card=card,
                                    supervision=supervision)
        schedule = ReceptionSchedule.objects.create(
            region=region, level=3, leader=leader, title=f"接访{i}", place="县信访接待中心", weekday=4,
            start_time=time(14, 30), end_time=time(17, 30), starts_on=today, created_by=caseworker)
        slot = ReceptionSlot.objects.create(
            schedule=schedule, region=region, level=3, leader=leader, title=f"接访{i}", place="县信访接待中心",
            starts_at=now + timedelta(days=i + 1), ends_at=now + timedelta(days=i + 1, hours=3),
            created_by=caseworker)
        appointment = Appointment.objects.create(slot=slot, petitioner=case.lead_petitioner, case=case, topic="欠薪",
                                                 booked_by=caseworker)
        Reception.objects.create(leader=leader, level=3, slot=slot, appointment=appointment, region=region,
                                 received_at=now, place="县信访接待中心", petitioner=case.lead_petitioner,
                                 raised="欠薪", decided="督促支付", case=case, recorded_by=caseworker)
        visit = FieldVisit.objects.create(kind="down", region=county.villages[i % len(county.villages)], visited_at=now,
                                          petitioner=case.lead_petitioner, summary="走访", recorded_by=caseworker)
        ReturnVisit.objects.create(case=case, deadline=deadline, assignee=caseworker, field_visit=visit,
                                   done_by=caseworker)
        Meeting.objects.create(region=region, kind="dispatch", title=f"调度会{i}", held_at=now, chair=leader,
                               decisions="按期化解", recorded_by=caseworker)
        dossier = Dossier.objects.create(case=case, source="designated", opened_at=now, opened_by=leader)
        Measure.objects.create(dossier=dossier, owner=unit_officer, action="督促支付", due_on=today,
                               deadline=deadline, created_by=caseworker)
        Escalation.objects.create(dossier=dossier, to_region=county.city, reason="难以化解", requested_by=leader)
        listing = Listing.objects.create(dossier=dossier, points=10, claim_days=90, published_by=leader)
        Claim.objects.create(listing=listing, claimant=unit_officer, kind="recommended", recommended_by=unit,
                             statement="限期化解")
        entry = PointEntry.objects.create(user=unit_officer, points=5, rule="case_resolved", reason="办结", case=case)
        PointEntry.objects.create(user=unit_officer, points=-5, rule="case_resolved", reason="更正", case=case,
                                  corrects=entry)
        RankingSnapshot.objects.create(county=region, kind="day", period_start=today - timedelta(days=i),
                                       period_end=today - timedelta(days=i), scheme_version=i)
        RollupBucket.objects.create(county=region, month=date(2026, i + 1, 1), computed_at=now)
        CalendarDay.objects.create(county=region, date=date(2026, 5, i + 1), is_workday=False, name="县庆",
                                   created_by=caseworker)
        CalendarYear.objects.create(county=region, year=2030 + i, confirmed_by=caseworker)
        PersonalDataAccess.objects.create(user=caseworker, petitioner=case.lead_petitioner, fields="phone",
                                          channel="page")
        AuditEvent.objects.create(actor=caseworker, action="case.view", object_type="cases.case",
                                  object_id=str(case.pk), object_repr=case.number, region=region)
        RulesVersion.objects.create(county=region, group="visits", version=i + 1, values={"night_from_hour": 18 + i},
                                    valid_from=today, reason=f"第{i + 1}次调整", created_by=caseworker)
    return cases


@pytest.fixture
def superuser_client(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_admin_registers_the_models_an_operator_inspects_and_no_settings_or_tokens():
    labels = {model._meta.label for model in admin.site._registry}

    assert {"deadlines.RuleSet", "deadlines.Milestone", "deadlines.Deadline", "deadlines.Card",
            "deadlines.Suspension", "deadlines.Supervision", "deadlines.Notification", "visits.ReceptionSchedule",
            "visits.ReceptionSlot", "visits.Appointment", "visits.Reception", "visits.FieldVisit",
            "visits.ReturnVisit", "visits.Meeting", "dossiers.Dossier", "dossiers.Measure",
            "dossiers.Escalation", "dossiers.Listing", "dossiers.Claim", "scoring.PointEntry",
            "scoring.RankingSnapshot", "dashboards.RollupBucket", "workdays.CalendarDay",
            "workdays.CalendarYear"} <= labels
    assert not labels & {"visits.AnswerLink", "visits.CalendarFeed", "visits.VisitSettings",
                         "dossiers.BacklogSettings"}


def test_every_changelist_opens_for_a_superuser_in_a_bounded_number_of_queries(
        rows, superuser_client, django_assert_max_num_queries):
    for model, _model_admin in registered():
        with django_assert_max_num_queries(MAX_QUERIES, info=model._meta.label):
            response = superuser_client.get(url(model, "changelist"))

        assert response.status_code == 200, model._meta.label
        assert escape(capfirst(str(model._meta.verbose_name_plural))) in breadcrumbs(response), model._meta.label


def test_the_read_only_admins_offer_no_add_page(superuser_client):
    read_only = [model for model, model_admin in registered() if isinstance(model_admin, ReadOnlyAdmin)]

    assert len(read_only) > 20
    for model in read_only:
        assert superuser_client.get(url(model, "add")).status_code == 403, model._meta.label


def test_a_read_only_admin_shows_a_row_but_offers_no_way_to_change_it(rows, superuser_client):
    shown = []
    for model, model_admin in registered():
        obj = model.objects.order_by("pk").first() if isinstance(model_admin, ReadOnlyAdmin) else None
        if obj is None:
            continue
        page = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])

        response = superuser_client.get(page)

        assert response.status_code == 200, model._meta.label
        assert 'name="_save"' not in response.content.decode(), model._meta.label
        shown.append(model._meta.label)
    assert len(shown) > 20
