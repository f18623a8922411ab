"""Who can make which of the offered dates: the manager's view of the date poll. Three queries
whatever the size of the team (options, places, answers), plus one per option for its clashes
(at most four)."""

from dataclasses import dataclass, field

from workflow.availability_services import polled_places
from workflow.date_checks import date_clashes
from workflow.models import Assignment, Availability, AvailabilityAnswer, DateOption, PeerChallenge


@dataclass
class Column:
    option: DateOption
    warnings: list[str]
    counts: dict[str, int] = field(default_factory=dict)  # by answer; "" for no answer yet

    def count(self, answer: str) -> int:
        return self.counts.get(answer, 0)

    @property
    def yes(self) -> int:
        return self.count(Availability.YES)

    @property
    def if_need_be(self) -> int:
        return self.count(Availability.IF_NEED_BE)

    @property
    def no(self) -> int:
        return self.count(Availability.NO)

    @property
    def unanswered(self) -> int:
        return self.count("")


@dataclass
class Row:
    place: Assignment
    answers: list[str]  # per column: an Availability value, or "" for no answer yet

    def cells(self) -> list[tuple[str, str]]:
        """(answer, its words) per column."""
        return [(a, Availability(a).label if a else "No answer yet") for a in self.answers]


def poll_grid(challenge: PeerChallenge) -> tuple[list[Column], list[Row]]:
    columns = [
        Column(option=o, warnings=date_clashes(challenge.host, o.start, o.end))
        for o in challenge.date_options.all()
    ]
    places = list(polled_places(challenge))
    given = {
        (a.assignment_id, a.option_id): a.answer
        for a in AvailabilityAnswer.objects.filter(
            option__challenge=challenge, assignment__in=places
        )
    }
    rows = [Row(p, [given.get((p.pk, c.option.pk), "") for c in columns]) for p in places]
    for index, column in enumerate(columns):
        for row in rows:
            answer = row.answers[index]
            column.counts[answer] = column.counts.get(answer, 0) + 1
    return columns, rows
