"""Choices of the dashboards app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """What a rollup row breaks the cases down by (besides county, month and township)."""

    CHANNEL = "channel", _("信访形式")
    CATEGORY = "category", _("信访类别")
    UNIT = "unit", _("主办单位")
