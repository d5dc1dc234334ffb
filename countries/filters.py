"""Filters and sorting for the country list (query-string driven, so links can be shared)."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone

from countries import selectors
from countries.choices import ComplianceStatus
from countries.forms import CountryFilterForm, ipslo_label
from countries.models import Node

SORT_FIELDS = {
    "name": ("name",),
    "iso3": ("iso3",),
    "node": ("node__code", "name"),
    "ipslo": ("current_ipslo_sort", "name"),
}
DEFAULT_SORT = "name"
SORT_CHOICES = [(key, key) for key in SORT_FIELDS] + [(f"-{key}", f"-{key}") for key in SORT_FIELDS]

IN_SCOPE_CHOICES = [("yes", "In scope"), ("no", "Out of scope")]
# The next assessment's due status (see assessments.scheduling.due_status): overdue (or never assessed),
# else falling due within so many days.
DUE_CHOICES = [
    ("overdue", "Overdue or never assessed"),
    ("due_90", "Due within 90 days"),
    ("due_180", "Due within 180 days"),
    ("due_365", "Due within 365 days"),
]


class CountryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Country name, ISO alpha-2 or ISO alpha-3 code.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    node = django_filters.ModelChoiceFilter(
        label="Node", queryset=Node.objects.order_by("code"), to_field_name="code", empty_label="All nodes"
    )
    ipslo = django_filters.ModelChoiceFilter(
        label="IPSLO (current primary)",
        queryset=selectors.ipslo_users(),
        method="by_ipslo",
        empty_label="Any IPSLO",
    )
    in_scope = django_filters.ChoiceFilter(
        label="Program scope", choices=IN_SCOPE_CHOICES, method="by_scope", empty_label="All countries"
    )
    due = django_filters.ChoiceFilter(
        label="Next assessment", choices=DUE_CHOICES, method="by_due", empty_label="Any due date"
    )
    status = django_filters.ChoiceFilter(
        field_name="compliance_status",
        label="Compliance status",
        choices=ComplianceStatus.choices,
        empty_label="Any status",
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES,
        method="order",
        empty_label=None,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Unknown sort order; the list is sorted by country name instead."},
    )

    class Meta:
        form = CountryFilterForm
        fields = ["q", "node", "ipslo", "in_scope", "due", "status", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["ipslo"].label_from_instance = ipslo_label

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(iso2__iexact=value) | Q(iso3__iexact=value))

    def by_ipslo(self, queryset, name, value):
        return queryset.filter(current_ipslo_id=value.pk)

    def by_scope(self, queryset, name, value):
        return queryset.filter(in_scope=(value == "yes"))

    def by_due(self, queryset, name, value):
        today = timezone.localdate()
        queryset = queryset.filter(in_scope=True)
        if value == "overdue":
            return queryset.overdue(on=today)
        days = int(value.removeprefix("due_"))
        return queryset.filter(next_assessment_due__gte=today, next_assessment_due__lte=today + dt.timedelta(days=days))

    @property
    def active(self) -> bool:
        """Whether any filter (not the sort) has a value."""
        return self.is_bound and any(self.data.get(name) for name in self.filters if name != "sort")

    def order(self, queryset, name, value):
        # Applied in filter_queryset so that the default sort also applies with no "sort" value.
        return queryset

    @property
    def current_sort(self) -> str:
        if not self.is_bound:
            return DEFAULT_SORT
        self.form.is_valid()  # validates once; cleaned_data then holds the valid values only
        value = self.form.cleaned_data.get("sort") or ""
        return value if value in dict(SORT_CHOICES) else DEFAULT_SORT

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.current_sort
        descending = sort.startswith("-")
        ordering = []
        for i, column in enumerate(SORT_FIELDS[sort.lstrip("-")]):
            expression = F(column)
            # The main column follows the requested direction; tie-breakers stay ascending.
            if i == 0 and descending:
                ordering.append(expression.desc(nulls_last=True))
            else:
                ordering.append(expression.asc(nulls_last=True))
        return queryset.order_by(*ordering, "pk")
