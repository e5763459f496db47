"""The form of a group of county settings, built from the group's fields (registry.Field), with the why and the
day it takes effect. The service checks the values again: the page and the API share its checks."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinfang.dates import DATE_VALIDATORS

from .registry import (
    BOOL,
    CHOICE,
    CHOICES,
    CUSTOM,
    DECIMAL,
    INT,
    MAPPING,
    NUMBERS,
    RECORDS,
    TEXT,
    Field,
    Group,
    plain_number,
)


class LabelledInputs(forms.MultiWidget):
    """One number input per option, each with the option's name beside it (a MAPPING's inputs)."""

    template_name = "rules/widgets/labelled_inputs.html"

    def __init__(self, options, attrs=None):
        self.keys, self.labels = [str(k) for k, _label in options], [label for _key, label in options]
        super().__init__([forms.NumberInput(attrs={"step": "any"}) for _key in self.keys], attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["labelled"] = list(zip(self.labels, context["widget"]["subwidgets"], strict=True))
        return context

    def decompress(self, value):
        return [(value or {}).get(key) for key in self.keys]


class MappingField(forms.MultiValueField):
    """A number for each of the field's options; blank ones are left out (unless every one is required)."""

    def __init__(self, f: Field, options, *, initial: dict, **kwargs):
        self.keys = [str(k) for k, _label in options]
        number = forms.IntegerField if f.of == INT else forms.DecimalField
        extra = {} if f.of == INT else {"decimal_places": f.places}
        fields = [number(min_value=f.min, max_value=f.max, required=f.complete, **extra) for _key in self.keys]
        super().__init__(fields, widget=LabelledInputs(options), required=False, require_all_fields=False,
                         initial=initial, **kwargs)

    def compress(self, data_list):
        return {key: plain_number(v) for key, v in zip(self.keys, data_list or [], strict=False) if v is not None}


class NumbersField(forms.CharField):
    """Numbers separated by commas ("100,98,96"), as a list; the service checks their bounds."""

    def __init__(self, *, initial, **kwargs):
        super().__init__(max_length=2000, **kwargs)
        self.initial = ",".join(str(v) for v in initial or [])

    def clean(self, value):
        text = super().clean(value).replace("，", ",").replace("、", ",")
        parts = [p.strip() for p in text.split(",") if p.strip()]
        try:
            numbers = [Decimal(p) for p in parts]
        except ArithmeticError:
            numbers = [Decimal("NaN")]
        # Finite and of a sane size before it becomes an int ("1e999999999" would be a billion digits).
        if any(not n.is_finite() or n.adjusted() > 9 for n in numbers):
            raise forms.ValidationError(_("请填写用逗号分隔的数字。"), code="invalid")
        return [plain_number(n) for n in numbers]


_FORM_FIELDS = {}


def register_form_field(name: str, factory) -> None:
    """An app's form field for its CUSTOM settings (``Field.formfield``): ``factory(initial=…, label=…, …)``."""
    _FORM_FIELDS[name] = factory


def form_field(f: Field, value, county_id: int | None):
    """The page's field for one setting, with the value in force as its initial value."""
    label = f"{f.label}（{f.unit}）" if f.unit and f.kind in (INT, DECIMAL, MAPPING) else f.label
    common = {"label": label, "help_text": f.help}
    # Plain Chinese beside the field, in the service's words, not the framework's.
    required = {"required": _("请填写%(label)s。") % {"label": f.label}}
    bounds = {key: _("%(label)s应在%(min)s至%(max)s之间。") % {"label": f.label, "min": f.min, "max": f.max}
              for key in ("min_value", "max_value")} if f.min is not None and f.max is not None else {}
    if f.kind == CUSTOM:
        return _FORM_FIELDS[f.formfield](initial=value, **common)
    if f.kind == CHOICES:
        return forms.MultipleChoiceField(choices=f.options(county_id), required=False, initial=value,
                                         widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                         **common)
    if f.kind == CHOICE:
        options = f.options(county_id)
        if not f.required or len(options) > 6:  # a long list, or one that may be left empty: a drop-down
            return forms.ChoiceField(choices=[("", "—"), *options] if not f.required else options, initial=value,
                                     required=f.required, **common)
        return forms.ChoiceField(choices=options, initial=value,
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}), **common)
    if f.kind == TEXT:
        return forms.CharField(max_length=f.max, required=f.required, initial=value, error_messages={
            **required, "max_length": _("%(label)s最多%(n)s个字。") % {"label": f.label, "n": f.max}}, **common)
    if f.kind == BOOL:
        return forms.BooleanField(required=False, initial=value, **common)
    if f.kind == MAPPING:
        return MappingField(f, f.options(county_id), initial=value, **common)
    if f.kind == NUMBERS:
        return NumbersField(initial=value, **common)
    if f.kind == DECIMAL:
        return forms.DecimalField(min_value=f.min, max_value=f.max, decimal_places=f.places, initial=value,
                                  error_messages={**required, **bounds, "invalid": _("请填写数字。")}, **common)
    return forms.IntegerField(min_value=f.min, max_value=f.max, initial=value, required=f.required,
                              error_messages={**required, **bounds, "invalid": _("请填写整数。")}, **common)


class RulesForm(forms.Form):
    reason = forms.CharField(label=_("修改理由"), max_length=300,
                             help_text=_("例如：县信访联席会议2026年第4次会议决定。记入版本历史和审计记录。"))
    valid_from = forms.DateField(label=_("生效日期"), required=False, validators=DATE_VALIDATORS,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("不填为今天；填以后的日期，则到那天起按新规则办理。"))
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, group: Group, values: dict, county_id: int | None = None,
                 fields: tuple[Field, ...] | None = None, **kwargs):
        """The group's settings, or ``fields`` (a record's); records themselves are edited one at a time."""
        super().__init__(*args, **kwargs)
        self.rule_fields = [f for f in (group.fields if fields is None else fields) if f.kind != RECORDS]
        rules = {f.name: form_field(f, values.get(f.name, f.default_value()), county_id) for f in self.rule_fields}
        # The group's fields first, then the why and the when.
        self.fields = {**rules, **self.fields}
        self.fields["valid_from"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.group = group
        # Full width: what lists options or rows, and the why.
        self.wide = [f.name for f in self.rule_fields if f.kind not in (INT, DECIMAL, TEXT, BOOL)] + [
            "reason", "valid_from"]

    def rule_values(self) -> dict:
        values = {}
        for f in self.rule_fields:
            value = self.cleaned_data[f.name]
            values[f.name] = plain_number(value) if f.kind == DECIMAL and value is not None else value
        return values


class ReasonForm(forms.Form):
    """Why an old version is restored, or a pending one withdrawn."""

    reason = forms.CharField(label=_("理由"), max_length=300)
