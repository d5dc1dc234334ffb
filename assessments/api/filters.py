import django_filters

from assessments.choices import AssessmentState, DeterminationState, FindingStatus, Outcome, Severity
from assessments.models import Assessment, Determination, Finding


class AssessmentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=AssessmentState.choices)
    country = django_filters.CharFilter(field_name="country__iso3", lookup_expr="iexact",
                                        help_text="ISO 3166-1 alpha-3 code.")

    class Meta:
        model = Assessment
        fields = ["state", "country"]


class FindingFilter(django_filters.FilterSet):
    assessment = django_filters.NumberFilter(field_name="assessment_id")
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)

    class Meta:
        model = Finding
        fields = ["assessment", "status", "severity"]


class DeterminationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=DeterminationState.choices)
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    country = django_filters.CharFilter(field_name="country__iso3", lookup_expr="iexact")

    class Meta:
        model = Determination
        fields = ["state", "outcome", "country"]
