from django.db import models
from django.db.models import OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Concat

from countries.choices import AssignmentKind


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can narrow itself to what a user may see or do (asked of ips.permissions)."""

    def restrict(self, user, action: str = "view"):
        from ips import permissions

        return permissions.restrict(self, user, action)


class CountryQuerySet(RestrictedQuerySet):
    def with_current_ipslo(self):
        """Annotate the current primary IPSLO (id and a sort key "last first username") and prefetch
        the current assignments with their IPSLOs."""
        from countries.models import PortfolioAssignment

        current = PortfolioAssignment.objects.filter(
            country=OuterRef("pk"), end_date__isnull=True, kind=AssignmentKind.PRIMARY
        )
        sort_key = Concat("ipslo__last_name", Value(" "), "ipslo__first_name", Value(" "), "ipslo__username")
        return self.annotate(
            current_ipslo_id=Subquery(current.values("ipslo_id")[:1]),
            current_ipslo_sort=Subquery(current.annotate(sort_key=sort_key).values("sort_key")[:1]),
        ).prefetch_related(
            Prefetch(
                "assignments",
                queryset=PortfolioAssignment.objects.filter(end_date__isnull=True).select_related("ipslo"),
                to_attr="current_assignments",
            )
        )
