"""Pages of the deadlines app (views/cards.py) and the county admin's working-day calendar (views/config.py)."""

from django.urls import path, re_path, reverse_lazy
from django.views.generic import RedirectView

from .views import cards, config

app_name = "deadlines"

_TO_SETTINGS = RedirectView.as_view(url=reverse_lazy("rules:group", kwargs={"key": "deadlines"}))

urlpatterns = [
    # Pages for everyone who works cases: the overdue board, red/yellow lists, notifications, suspensions,
    # supervision documents (views/cards.py).
    path("board/", cards.board, name="board"),
    path("cards/", cards.card_list, name="cards"),
    path("suspensions/<int:pk>/decide/", cards.suspension_decide, name="suspension_decide"),
    path("suspensions/<int:pk>/end/", cards.suspension_end, name="suspension_end"),
    path("supervisions/", cards.supervision_list, name="supervisions"),
    path("supervisions/<int:pk>/", cards.supervision_detail, name="supervision"),
    path("supervisions/<int:pk>/acknowledge/", cards.supervision_acknowledge, name="supervision_ack"),
    path("supervisions/<int:pk>/respond/", cards.supervision_respond, name="supervision_respond"),
    path("notifications/", cards.notification_list, name="notifications"),
    path("notifications/read/", cards.notifications_read, name="notifications_read"),
    # The deadline rules are county settings (/settings/deadlines/); their old addresses lead there.
    path("rules/", _TO_SETTINGS, name="rules"),
    re_path(r"^rules/.+$", _TO_SETTINGS),
    # The county admin's working-day calendar (views/config.py).
    path("calendar/", config.calendar, name="calendar"),
    path("calendar/days/", config.calendar_day_add, name="calendar_day_add"),
    path("calendar/days/<int:pk>/delete/", config.calendar_day_delete, name="calendar_day_delete"),
    path("calendar/years/", config.calendar_year_confirm, name="calendar_year_confirm"),
    path("calendar/years/load/", config.calendar_year_load, name="calendar_year_load"),
]
