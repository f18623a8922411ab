"""A person's private calendar feed URL (DESIGN.md §5): signed over their CalendarFeed row's id
and its nonce (core/signed_links.py), so neither the database nor a log of emails can be turned
back into a working URL. Making a new link is a new nonce: every URL given out before it stops
working at once."""

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from core.signed_links import make_token, new_nonce, nonce_matches, read_token
from workflow.models import CalendarFeed

PURPOSE = "calendar-feed"


def feed_of(user: AbstractBaseUser) -> CalendarFeed:
    """The user's feed, made on first asking."""
    return CalendarFeed.objects.get_or_create(user_id=user.pk)[0]


def feed_path(feed: CalendarFeed) -> str:
    return reverse("calendar-feed", kwargs={"token": make_token(PURPOSE, feed.pk, feed.nonce)})


def feed_renew(*, feed: CalendarFeed) -> CalendarFeed:
    """A new link in place of the old, which stops working."""
    feed.nonce = new_nonce()
    CalendarFeed.objects.filter(pk=feed.pk).update(nonce=feed.nonce, revoked_at=None)
    return feed


def open_feed(token: str) -> CalendarFeed | None:
    """The live feed a URL was made for, or None (bad, tampered or replaced: never which)."""
    found = read_token(PURPOSE, token)
    if found is None:
        return None
    pk, nonce = found
    feed = CalendarFeed.objects.select_related("user").filter(pk=pk).first()
    if (
        feed is None
        or feed.revoked_at is not None
        or not feed.user.is_active
        or not nonce_matches(feed.nonce, nonce)
    ):
        return None
    return feed
