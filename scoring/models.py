"""Models of scoring: filled by later issues."""
