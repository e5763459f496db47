"""PLACEHOLDER: the dossiers API routes (to be written)."""

urlpatterns = []
