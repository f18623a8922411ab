"""Writing a council's coverage note (why it has not had a corporate peer challenge, or not
lately): the one path the page and the admin-free API share, with its rules said once."""

import logging

from django.db import transaction

from core.errors import InvalidInput
from reports.models import CoverageNote
from workflow.models import Council

logger = logging.getLogger(__name__)
MAX_REASON = 2000  # CoverageNote.reason's max_length


def coverage_note_save(*, council: Council, reason: str, actor) -> CoverageNote:
    """Record `reason` for `council` (replacing any earlier one). InvalidInput for an empty
    or overlong reason, or a council that cannot host a challenge."""
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Enter the reason"]
    elif len(reason) > MAX_REASON:
        errors["reason"] = [f"must be at most {MAX_REASON:,} characters (it has {len(reason):,})"]
    if not council.is_active_english_council:
        errors["council"] = [f"{council} is not a current English council"]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        note, _ = CoverageNote.objects.select_for_update().update_or_create(
            council=council, defaults={"reason": reason, "updated_by": actor}
        )
    logger.info("coverage note for %s recorded by %s", council.code, actor)
    return note
