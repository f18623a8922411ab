"""The world the access matrix runs in: two cases (A, which the peers are on, and B, which no
test peer is on), every kind of user, and the ids each URL argument takes for A ("own"), for B
("other") and for nothing ("missing")."""

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client

from notifications.models import Notification
from reports.models import Finding, GoodPractice, Theme
from surveys.links import survey_path
from tests.notifications.factories import NotificationFactory
from tests.surveys.respondents import sent_invitation
from tests.workflow import factories as f
from workflow import roles
from workflow.models import Assignment, PeerChallenge, State

# Who asks. The chief executive has no account: they hold their survey's signed link, opened
# in this session before each request.
ROLES = [
    "anonymous",
    "chief executive with a survey link",
    "peer on the case",
    "peer not on the case",
    "peer who declined",
    "lead",
    "manager",
    "admin",
]
OBJECTS = ["own", "other", "missing"]
MISSING = 987654


@dataclass
class World:
    users: dict[str, User | None]
    ids: dict[str, dict[str, object]] = field(default_factory=dict)
    survey_link: str = ""

    def client(self, role: str) -> Client:
        client = Client()
        user = self.users.get(role)
        if user is not None:
            client.force_login(user)
        if role == "chief executive with a survey link":
            client.get(self.survey_link)
        return client


def _case_rows(case: PeerChallenge, peer_user: User | None) -> dict[str, object]:
    case.report_file.save("report.pdf", ContentFile(b"%PDF-1.7\n% a report\n"))
    own_place = f.place(case, peer=peer_user.peer) if peer_user else f.place(case)
    theme = Theme.objects.get(slug="partnerships")
    finding = Finding.objects.create(
        challenge=case, component=theme.component, theme=theme, polarity="strength", excerpt="x"
    )
    email = NotificationFactory(challenge=case, status=Notification.Status.FAILED)
    survey = sent_invitation(challenge=case)
    example = GoodPractice.objects.create(
        title="x", summary="x", council=case.host, challenge=case, source="manager"
    )
    return {
        "good_practice_id": example.pk,
        "pk": case.pk,
        "challenge_id": case.pk,
        "assignment_id": own_place.pk,
        "finding_id": finding.pk,
        "notification_id": email.pk,
        "survey_invitation_id": survey.pk,
        "survey": survey,
    }


def build_world() -> World:
    on, declined = f.peer_user(), f.peer_user()
    users: dict[str, User | None] = {
        "anonymous": None,
        "chief executive with a survey link": None,
        "peer on the case": on,
        "peer not on the case": f.peer_user(),
        "peer who declined": declined,
        "lead": f.programme_lead(),
        "manager": f.manager(),
        "admin": f.UserFactory(role=roles.ADMIN),
    }
    own = f.PeerChallengeFactory(state=State.REPORT_ISSUED)
    other = f.PeerChallengeFactory(state=State.REPORT_ISSUED, host=f.council("BIR"))
    world = World(users=users)
    world.ids["own"] = _case_rows(own, on)
    f.place(own, peer=declined.peer, status=Assignment.Status.DECLINED)
    world.ids["other"] = _case_rows(other, None)
    world.ids["missing"] = {key: MISSING for key in world.ids["own"]}
    world.survey_link = survey_path(world.ids["own"]["survey"])
    return world
