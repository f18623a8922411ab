"""DRF's HTML pages for the API (the browsable API), under the site's Content-Security-Policy."""

from csp.constants import UNSAFE_INLINE
from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's templates style their pages with a <style> and style attributes throughout (its
    forms, filters, buttons): on its pages, and only there, inline styles are allowed. Scripts
    stay our origin's only (DRF's are files)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        html = super().render(data, accepted_media_type, renderer_context)
        # What django-csp's csp_update decorator sets on a view's response (a renderer is not
        # a view): added to the site's style-src for this response.
        renderer_context["response"]._csp_update = {"style-src": [UNSAFE_INLINE]}
        return html
