"""The red/yellow card rule is written once (xinfang.clocks). Its three forms — the pure function a page reads, the
queryset condition of the lists and dashboards, and the SQL of the sweep — agree on a table of clocks, and so do
the case's card (its earliest dates) and the case list's card filter."""

import itertools
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection

import workflow
from cases.filtersets import CaseFilterSet
from cases.models import Case
from dashboards.measures import _overdue
from deadlines import services as ds
from deadlines.models import Card, Deadline
from deadlines.selectors import deadline_state
from xinfang.clocks import CARD_STATES, STATE_CODES, case_card, clock_state, state_q, state_sql

from .conftest import at

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)  # a Monday
D = timedelta(days=1)

# name: (warn_on, due_on, red2_on, suspended_since, met, met_late, stopped) → the state worked out by hand
CLOCKS = {
    "before warning": ((TODAY + 2 * D, TODAY + 5 * D, None, None, False, False, False), "running"),
    "warning starts today": ((TODAY, TODAY + 3 * D, None, None, False, False, False), "yellow"),
    "in warning": ((TODAY - 2 * D, TODAY + 1 * D, TODAY + 20 * D, None, False, False, False), "yellow"),
    "due today": ((TODAY - 3 * D, TODAY, None, None, False, False, False), "yellow"),
    "overdue since yesterday": ((TODAY - 4 * D, TODAY - D, TODAY + 15 * D, None, False, False, False), "red"),
    "overdue, second red today": ((TODAY - 30 * D, TODAY - 20 * D, TODAY, None, False, False, False), "red"),
    "second tier": ((TODAY - 40 * D, TODAY - 30 * D, TODAY - D, None, False, False, False), "red2"),
    "overdue but suspended": ((TODAY - 4 * D, TODAY - D, None, TODAY - 2 * D, False, False, False), "suspended"),
    "in warning, suspended": ((TODAY - 1 * D, TODAY + 1 * D, None, TODAY, False, False, False), "suspended"),
    "met late": ((TODAY - 9 * D, TODAY - 5 * D, None, None, True, True, False), "met_late"),
    "met on time": ((TODAY - 2 * D, TODAY + 2 * D, None, None, True, False, False), "met"),
    "met on time, its dates long past": ((TODAY - 40 * D, TODAY - 30 * D, TODAY - 9 * D, None, True, False, False),
                                         "met"),
    "stopped while overdue": ((TODAY - 9 * D, TODAY - 5 * D, None, None, False, False, True), "stopped"),
}


@pytest.fixture
def clocks(register):
    """One case per row of the table, its first clock set to the row's dates (the other clocks met)."""
    made = {}
    for name, ((warn, due, red2, suspended, met, late, stopped), _state) in CLOCKS.items():
        case = register()
        clock, *others = list(case.deadlines.order_by("id"))
        Deadline.objects.filter(pk__in=[o.pk for o in others]).update(met_at=at("2026-11-01"))
        moment = at((TODAY - 3 * D).isoformat())
        Deadline.objects.filter(pk=clock.pk).update(
            warn_on=warn, due_on=due, red2_on=red2, suspended_since=suspended, escalate_on=TODAY + 60 * D,
            met_at=moment if met else None, met_late=late, stopped_at=moment if stopped else None)
        ds.refresh_case_due([case.pk])
        made[name] = Deadline.objects.get(pk=clock.pk)
    return made


def test_the_rule_gives_each_clock_the_state_worked_out_by_hand(clocks):
    for name, (_dates, expected) in CLOCKS.items():
        assert clock_state(clocks[name], TODAY) == expected, name
        assert deadline_state(clocks[name], TODAY) == expected, name


def test_the_queryset_and_the_sql_forms_agree_with_the_function_for_every_set_of_states(clocks):
    ids = [c.pk for c in clocks.values()]
    expected = {c.pk: clock_state(c, TODAY) for c in clocks.values()}
    # every combination of states, so no simplification of the generated conditions can go wrong unseen
    for n in range(1, len(STATE_CODES) + 1):
        for states in itertools.combinations(STATE_CODES, n):
            want = {pk for pk, state in expected.items() if state in states}
            by_q = set(Deadline.objects.filter(state_q(states, TODAY), pk__in=ids).values_list("pk", flat=True))
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT d.id FROM deadlines_deadline d WHERE ({state_sql(states, 'd', Deadline)})"  # noqa: S608
                               f" AND d.id IN ({', '.join(str(i) for i in ids)})", {"today": TODAY})
                by_sql = {row[0] for row in cursor.fetchall()}
            assert by_q == want, states
            assert by_sql == want, states


def test_the_sweep_raises_exactly_the_cards_the_rule_names(clocks):
    with time_machine.travel(at(TODAY.isoformat()), tick=False):
        workflow.sweep()
    raised = dict(Card.objects.filter(cleared_at__isnull=True, deadline__in=clocks.values())
                  .values_list("deadline_id", "colour"))
    assert raised == {c.pk: clock_state(c, TODAY) for c in clocks.values() if clock_state(c, TODAY) in CARD_STATES}
    assert raised[clocks["second tier"].pk] == "red2"
    assert raised[clocks["due today"].pk] == "yellow"


def test_the_sweep_clears_a_card_once_the_rule_no_longer_names_it(clocks):
    with time_machine.travel(at(TODAY.isoformat()), tick=False):
        workflow.sweep()
    overdue = clocks["overdue since yesterday"]
    Deadline.objects.filter(pk=overdue.pk).update(suspended_since=TODAY)
    with time_machine.travel(at(TODAY.isoformat(), 11), tick=False):
        workflow.sweep()
    card = Card.objects.get(deadline=overdue, colour="red")
    assert card.cleared_at is not None and card.clear_reason == "suspended"


def test_a_case_card_and_the_case_list_filter_agree_with_the_rule(clocks, caseworker):
    cases = list(Case.objects.filter(deadlines__in=clocks.values()).distinct())
    with time_machine.travel(at(TODAY.isoformat()), tick=False):
        for value, colours in {"red": {"red"}, "yellow": {"yellow"}, "any": {"red", "yellow"}}.items():
            listed = set(CaseFilterSet({"card": value}, queryset=Case.objects.filter(pk__in=[c.pk for c in cases]))
                         .qs.values_list("pk", flat=True))
            assert listed == {c.pk for c in cases if case_card(c, TODAY) in colours}, value
    by_name = {name: Case.objects.get(deadlines=clock) for name, clock in clocks.items()}
    # a case shows the card of its earliest running clock; red2 is red on the case
    assert by_name["second tier"].card_colour(TODAY) == "red"
    assert by_name["due today"].card_colour(TODAY) == "yellow"
    assert by_name["overdue but suspended"].card_colour(TODAY) == ""
    assert by_name["met late"].card_colour(TODAY) == ""


def test_the_dashboards_count_as_overdue_the_clocks_the_rule_calls_red(clocks):
    # the only clock of each case not met is the table's: a case is overdue for its event exactly when it is red
    for event in {c.milestone.end_event for c in clocks.values()}:
        overdue = set(Case.objects.filter(_overdue(event, TODAY), deadlines__in=clocks.values())
                      .values_list("pk", flat=True))
        assert overdue == {c.case_id for c in clocks.values()
                           if c.milestone.end_event == event and clock_state(c, TODAY) in ("red", "red2")}, event
    assert any(clock_state(c, TODAY) == "red2" for c in clocks.values())
