from django.db import models
from django.db.models import OuterRef, Prefetch, Subquery

from countries.choices import AssignmentKind


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can narrow itself to what a user may see or do (asked of ips.permissions)."""

    def restrict(self, user, action: str = "view"):
        from ips import permissions

        return permissions.restrict(self, user, action)


class CountryQuerySet(RestrictedQuerySet):
    def with_current_ipslo(self):
        """Annotate the current primary IPSLO's id and prefetch the current assignments."""
        from countries.models import PortfolioAssignment

        current = PortfolioAssignment.objects.filter(
            country=OuterRef("pk"), end_date__isnull=True, kind=AssignmentKind.PRIMARY
        )
        return self.annotate(current_ipslo_id=Subquery(current.values("ipslo_id")[:1])).prefetch_related(
            Prefetch(
                "assignments",
                queryset=PortfolioAssignment.objects.filter(end_date__isnull=True).select_related("ipslo"),
                to_attr="current_assignments",
            )
        )
