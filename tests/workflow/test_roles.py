import pytest
from django.contrib.auth.models import Group

from tests.workflow.factories import UserFactory
from workflow import roles

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL)


@pytest.mark.parametrize(
    ("role", "may_change_case", "may_view_case", "may_change_register"),
    [
        (roles.MANAGER, True, True, False),
        (roles.PROGRAMME_LEAD, False, True, False),
        (roles.ADMIN, True, True, True),
        (roles.PEER, False, False, False),
    ],
)
def test_admin_site_permissions_follow_the_role(
    role, may_change_case, may_view_case, may_change_register
):
    user = UserFactory(role=role)
    assert user.has_perm("workflow.change_peerchallenge") is may_change_case
    assert user.has_perm("workflow.view_peerchallenge") is may_view_case
    assert user.has_perm("workflow.change_council") is may_change_register
    assert user.has_perm("workflow.change_caseevent") is (role == roles.ADMIN)
