"""Pages of the deadlines app (views.py) and the county admin's configuration pages (config_views.py)."""

from django.urls import path

from . import config_urls, views

app_name = "deadlines"

urlpatterns = [
    # Pages for everyone who works cases: the overdue board, red/yellow lists, notifications, suspensions,
    # supervision documents (deadlines/views.py).
    path("board/", views.board, name="board"),
    path("cards/", views.card_list, name="cards"),
    path("suspensions/<int:pk>/decide/", views.suspension_decide, name="suspension_decide"),
    path("suspensions/<int:pk>/end/", views.suspension_end, name="suspension_end"),
    path("supervisions/", views.supervision_list, name="supervisions"),
    path("supervisions/<int:pk>/", views.supervision_detail, name="supervision"),
    path("supervisions/<int:pk>/acknowledge/", views.supervision_acknowledge, name="supervision_ack"),
    path("supervisions/<int:pk>/respond/", views.supervision_respond, name="supervision_respond"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
] + config_urls.urlpatterns
