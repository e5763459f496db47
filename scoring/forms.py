"""Forms of the ranking pages (views.py): they parse and check the input's shape; the services decide what is allowed
(who may change the county's rules) and whether the rules hold together (weights, shares adding up to 100)."""

import json
import re
from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from cases.choices import UpperSource
from xinfang.dates import DATE_VALIDATORS

from .choices import BandMode, Module, NoDataRule, PeriodKind, PointEvent
from .selectors import GEOJSON_MAX_BYTES

COLOUR = RegexValidator(r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$", _("颜色须为#开头的十六进制色值，如#2e7d32。"))
SEPARATORS = re.compile(r"[,，、\s]+")


def plain_number(value: Decimal) -> int | float:
    """A number as the scheme stores it in JSON: 20, not 20.0 or "20"."""
    return int(value) if value == value.to_integral_value() else float(value)


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PeriodKind.choices)
    day = forms.DateField(label=_("所在日期"), required=False, validators=DATE_VALIDATORS,
                          widget=forms.DateInput(attrs={"type": "date"}), help_text=_("不填为今天所在的周期。"))


class SchemeForm(forms.Form):
    """The petition index's rules: a weight per module, the rank-to-score table, the band mode and the main fields.
    The bands are a formset beside it (BandFormSet)."""

    rank_scores = forms.CharField(label=_("排名赋分表"), max_length=1000,
                                  help_text=_("按名次依次填写得分，用逗号分隔，如“100,98,96”；超出表长的名次得最后一项的分数。"))
    band_mode = forms.ChoiceField(label=_("分色方式"), choices=BandMode.choices)
    no_data_rule = forms.ChoiceField(
        label=_("无数据模块"), choices=NoDataRule.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_("比率类模块本期无可统计的事项（如无初信初访、无满意度评价）时显示“无数据”；各模块均无数据的单位不排名、不着色。"))
    main_categories = forms.ModelMultipleChoiceField(label=_("三大领域类别"), queryset=None, required=False,
                                                     widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        for module, label in reversed(Module.choices):
            self.fields = {f"weight_{module}": forms.DecimalField(
                label=_("%(module)s权重") % {"module": label}, min_value=0, max_value=1000, decimal_places=2),
                **self.fields}
        self.fields["main_categories"].queryset = categories

    @staticmethod
    def initial_from(scheme) -> dict:
        return {**{f"weight_{m}": scheme.weights.get(m, 0) for m in Module.values},
                "rank_scores": ",".join(str(s) for s in scheme.rank_scores), "band_mode": scheme.band_mode,
                "no_data_rule": scheme.no_data_rule, "main_categories": [c.pk for c in scheme.main_categories.all()]}

    def weight_fields(self):
        return [self[f"weight_{m}"] for m in Module.values]

    def clean_rank_scores(self):
        parts = [p for p in SEPARATORS.split(self.cleaned_data["rank_scores"].strip()) if p]
        try:
            scores = [Decimal(p) for p in parts]
        except ArithmeticError:
            raise forms.ValidationError(_("排名赋分表须为用逗号分隔的数字。"), code="invalid") from None
        if not scores or any(not s.is_finite() or s < 0 or s > 1000 for s in scores):
            raise forms.ValidationError(_("排名赋分表须为0至1000之间的分数，用逗号分隔。"), code="invalid")
        return [plain_number(s) for s in scores]

    def service_arguments(self) -> dict:
        """The cleaned data as ``services.scheme_update`` takes it (without the bands)."""
        data = self.cleaned_data
        return {"weights": {m: plain_number(data[f"weight_{m}"]) for m in Module.values},
                "rank_scores": data["rank_scores"], "band_mode": data["band_mode"],
                "no_data_rule": data["no_data_rule"], "main_categories": list(data["main_categories"])}


class BandForm(forms.Form):
    """One colour band, best first: its name, colour and either the share of units (%) or the minimum index."""

    name = forms.CharField(label=_("名称"), max_length=10)
    colour = forms.CharField(label=_("颜色"), max_length=7, validators=[COLOUR], initial="#9e9e9e",
                             widget=forms.TextInput(attrs={"type": "color"}))
    threshold = forms.DecimalField(label=_("比例（%）或分数线"), min_value=0, max_value=1000, decimal_places=2)

    def has_changed(self):
        # A row counts when it has a name or a threshold: a colour input always posts a value, and clearing a row
        # is how a band is removed.
        return any(str(self.data.get(self.add_prefix(name), "")).strip() for name in ("name", "threshold"))


class BaseBandFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        return super()._construct_form(i, empty_permitted=True, **kwargs)  # any row may be left blank

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]:
            raise forms.ValidationError(_("至少要有一个色档。"), code="required")

    def bands(self, band_mode: str) -> list[dict]:
        """The filled rows as the scheme stores them."""
        key = "min_score" if band_mode == BandMode.SCORE else "share"
        return [{"name": f.cleaned_data["name"], "colour": f.cleaned_data["colour"].lower(),
                 key: plain_number(f.cleaned_data["threshold"])} for f in self.forms if f.cleaned_data]


BandFormSet = forms.formset_factory(BandForm, formset=BaseBandFormSet, extra=2, max_num=10, validate_max=True)


def band_initial(scheme) -> list[dict]:
    return [{"name": b["name"], "colour": b["colour"], "threshold": b.get("min_score", b.get("share"))}
            for b in scheme.bands]


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


class PointSchemeForm(forms.Form):
    """The county's point rules: base points per event, and the factors (category, difficulty, source level)."""

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in PointEvent.choices:
            self.fields[f"points_{code}"] = forms.IntegerField(label=label, min_value=-1000, max_value=1000)
        for key, label in (("backlog", _("信访积案")), ("collective", _("集体访"))):
            self.fields[f"difficulty_{key}"] = forms.DecimalField(label=label, min_value=0, max_value=10,
                                                                  decimal_places=2, required=False)
        for code, label in UpperSource.choices:
            self.fields[f"source_{code}"] = forms.DecimalField(label=label, min_value=0, max_value=10,
                                                               decimal_places=2, required=False)
        for category in categories:
            self.fields[f"category_{category.pk}"] = forms.DecimalField(label=category.name, min_value=0,
                                                                        max_value=10, decimal_places=2,
                                                                        required=False)

    @staticmethod
    def initial_from(scheme) -> dict:
        initial = {f"points_{code}": scheme.points.get(code, 0) for code in PointEvent.values}
        initial.update({f"difficulty_{k}": v for k, v in scheme.difficulty_factors.items()})
        initial.update({f"source_{k}": v for k, v in scheme.source_factors.items()})
        initial.update({f"category_{k}": v for k, v in scheme.category_factors.items()})
        return initial

    def to_kwargs(self) -> dict:
        d = self.cleaned_data

        def picked(prefix):
            return {name[len(prefix):]: float(value) for name, value in d.items()
                    if name.startswith(prefix) and value is not None}

        return {"points": {name[len("points_"):]: value for name, value in d.items() if name.startswith("points_")},
                "difficulty_factors": picked("difficulty_"), "source_factors": picked("source_"),
                "category_factors": picked("category_")}


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("更正理由"), max_length=200)
