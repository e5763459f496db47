"""Writes of the visits app: schedules and slots, appointments, receptions, field visits, return visits and the
petitioner's one-time answer link, meetings, duty rules and their reminders, and the leaders' calendar feeds.

Each service checks who may act, validates its input before it writes anything, and changes the data in one
transaction; what concerns a case is written on the case's timeline in that same transaction.

One module per subdomain; this package re-exports their public names, so callers keep writing
``from visits import services as vs; vs.reception_record(...)``:

- ``schedule``: recurring reception rules, their expansion into dated slots, one-off slots, 集中接访 campaigns;
- ``appointments``: bookings into slots (约访), their cancellation and no-show;
- ``receptions``: a leader's reception (领导接访), which opens or links a case;
- ``field_visits``: field and night visits (走访, 夜访);
- ``return_visits``: return visits (回访) and the petitioner's one-time answer link;
- ``meetings``: meetings on petition work (调度会 …);
- ``duty``: the duty rules' reminders (the rules are county settings, visits.rules);
- ``calendar_feeds``: a leader's private ICS address;
- ``_common``: what several of them share (the county of a region, the county's visit settings, night hours).

The submodules import ``_common`` and, one way only, ``appointments`` (a cancelled slot and a reception change a
booking through it); none imports this package.
"""

from ._common import is_night, visit_settings_for
from .appointments import appointment_book, appointment_cancel, appointment_no_show
from .calendar_feeds import calendar_feed_token
from .duty import duty_reminders
from .field_visits import FieldVisitInput, field_visit_record
from .meetings import MeetingInput, meeting_record
from .receptions import ReceptionInput, reception_record
from .return_visits import (
    ANSWER_REFUSALS,
    answer_link_claim,
    answer_link_create,
    answer_link_find,
    answer_link_state,
    answer_sms_send,
    answer_url,
    return_visit_assign,
    return_visit_cancel,
    return_visit_evaluated,
    return_visit_record,
    return_visit_schedule,
)
from .schedule import (
    ScheduleInput,
    SlotInput,
    campaign_create,
    schedule_create,
    schedule_dates,
    schedule_deactivate,
    schedule_expand,
    schedule_slot,
    schedules_extend,
    slot_cancel,
    slot_create,
)

__all__ = [
    "ANSWER_REFUSALS", "FieldVisitInput", "MeetingInput", "ReceptionInput",
    "ScheduleInput", "SlotInput", "answer_link_claim", "answer_link_create", "answer_link_find", "answer_link_state",
    "answer_sms_send", "answer_url", "appointment_book", "appointment_cancel", "appointment_no_show",
    "calendar_feed_token", "campaign_create", "duty_reminders", "field_visit_record", "is_night", "meeting_record",
    "reception_record", "return_visit_assign",
    "return_visit_cancel", "return_visit_evaluated", "return_visit_record", "return_visit_schedule",
    "schedule_create", "schedule_dates", "schedule_deactivate", "schedule_expand", "schedule_slot",
    "schedules_extend", "slot_cancel", "slot_create", "visit_settings_for",
]
