"""Forms of the ranking pages (views.py): they parse and check the input's shape; the services decide what is allowed
(who may change the county's rules) and whether the rules hold together (weights, shares adding up to 100)."""

import json

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from xinfang.dates import DATE_VALIDATORS
from xinfang.rules.forms import register_form_field
from xinfang.rules.registry import plain_number

from .choices import PeriodKind
from .rules import MAX_BANDS, threshold
from .selectors import GEOJSON_MAX_BYTES

COLOUR = RegexValidator(r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$", _("颜色须为#开头的十六进制色值，如#2e7d32。"))


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PeriodKind.choices)
    day = forms.DateField(label=_("所在日期"), required=False, validators=DATE_VALIDATORS,
                          widget=forms.DateInput(attrs={"type": "date"}), help_text=_("不填为今天所在的周期。"))


class BandsWidget(forms.MultiWidget):
    """The colour bands as a table, best first: each row a name, a colour and a threshold."""

    template_name = "scoring/widgets/bands.html"

    def __init__(self, rows: int, attrs=None):
        self.rows = rows
        widgets = []
        for _row in range(rows):
            widgets += [forms.TextInput(attrs={"maxlength": 10, "aria-label": _("名称")}),
                        forms.TextInput(attrs={"type": "color", "aria-label": _("颜色")}),
                        forms.NumberInput(attrs={"step": "any", "min": 0, "aria-label": _("比例（%）或分数线")})]
        super().__init__(widgets, attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        subs = context["widget"]["subwidgets"]
        context["widget"]["rows"] = [subs[i:i + 3] for i in range(0, len(subs), 3)]
        return context

    def decompress(self, value):
        flat = []
        for band in list(value or [])[:self.rows]:
            flat += [band.get("name"), band.get("colour"), threshold(band)]
        # A blank row's colour input still posts a value: grey, until a name or a threshold makes it a band.
        return flat + ["", "#9e9e9e", None] * (self.rows - len(flat) // 3)


class BandsField(forms.MultiValueField):
    """The colour bands: the filled rows (a name or a threshold) as a list; the rules' own check (scoring.rules)
    says whether they hold together."""

    def __init__(self, *, rows: int, initial=None, **kwargs):
        fields = []
        for _row in range(rows):
            fields += [forms.CharField(max_length=10, required=False),
                       forms.CharField(max_length=7, required=False, validators=[COLOUR]),
                       forms.DecimalField(min_value=0, max_value=1000, decimal_places=2, required=False)]
        super().__init__(fields, widget=BandsWidget(rows), required=False, require_all_fields=False, **kwargs)
        self.initial = self.widget.decompress(initial)  # the rows' inputs, flat

    def compress(self, data_list):
        bands = []
        for i in range(0, len(data_list or []), 3):
            name, colour, threshold = data_list[i:i + 3]
            if (name or "").strip() or threshold is not None:
                bands.append({"name": (name or "").strip(), "colour": (colour or "").lower(),
                              "threshold": None if threshold is None else plain_number(threshold)})
        if not bands:
            raise forms.ValidationError(_("至少要有一个色档。"), code="required")
        return bands


class GeoJSONForm(forms.Form):
    """The county's township boundaries: a GeoJSON FeatureCollection, each feature's property ``name`` or ``code``
    naming a township."""

    file = forms.FileField(label=_("乡镇边界GeoJSON文件"),
                           help_text=_("GeoJSON格式（FeatureCollection），每个区域的name或code属性为乡镇名称或区划代码，不超过5MB。"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > GEOJSON_MAX_BYTES:
            raise forms.ValidationError(_("文件不能超过5MB。"), code="too_large")
        try:
            data = json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise forms.ValidationError(_("文件不是有效的JSON。"), code="invalid_json") from None
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
                or not isinstance(data.get("features"), list) or not data["features"]:
            raise forms.ValidationError(_("文件须为含有区域的GeoJSON FeatureCollection。"), code="not_geojson")
        if any(not isinstance(f, dict) or not isinstance(f.get("geometry"), dict) for f in data["features"]):
            raise forms.ValidationError(_("每个区域都须有geometry。"), code="not_geojson")
        return data


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("更正理由"), max_length=200)


register_form_field("scoring.bands", lambda **kwargs: BandsField(rows=MAX_BANDS, **kwargs))
