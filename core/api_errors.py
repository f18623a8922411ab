"""One mapping from domain errors to HTTP: 400 for bad input, 409 for refused transitions and
lost races. Everything else falls through to DRF's own handler."""

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import InvalidInput, Refused

TOO_BIG = "The request body is too large, or has too many fields or files."


def exception_handler(exc, context):
    if isinstance(exc, Refused):
        return Response({"detail": "refused", "unmet": exc.unmet}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ConcurrentTransition):
        return Response(
            {
                "detail": "the case was changed by someone else; reload and try again",
                "unmet": ["the case changed since it was loaded"],
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": str(exc), "unmet": [str(exc)]}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        # Django raises these while the body is read (DATA_UPLOAD_MAX_MEMORY_SIZE and friends);
        # DRF leaves them to Django's HTML 400 page. Under /api/ the answer is JSON.
        return Response({"detail": TOO_BIG}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, InvalidInput):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        return Response(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)
