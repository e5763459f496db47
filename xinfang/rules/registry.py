"""The groups of county settings the apps declare. A group is a few named values with their bounds and defaults;
its versions are rows of RulesVersion. The apps register their groups when their ``rules`` module is imported
(their AppConfig.ready imports it), so this module knows no app.

The kinds of value a setting may hold:

- INT: a whole number from ``min`` to ``max`` (5天);
- DECIMAL: a number with up to ``places`` decimals from ``min`` to ``max`` (a factor of 1.5);
- CHOICE: one of ``choices``; CHOICES: a subset of them;
- MAPPING: a number (INT or DECIMAL, as ``of`` says, within ``min``..``max``) for some of ``choices`` — all of them
  when ``complete`` (base points per event, a weight per module, a factor per category);
- NUMBERS: a list of numbers within ``min``..``max``, at most ``max_items`` (the rank-to-score table);
- CUSTOM: a value of the app's own shape, checked by ``clean``, read by ``show`` and edited on the page through
  the form field the app's forms module registers under ``formfield`` (the colour bands);
- TEXT: a line of text of at most ``max`` characters; BOOL: yes or no (within a record);
- RECORDS: a list of records, each with the fields of ``row`` (any kind, RECORDS too: a rule set's milestones) and
  a key that never changes, so what was done under a record can be traced through its versions: a row field
  (``key_field``, such as a milestone's code) or, without one, a number the service gives a new record
  (``key``, never given twice). ``row_check`` returns a record's errors across its fields. Records are edited
  one at a time on the page; every change is still a version of the whole group.

In a record a field that is not ``required`` may be left empty (None, or "" for TEXT and CHOICE).

``choices`` is a callable taking the county's id (None where no county is known) and returning (value, label)
pairs: the labels follow the language, and a county's own options (its categories) are its own."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

INT, DECIMAL, CHOICE, CHOICES, MAPPING, NUMBERS, CUSTOM, TEXT, BOOL, RECORDS = (
    "int", "decimal", "choice", "choices", "mapping", "numbers", "custom", "text", "bool", "records")
KINDS = (INT, DECIMAL, CHOICE, CHOICES, MAPPING, NUMBERS, CUSTOM, TEXT, BOOL, RECORDS)
KEY = "key"  # a record's own number, when its row has no key field
EDIT = "rules.add_rulesversion"  # who changes a group's settings, unless the group names its own permission


def plain_number(value) -> int | float:
    """A number as the settings keep it in JSON: 20, not 20.0 or "20"; 1.5 as 1.5."""
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True)
class Field:
    """One setting (see the module's note for the kinds)."""

    name: str
    label: str
    default: object
    kind: str = INT
    min: int | float | None = None
    max: int | float | None = None
    unit: str = ""
    help: str = ""
    choices: Callable[[int | None], list[tuple[str, str]]] | None = None
    of: str = INT  # MAPPING: the kind of each number
    places: int = 2  # DECIMAL, and MAPPING of DECIMAL
    complete: bool = False  # MAPPING: a number for every choice
    max_items: int = 500  # NUMBERS
    clean: Callable[[object], object] | None = None  # CUSTOM: the value checked (ValueError with the message)
    show: Callable[[object], str] | None = None  # CUSTOM: the value as read
    # CUSTOM: the name of the page's form field for it, which the app's forms module registers with
    # xinfang.rules.forms.register_form_field (the domain knows no forms).
    formfield: str = ""
    required: bool = True  # within a record: False lets it be empty
    row: tuple["Field", ...] = ()  # RECORDS: the fields of each record
    key_field: str = ""  # RECORDS: the row field that is a record's key (else the numbered KEY)
    title_field: str = "name"  # RECORDS: the row field that names a record
    row_check: Callable[[dict], dict] | None = None  # RECORDS: a record's errors across its fields
    summary: Callable[[dict], str] | None = None  # RECORDS: a record in a line, where its fields one by one are long

    def default_value(self):
        """The default, fresh: a callable default is called (records named in the site's language)."""
        return self.default() if callable(self.default) else self.default

    def row_field(self, name: str) -> "Field":
        return next(f for f in self.row if f.name == name)

    def record_key(self, record: dict) -> str:
        """A record's key, as text (the page's address of it)."""
        return str(record.get(self.key_field or KEY, ""))

    def record_title(self, record: dict) -> str:
        return str(record.get(self.title_field) or self.record_key(record))

    def options(self, county_id: int | None = None) -> list[tuple[str, str]]:
        return list(self.choices(county_id)) if self.choices else []

    def _with_unit(self, value) -> str:
        if not self.unit:
            return str(value)
        # 5天 in Chinese, "5 days" in English.
        return f"{value}{self.unit}" if (get_language() or "zh").startswith("zh") else f"{value} {self.unit}"

    def labels(self, county_id: int | None = None) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.options(county_id)}

    def cached_labels(self, cache: dict, county_id: int | None = None) -> dict[str, str] | None:
        """The options' labels, read once per ``cache`` (a history of many versions, a list of many records)."""
        if self.kind not in (CHOICE, CHOICES, MAPPING):
            return None
        if id(self) not in cache:
            cache[id(self)] = self.labels(county_id)
        return cache[id(self)]

    def display(self, value, county_id: int | None = None, labels: dict | None = None) -> str:
        """The value as a person reads it: 5天, the labels of the chosen options, 信访积案 1.5、集体访 1.2.
        ``labels``: the options' labels when the caller has them already (a history reads many versions)."""
        if self.kind == CUSTOM:
            return self.show(value) if self.show else str(value)
        if self.kind in (CHOICE, CHOICES, MAPPING):
            labels = self.labels(county_id) if labels is None else labels
            if self.kind == CHOICE:
                return labels.get(value, str(value)) if value not in (None, "") else "—"
            if self.kind == CHOICES:
                return "、".join(labels.get(v, str(v)) for v in value or []) or "—"
            value = value or {}
            ordered = [k for k in labels if k in value] + [k for k in value if k not in labels]  # the options' order
            return "、".join(f"{labels.get(k, k)} {self._with_unit(value[k])}" for k in ordered) or "—"
        if self.kind == NUMBERS:
            return ", ".join(str(v) for v in value or []) or "—"
        if self.kind == BOOL:
            return str(_("是") if value else _("否"))
        if self.kind == RECORDS:
            return "、".join(self.record_title(r) for r in value or []) or "—"
        if value is None or value == "":
            return "—"
        return self._with_unit(value)

    def record_text(self, record: dict, county_id: int | None = None, labels: dict | None = None) -> str:
        """A record as a person reads it: each of its fields but the title, "label：value"; nested records by name."""
        if self.summary is not None:
            return self.summary(record)
        labels = {} if labels is None else labels
        return "；".join(f"{f.label}：{f.display(record[f.name], county_id, f.cached_labels(labels, county_id))}"
                        for f in self.row if f.name != self.title_field and f.name in record
                        and (f.required or record[f.name] not in (None, "", [])))  # an optional one left empty


@dataclass(frozen=True)
class Group:
    """A group of settings one app owns (the case workflow's, the visits', …). ``check`` returns the errors of a
    whole set of values ({field: message}) for rules across fields; ``prepare`` brings a whole set of values into
    its stored shape before the check (for fields whose shape depends on another's value); ``view_permission``
    lets more than the county's rule keepers read the group (the index rules behind a ranking everyone sees);
    whoever may change a group may read it."""

    key: str
    label: str
    fields: tuple[Field, ...]
    order: int = 100
    help: str = ""
    check: Callable[[dict], dict] | None = None
    prepare: Callable[[dict], dict] | None = None
    view_permission: str = ""
    # Who saves a new version: the county's rule keepers, unless the group is another administrator's (the password
    # and login rules are the security administrator's, 三员分立).
    edit_permission: str = EDIT
    owner: str = ""  # the app, for the page's "see also"
    extra: dict = field(default_factory=dict)

    def defaults(self) -> dict:
        return {f.name: f.default_value() for f in self.fields}

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


_GROUPS: dict[str, Group] = {}


def register(group: Group) -> Group:
    _GROUPS[group.key] = group
    return group


def groups() -> list[Group]:
    return sorted(_GROUPS.values(), key=lambda g: (g.order, g.key))


def group(key: str) -> Group | None:
    return _GROUPS.get(key)
