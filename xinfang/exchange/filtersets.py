"""The message list's filters (the page's; the API will share it)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import MessageChannel, MessageState
from .models import Message


class MessageFilterSet(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(label=_("渠道"), choices=MessageChannel.choices, empty_label=_("全部"))
    state = django_filters.ChoiceFilter(label=_("状态"), choices=MessageState.choices, empty_label=_("全部"))

    class Meta:
        model = Message
        fields = ["channel", "state"]
