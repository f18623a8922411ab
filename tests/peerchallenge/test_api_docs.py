"""/api/docs/ works without internet: Swagger UI's scripts, styles and icon are our own static
files (drf-spectacular-sidecar), never a CDN's."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

# Every address the page could load: attributes and the strings of its inline script.
ADDRESS = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|["'](https?:)?//[^"']+["']""")


def test_the_docs_page_loads_nothing_from_another_host(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    external = re.findall(r"""(?:https?:)?//[\w.-]+""", html)
    assert external == [], f"the docs page loads from elsewhere: {external}"


def test_every_file_the_docs_page_loads_is_one_of_our_static_files(client):
    html = client.get("/api/docs/").content.decode()
    static = [
        match.group(1)
        for match in ADDRESS.finditer(html)
        if match.group(1) and match.group(1).startswith(settings.STATIC_URL)
    ]

    assert any(path.endswith("swagger-ui-bundle.js") for path in static), static
    for path in static:
        assert finders.find(path.removeprefix(settings.STATIC_URL)), f"{path} is missing"
