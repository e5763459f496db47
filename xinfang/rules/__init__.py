"""A county's settings, versioned: every save is a new version with who, when, why and the day it takes effect; the
version in force on a date; a diff between versions; a rollback (a new version restoring an old one's values).

The domain apps declare their groups of settings (``<app>/rules.py``: the fields, their bounds and defaults) in the
registry here and read them through ``services.rules_for``; one page pattern (/settings/<group>/) and one API shape
(/api/v1/rules/<group>/) serve them all. See docs/architecture.md."""
