"""Models of cases: filled by later issues."""
