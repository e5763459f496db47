"""The deadlines pages: for the people who work cases (cards.py: the overdue board, red/yellow lists, suspensions,
supervision documents, notifications) and the county admin's configuration (config.py: rule sets, milestones, the
working-day calendar)."""
