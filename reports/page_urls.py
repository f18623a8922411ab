"""The reports' pages, under /reports/ (the API's are in reports/urls.py)."""

urlpatterns: list = []
