"""The groups of county settings the apps declare. A group is a few named values with their bounds and defaults;
its versions are rows of RulesVersion. The apps register their groups when their ``rules`` module is imported
(their AppConfig.ready imports it), so this module knows no app."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import get_language

INT, CHOICES = "int", "choices"


@dataclass(frozen=True)
class Field:
    """One setting. ``kind`` INT: a whole number from ``min`` to ``max``; CHOICES: a subset of ``choices`` (a
    callable returning (value, label) pairs, so labels follow the language)."""

    name: str
    label: str
    default: object
    kind: str = INT
    min: int | None = None
    max: int | None = None
    unit: str = ""
    help: str = ""
    choices: Callable[[], list[tuple[str, str]]] | None = None

    def display(self, value) -> str:
        """The value as a person reads it: 5天, or the labels of the chosen options."""
        if self.kind == CHOICES:
            labels = dict(self.choices())
            return "、".join(str(labels.get(v, v)) for v in value or []) or "—"
        if not self.unit:
            return str(value)
        # 5天 in Chinese, "5 days" in English.
        return f"{value}{self.unit}" if (get_language() or "zh").startswith("zh") else f"{value} {self.unit}"


@dataclass(frozen=True)
class Group:
    """A group of settings one app owns (the case workflow's, the visits', …). ``check`` returns the errors of a
    whole set of values ({field: message}) for rules across fields; ``permission`` is who may change it."""

    key: str
    label: str
    fields: tuple[Field, ...]
    order: int = 100
    help: str = ""
    check: Callable[[dict], dict] | None = None
    owner: str = ""  # the app, for the page's "see also"
    extra: dict = field(default_factory=dict)

    def defaults(self) -> dict:
        return {f.name: f.default for f in self.fields}

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
