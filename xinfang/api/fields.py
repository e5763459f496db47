"""Serializer fields the apps' APIs share."""

from rest_framework import serializers

from xinfang.dates import MOMENT_VALIDATORS


class MomentField(serializers.DateTimeField):
    """A date and time within 2000–2099 (xinfang.dates): year 1 or 9999, with or without an offset, is a clear 400
    on the field, never a 500 from turning it into the site's time zone."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", MOMENT_VALIDATORS)
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except (OverflowError, ValueError):
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM]")
