"""Accounts in the admin: Django's own pages, with a person's names refused when they hold a
line break, as they go into the To header of the emails a manager receives (core/one_line.py)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User

from core.one_line import MESSAGE, has_line_break


class OneLineNamesForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean() or {}
        for field in ("first_name", "last_name"):
            if has_line_break(cleaned.get(field)):
                self.add_error(field, MESSAGE)
        return cleaned


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    form = OneLineNamesForm
