"""Filters and sorting of the findings list across cases (query-string driven, so dashboards can link
to a filtered list and people can share one)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q

from assessments import selectors_findings
from assessments.choices import UNRESOLVED_FINDING_STATUSES, FindingStatus, Severity
from countries.forms import USWDSFormMixin
from countries.models import Node

UNRESOLVED = "unresolved"
STATUS_CHOICES = [(UNRESOLVED, "Unresolved (open or in mitigation)"), *FindingStatus.choices]

# Sort keys and the columns they order by (all in the requested direction); ties: newest case, number.
SORT_FIELDS = {
    "case": ("assessment__created_at", "assessment_id"),
    "severity": ("severity_rank",),
    "status": ("status_rank",),
}
DEFAULT_SORT = "-case"
SORT_CHOICES = [(key, key) for key in SORT_FIELDS] + [(f"-{key}", f"-{key}") for key in SORT_FIELDS]
YEAR_MIN, YEAR_MAX = 2000, 2100


class FindingFilterForm(USWDSFormMixin, forms.Form):
    """The form behind the findings list filters."""


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


class FindingFilter(django_filters.FilterSet):
    section = django_filters.ChoiceFilter(
        label="Checklist section", method="by_section", empty_label="Any section",
        help_text="Across every checklist version.",
    )
    severity = django_filters.ChoiceFilter(label="Severity", choices=Severity.choices, empty_label="Any severity")
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_CHOICES, method="by_status", empty_label="Any status"
    )
    node = django_filters.ModelChoiceFilter(
        label="Node", field_name="assessment__country__node", queryset=Node.objects.order_by("code"),
        to_field_name="code", empty_label="All nodes",
    )
    country = django_filters.CharFilter(
        label="Country",
        method="by_country",
        help_text="Country name, ISO alpha-2 or alpha-3 code.",
        max_length=120,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    year = YearFilter(
        label="Year of the visit",
        method="by_year",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES,
        method="order",
        empty_label=None,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Unknown sort order; the list shows the newest cases first instead."},
    )

    class Meta:
        form = FindingFilterForm
        fields = ["section", "severity", "status", "node", "country", "year", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The field adds its empty choice ("Any section") itself.
        self.form.fields["section"].choices = [
            *selectors_findings.checklist_section_choices(),
            (selectors_findings.SECTION_NONE, selectors_findings.SECTION_NONE_LABEL),
        ]

    def by_section(self, queryset, name, value):
        if value == selectors_findings.SECTION_NONE:
            return queryset.filter(checklist_item__isnull=True)
        return queryset.filter(checklist_item__section__code=value)

    def by_status(self, queryset, name, value):
        if value == UNRESOLVED:
            return queryset.filter(status__in=UNRESOLVED_FINDING_STATUSES)
        return queryset.filter(status=value)

    def by_country(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(assessment__country__name__icontains=value)
            | Q(assessment__country__iso2__iexact=value)
            | Q(assessment__country__iso3__iexact=value)
        )

    def by_year(self, queryset, name, value):
        return queryset.filter(visit_on__year=value)

    def order(self, queryset, name, value):
        # Applied in filter_queryset so that the default sort also applies with no "sort" value.
        return queryset

    @property
    def active(self) -> bool:
        """Whether any filter (not the sort) has a value."""
        return self.is_bound and any(self.data.get(name) for name in self.filters if name != "sort")

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
        key, descending = sort.lstrip("-"), sort.startswith("-")
        ordering = [F(column).desc() if descending else F(column).asc() for column in SORT_FIELDS[key]]
        if key != "case":
            ordering += [F("assessment__created_at").desc(), F("assessment_id").desc()]  # then newest case
        return queryset.order_by(*ordering, "number", "pk")
