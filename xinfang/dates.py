"""The dates the product accepts from users: 2000 to 2099. Anything else is a typing slip (or a probe), and the
arithmetic on it (a day after 9999-12-31) would fail; pages, filters and the API refuse it with a clear message."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinfang.errors import invalid

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)

DATE_VALIDATORS = [
    MinValueValidator(EARLIEST, message=_("日期不能早于2000年1月1日。")),
    MaxValueValidator(LATEST, message=_("日期不能晚于2099年12月31日。")),
]


def parse_day(value: str | None, default: date) -> tuple[date, bool]:
    """A yyyy-mm-dd query parameter: (the day, whether it was valid). Missing → (default, True); malformed or out of
    range → (default, False)."""
    if not value:
        return default, True
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return default, False
    if not EARLIEST <= day <= LATEST:
        return default, False
    return day, True


def validate_moment(value) -> None:
    """A date-time field's value must fall on a day from 2000 to 2099 too."""
    if value is not None and not EARLIEST <= value.date() <= LATEST:
        raise ValidationError(_("时间应在2000年至2099年之间。"), code="out_of_range")


MOMENT_VALIDATORS = [validate_moment]


FUTURE_SLACK_MINUTES = 5  # clocks of phones and desks differ a little


def refuse_future(value, field_name: str, message) -> None:
    """A moment that has not happened yet (a visit, a reception, a review held) is refused (400)."""
    if value > timezone.now() + timedelta(minutes=FUTURE_SLACK_MINUTES):
        raise invalid(field_name, message)


def day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in local time: a period of whole days as aware datetimes."""
    return (timezone.make_aware(datetime.combine(start, time())),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time())))
