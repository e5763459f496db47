"""Small template helpers shared by every page."""

from django import forms, template

from xinfang.org.choices import Role

register = template.Library()


@register.filter
def bs(field):
    """Render a form field with Bootstrap's class for its widget."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return field
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select form-select-sm"
    else:
        css = "form-control form-control-sm"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def role_label(code: str) -> str:
    """The label of a role code (a group name), e.g. caseworker → 信访干部."""
    return Role(code).label if code in Role.values else code
