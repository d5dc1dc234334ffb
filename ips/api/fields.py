"""Serializer fields shared by the API."""

from rest_framework import serializers

from ips import dates


class RecordDateField(serializers.DateField):
    """A date the program records: refused (400, beside the field) when out of the range of its kind
    (see :mod:`ips.dates`)."""

    def __init__(self, *, kind: str, **kwargs):
        self.kind = dates.DateKind(kind)
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        problem = dates.date_problem(day, self.kind)
        if problem:
            raise serializers.ValidationError(problem, code=dates.OUT_OF_RANGE)
        return day
