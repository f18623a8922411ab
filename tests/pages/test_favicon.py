"""The site's icon: /favicon.ico answers (a browser asks for it where a page links no icon,
as the admin's pages do), and our pages and the API docs link it."""

import re

import pytest
from django.contrib.staticfiles import finders

from peerchallenge.views import FAVICON

pytestmark = pytest.mark.django_db

ICONS = re.compile(r'<link rel="icon" href="([^"]+)"')


def test_favicon_ico_is_served_as_an_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an .ico's header
    assert response.content == FAVICON.read_bytes()
    assert "max-age" in response["Cache-Control"]
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.parametrize("path", ["/sign-in/", "/api/docs/"])
def test_a_page_links_an_icon_that_exists(client, path):
    html = client.get(path).content.decode()

    linked = ICONS.findall(html)

    assert linked, html[:500]
    for href in linked:
        if href == "/favicon.ico":
            assert client.get(href).status_code == 200
        else:
            assert finders.find(href.removeprefix("/static/")), href
