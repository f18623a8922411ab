"""What the reports' GET endpoints share: who may read them, and the case filters (region,
type, manager, financial year; a bad or unknown parameter is a 400 naming it)."""

from django.db.models import QuerySet
from rest_framework import generics
from rest_framework.permissions import BasePermission, IsAuthenticated

from reports.case_filters import ReportApiFilter
from workflow import roles
from workflow.models import PeerChallenge


class ReadsEveryCase(BasePermission):
    message = "only managers, admins and programme leads may read the programme's reports"

    def has_permission(self, request, view) -> bool:
        return roles.can_read_all(request.user)


class FilteredCasesApi(generics.GenericAPIView):
    """A report over the cases the query's filters choose; one answer, never paged."""

    permission_classes = [IsAuthenticated, ReadsEveryCase]
    queryset = PeerChallenge.objects.all()
    filterset_class = ReportApiFilter
    pagination_class = None

    def cases(self) -> QuerySet[PeerChallenge]:
        return self.filter_queryset(self.get_queryset())
