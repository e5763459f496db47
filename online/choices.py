"""Choices of the online petitions app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionState(models.TextChoices):
    """An online petition before and after a caseworker registers it."""

    PENDING = "pending", _("待登记")
    REGISTERED = "registered", _("已登记")
    REFUSED = "refused", _("不予登记")
    WITHDRAWN = "withdrawn", _("已撤回")
