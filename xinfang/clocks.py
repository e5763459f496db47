"""The card rule, written once: a clock's state as a pure function of its stored dates and today.

A clock (deadlines.models.Deadline) is in exactly one state on a given day, the first of ``STATES`` whose
conditions all hold:

    met_late   met, after its due date          met       met on time
    stopped    stopped by the workflow          suspended suspended (中止计时): no card while it lasts
    red2       past its second-red date         red       past its due date
    yellow     its warning date has come        running   none of these yet

Every card state needs the warning date to have come. The dates are always in the order warn_on ≤ due_on ≤ red2_on
(deadlines.services.compute_dates), so this changes nothing about which clocks are late. It does let PostgreSQL read
the sweep's partial index of running clocks by warn date.

A case stores the earliest due and warn dates of its running, unsuspended clocks (Case.due_on / warn_on). The
same rule over those two fields alone gives the case's card: red when its earliest clock is overdue, yellow when
one is in its warning window. The fields a case lacks (met_at, red2_on, …) count as never set.

Every reader takes its form of the rule from here, so none can drift from the others:
- ``clock_state(row, today)`` for a page, a serializer or a template (deadline_state, Case.card_colour);
- ``state_q(states, today)`` for a queryset (the case list's card filter, the dashboards' "overdue" clocks);
- ``state_sql(states, alias, model)`` for raw SQL with a ``%(today)s`` parameter (the sweep).
tests/deadlines/test_card_rule.py runs all three over a table of clocks and finds them equal.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Q


@dataclass(frozen=True)
class Condition:
    """One condition on one stored field: ``set`` (not null), ``true`` (a flag), ``before`` (the date is earlier
    than today) or ``reached`` (the date is today or earlier). A null date is neither before nor reached."""

    field: str
    op: str

    def holds(self, row, today: date, fields: Sequence[str] | None = None) -> bool:
        if fields is not None and self.field not in fields:
            return False
        value = getattr(row, self.field)
        if self.op == "set":
            return value is not None
        if self.op == "true":
            return bool(value)
        if value is None:
            return False
        return value < today if self.op == "before" else value <= today

    def q(self, today: date, prefix: str) -> Q:
        name = prefix + self.field
        return {"set": Q(**{f"{name}__isnull": False}), "true": Q(**{name: True}),
                "before": Q(**{f"{name}__lt": today}), "reached": Q(**{f"{name}__lte": today})}[self.op]

    def sql(self, alias: str, model, negated: bool = False) -> str:
        """The condition (or its negation) as SQL that is never NULL, with today as ``%(today)s``."""
        field = model._meta.get_field(self.field)
        column = f"{alias}.{field.column}"
        if self.op == "set":
            return f"{column} IS NULL" if negated else f"{column} IS NOT NULL"
        if self.op == "true":
            return f"NOT {column}" if negated else f"{column}"
        if negated:
            compare = f"{column} >= %(today)s" if self.op == "before" else f"{column} > %(today)s"
            return f"({column} IS NULL OR {compare})" if field.null else compare
        compare = f"{column} < %(today)s" if self.op == "before" else f"{column} <= %(today)s"
        return f"({column} IS NOT NULL AND {compare})" if field.null else compare


def _set(field):
    return Condition(field, "set")


# The states in order: a clock is in the first whose conditions all hold.
STATES: list[tuple[str, tuple[Condition, ...]]] = [
    ("met_late", (_set("met_at"), Condition("met_late", "true"))),
    ("met", (_set("met_at"),)),
    ("stopped", (_set("stopped_at"),)),
    ("suspended", (_set("suspended_since"),)),
    ("red2", (Condition("warn_on", "reached"), Condition("red2_on", "before"))),
    ("red", (Condition("warn_on", "reached"), Condition("due_on", "before"))),
    ("yellow", (Condition("warn_on", "reached"),)),
    ("running", ()),
]
STATE_CODES = [code for code, _conditions in STATES]
_CONDITIONS = dict(STATES)
# The states that are cards, most serious first, and the card colour each shows as (deadlines.choices.CardColour).
CARD_STATES = ("red2", "red", "yellow")
# What a case's stored dates can tell (cases.models.Case.due_on / warn_on): its earliest running clock.
CASE_FIELDS = ("warn_on", "due_on")


def clock_state(row, today: date, fields: Sequence[str] | None = None) -> str:
    """The state of ``row`` (a Deadline, or a Case with ``fields=CASE_FIELDS``) on ``today``."""
    for code, conditions in STATES:
        if all(c.holds(row, today, fields) for c in conditions):
            return code
    raise AssertionError("the last state has no conditions")  # pragma: no cover


def case_card(row, today: date) -> str:
    """A case's card from its stored earliest dates: 'red', 'yellow' or ''."""
    state = clock_state(row, today, CASE_FIELDS)
    return {"red2": "red", "red": "red", "yellow": "yellow"}.get(state, "")


def _possible(code: str, fields: Sequence[str] | None) -> bool:
    return fields is None or all(c.field in fields for c in _CONDITIONS[code])


def _terms(states: Iterable[str], fields: Sequence[str] | None) -> list[tuple[tuple[Condition, ...], list]]:
    """Each wanted state as (its conditions, the conditions of each earlier state to negate), simplified:
    - a state that needs a field the row lacks can hold for no row, and its negation holds for every row;
    - a run of consecutive states whose last one's conditions are in each of them is that last state's conditions
      and none of the states before the run (red2, red and yellow together: "warning date reached, and neither
      met, stopped nor suspended"), and a run that ends with the last state, which has no conditions, is "none of
      the states before the run" (running: neither met nor stopped);
    - an earlier state's conditions that the wanted state requires anyway drop out of its negation;
    - a negation implied by another one is dropped (not met implies not met late)."""
    wanted = [c for c in STATE_CODES if c in set(states) and _possible(c, fields)]
    tail: list[str] = []  # the wanted states at the end of the order, down to the catch-all
    for code in reversed(STATE_CODES):
        if code not in wanted and _possible(code, fields):
            break
        if code in wanted:
            tail.insert(0, code)
    rest, runs = wanted[:len(wanted) - len(tail)], []
    while rest:
        # the longest run from rest[0] of states next to each other whose last one's conditions are in each
        length = max(n for n in range(1, len(rest) + 1)
                     if rest[:n] == STATE_CODES[STATE_CODES.index(rest[0]):STATE_CODES.index(rest[0]) + n]
                     and all(set(_CONDITIONS[rest[n - 1]]) <= set(_CONDITIONS[m]) for m in rest[:n]))
        runs.append(rest[:length])
        rest = rest[length:]
    if tail:
        runs.append(tail)
    terms = []
    for run in runs:
        own = _CONDITIONS[run[-1]]
        earlier = [set(_CONDITIONS[c]) - set(own) for c in STATE_CODES[:STATE_CODES.index(run[0])]
                   if _possible(c, fields)]
        negations = [e for e in earlier if not any(other < e for other in earlier)]
        if any(not e for e in negations):
            continue  # an earlier state's conditions all hold whenever these do: this run is empty
        terms.append((own, [sorted(e, key=lambda c: (c.field, c.op)) for e in negations]))
    return terms


def state_q(states: Iterable[str], today: date, prefix: str = "", fields: Sequence[str] | None = None) -> Q:
    """Rows (or rows reached through ``prefix``, e.g. "case__") in any of ``states`` on ``today``."""
    result = None
    for own, negations in _terms(states, fields):
        q = Q()
        for condition in own:
            q &= condition.q(today, prefix)
        for negation in negations:
            q &= ~_all(negation, today, prefix)
        result = q if result is None else result | q
    return result if result is not None else Q(pk__in=[])


def _all(conditions, today, prefix) -> Q:
    q = Q()
    for condition in conditions:
        q &= condition.q(today, prefix)
    return q


def state_sql(states: Iterable[str], alias: str, model) -> str:
    """The SQL condition that the row ``alias`` of ``model``'s table is in any of ``states``; today is the
    ``%(today)s`` parameter. Never NULL, so it may be negated or used inside CASE."""
    ors = []
    for own, negations in _terms(states, None):
        parts = [c.sql(alias, model) for c in own]
        for negation in negations:
            parts.append(negation[0].sql(alias, model, negated=True) if len(negation) == 1 else
                         "(" + " OR ".join(c.sql(alias, model, negated=True) for c in negation) + ")")
        ors.append(" AND ".join(parts) or "TRUE")
    if not ors:
        return "FALSE"
    return ors[0] if len(ors) == 1 else "(" + " OR ".join(f"({o})" for o in ors) + ")"


# The states of a clock that still runs (neither met nor stopped), suspended or not.
RUNNING_STATES = ("suspended", *CARD_STATES, "running")
# Running and counting: a suspended clock raises no card and is not overdue.
COUNTING_STATES = (*CARD_STATES, "running")
