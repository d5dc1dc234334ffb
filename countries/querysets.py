import datetime as dt

from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Concat

from countries.choices import AssignmentKind


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can narrow itself to what a user may see or do (asked of ips.permissions)."""

    def restrict(self, user, action: str = "view"):
        from ips import permissions

        return permissions.restrict(self, user, action)


def due_by_condition(*, day: dt.date) -> Q:
    """In scope, and never assessed or due for reassessment on or before ``day``."""
    return Q(in_scope=True) & (Q(next_assessment_due__isnull=True) | Q(next_assessment_due__lte=day))


def overdue_condition(*, on: dt.date) -> Q:
    """The program's one definition of an overdue reassessment on ``on``: the country is in scope and was
    never assessed or was due before ``on``. ``assessments.scheduling.due_status`` says the same of one
    country; the country list's filter, the dashboards, the API and the reminders all use this."""
    return Q(in_scope=True) & (Q(next_assessment_due__isnull=True) | Q(next_assessment_due__lt=on))


class CountryQuerySet(RestrictedQuerySet):
    def overdue(self, *, on: dt.date):
        """The countries whose reassessment is overdue on ``on`` (see :func:`overdue_condition`)."""
        return self.filter(overdue_condition(on=on))

    def due_by(self, *, day: dt.date):
        """The countries due for reassessment by ``day``: the overdue ones and those falling due until then."""
        return self.filter(due_by_condition(day=day))

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
