"""PLACEHOLDER: the visits API routes (to be written)."""

urlpatterns = []
