"""Query parameters of the country status list and export."""

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django_filters.fields import IsoDateTimeField

from countries.api.selectors import ORDERING_FIELDS, filter_psa_listed
from countries.choices import ComplianceStatus, NodeCode

EARLIEST_YEAR = 1970


class SinceField(IsoDateTimeField):
    """An ISO 8601 time, in UTC, no earlier than 1970 (older times name no change the program kept)."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, dt.UTC)
        try:
            moment = moment.astimezone(dt.UTC)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError("Give a time between 1970 and 9999.", code="invalid") from exc
        if not EARLIEST_YEAR <= moment.year <= 9999:
            raise forms.ValidationError("Give a time between 1970 and 9999.", code="invalid")
        return moment


class SinceFilter(django_filters.IsoDateTimeFilter):
    field_class = SinceField


BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


def boolean_filter(method: str, help_text: str) -> django_filters.ChoiceFilter:
    """``true`` or ``false``; anything else is refused with 400 rather than silently ignored."""
    return django_filters.ChoiceFilter(choices=BOOLEAN_CHOICES, method=method, help_text=help_text)


class CountryStatusFilter(django_filters.FilterSet):
    node = django_filters.ChoiceFilter(choices=NodeCode.choices, field_name="node__code",
                                       help_text="Operational node code.")
    compliance_status = django_filters.ChoiceFilter(choices=ComplianceStatus.choices)
    psa_listed = boolean_filter(
        "filter_psa_listed", "Listed (true) or not listed (false) in the advisory in force."
    )
    overdue = boolean_filter(
        "filter_overdue", "In scope and past the date the next assessment was due (or never assessed)."
    )
    updated_since = SinceFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after this time (ISO 8601)."
    )
    ordering = django_filters.OrderingFilter(
        fields=[(field, name) for name, field in ORDERING_FIELDS.items()],
        help_text="Sort by one of the fields; prefix with '-' for descending order. Default: name.",
    )

    def filter_psa_listed(self, queryset, name, value):
        return filter_psa_listed(queryset, listed=value == "true", advisories=self.request.advisory_status)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue=value == "true")
