"""The forms of the visits pages: the schedule and receptions (schedule.py), field and return visits (field.py)."""
