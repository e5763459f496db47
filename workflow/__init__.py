"""The workflow layer: each step of the petition workflow that touches more than one app, written out as its story.

The domain apps below (cases, deadlines, visits, dossiers, scoring, dashboards) each own their tables and services
and know nothing of the apps above them. What a step means across them is here, in one function per step, in one
transaction: a reply starts the return-visit clock and schedules the return visit; a closure stops the clocks and
writes the replier's points; a repeat petition reopens its backlog dossier and charges its leaders; a red card
costs its leader points. Pages, the API, Celery tasks and management commands call these functions for such a
step, and the apps' own services for a step that stays inside one app (docs/architecture.md).
"""

from .calendar import calendar_day_delete, calendar_day_set, calendar_year_confirm, calendar_year_load
from .case_file import allowed_actions, case_file
from .cases import (
    assignment_report,
    case_accept,
    case_assign,
    case_close,
    case_decide_appeal,
    case_divert,
    case_evaluate,
    case_feedback,
    case_forward,
    case_handoff,
    case_meet,
    case_not_accept,
    case_register,
    case_reply,
    case_request_appeal,
    case_return,
    extension_decide,
)
from .dossiers import dossier_close
from .sweep import sweep
from .visits import answer_link_submit, reception_record, return_visit_record

__all__ = [
    "allowed_actions", "answer_link_submit", "assignment_report", "calendar_day_delete", "calendar_day_set",
    "calendar_year_confirm", "calendar_year_load", "case_accept", "case_assign", "case_close", "case_decide_appeal",
    "case_divert",
    "case_evaluate", "case_feedback", "case_file", "case_forward", "case_meet", "case_not_accept",
    "case_handoff", "case_register",
    "case_reply", "case_request_appeal", "case_return", "dossier_close", "extension_decide", "reception_record",
    "return_visit_record", "sweep",
]
