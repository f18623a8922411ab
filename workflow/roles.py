"""Roles are Django groups. One place names them and answers "may this user ...?"."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from workflow.choices import SEEN_BY_PEER

MANAGER = "manager"
PEER = "peer"
PROGRAMME_LEAD = "programme lead"
ADMIN = "admin"
ALL = (MANAGER, PEER, PROGRAMME_LEAD, ADMIN)


def _groups(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return user._role_names


def can_manage(user) -> bool:
    """Managers and admins progress and edit cases."""
    return user.is_authenticated and (user.is_superuser or bool({MANAGER, ADMIN} & _groups(user)))


def is_manager(user) -> bool:
    """In the manager group: their own cases are what they work on first."""
    return MANAGER in _groups(user)


def managers() -> QuerySet:
    """The users who may manage cases (can_manage), so who may be a case's manager."""
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name__in=[MANAGER, ADMIN]))
        .distinct()
    )


def can_read_all(user) -> bool:
    """Managers, admins and programme leads (read-only) see every case."""
    return can_manage(user) or PROGRAMME_LEAD in _groups(user)


def visible_challenges(user, queryset):
    """The cases a user may see: all for staff roles, their own team's for peers."""
    if can_read_all(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(
        assignments__peer__user=user, assignments__status__in=SEEN_BY_PEER
    ).distinct()


def visible_peers(user, queryset):
    """The peers a user may see: all for staff roles, themselves for a peer."""
    if can_read_all(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(user=user)
