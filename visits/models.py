"""Models of visits: filled by later issues."""
