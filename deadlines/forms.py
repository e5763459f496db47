"""Forms of the working-day calendar page: they parse and type the input; the services (xinfang.workdays.services)
decide what is allowed and say why in Chinese."""

from django import forms
from django.utils.translation import gettext_lazy as _

CHECK = {"class": "form-check-input"}


class CalendarDayForm(forms.Form):
    """A county's override of one date."""

    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("这一天"), choices=[("0", _("放假（休息日）")), ("1", _("上班（工作日）"))],
        coerce=lambda v: v == "1", widget=forms.RadioSelect(attrs=CHECK), initial="0")
    name = forms.CharField(label=_("说明"), max_length=50, help_text=_("如：春节、调休上班、县庆放假、台风停工"))


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
