"""The reports' API addresses, under /api/ (the pages' are in reports/page_urls.py)."""

urlpatterns: list = []
