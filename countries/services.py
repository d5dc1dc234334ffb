"""Writes on countries, ports and portfolios."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from countries.choices import AssignmentKind
from countries.models import Country, Port, PortFacility, PortfolioAssignment
from ips import concurrency, dates, permissions
from ips.audit import acting_as
from ips.roles import Role


def _check_ipslo(ipslo, country: Country) -> None:
    if not ipslo.is_active or Role.IPSLO not in ipslo.roles:
        raise ValidationError({"ipslo": f"{ipslo} is not an active IPSLO."})
    if ipslo.node_id != country.node_id:
        raise ValidationError(
            {"ipslo": f"{ipslo} belongs to {ipslo.node or 'no node'}; {country} is covered by {country.node}."}
        )


def _close(assignment: PortfolioAssignment, on: dt.date) -> None:
    assignment.end_date = max(on, assignment.start_date)
    assignment.save(update_fields=["end_date"])
    permissions.forget()  # the IPSLO's rights on the country and its cases end with the assignment


@transaction.atomic
def portfolio_assign(
    *,
    country: Country,
    ipslo,
    by,
    kind: str = AssignmentKind.PRIMARY,
    on: dt.date | None = None,
    note: str = "",
) -> PortfolioAssignment:
    """Make ``ipslo`` cover ``country`` from ``on``; a new primary closes the old primary assignment."""
    on = on or timezone.localdate()
    country = Country.objects.select_for_update().get(pk=country.pk)
    _check_ipslo(ipslo, country)
    with acting_as(by):
        current = PortfolioAssignment.objects.filter(country=country, end_date__isnull=True).select_related("ipslo")
        same = next((a for a in current if a.ipslo_id == ipslo.pk), None)
        if same is not None and same.kind == kind:
            return same
        if same is not None:
            _close(same, on)
        if kind == AssignmentKind.PRIMARY:
            for old in current:
                if old.kind == AssignmentKind.PRIMARY and old.pk != getattr(same, "pk", None):
                    _close(old, on)
        assignment = PortfolioAssignment(
            country=country, ipslo=ipslo, kind=kind, start_date=on, assigned_by=by, note=note
        )
        assignment.full_clean()
        assignment.save()
        permissions.forget()
        if kind == AssignmentKind.PRIMARY:
            from assessments.services import assessment_reassign_open

            assessment_reassign_open(country=country, to_ipslo=ipslo, by=by)
    return assignment


@transaction.atomic
def portfolio_end(*, assignment: PortfolioAssignment, by, on: dt.date | None = None) -> PortfolioAssignment:
    """End a current assignment."""
    dates.check_date(on, dates.DateKind.PLANNED, field="end_date")
    assignment = PortfolioAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.end_date is not None:
        return assignment
    with acting_as(by):
        _close(assignment, on or timezone.localdate())
    return assignment


@transaction.atomic
def portfolio_handover(*, from_ipslo, to_ipslo, by, on: dt.date | None = None) -> list[PortfolioAssignment]:
    """Hand a departing IPSLO's whole current portfolio to a successor in one step.

    Every current assignment of ``from_ipslo`` ends and the same country, with the same kind, is
    assigned to ``to_ipslo``. Nothing is handed over unless everything can be.
    """
    if from_ipslo.pk == to_ipslo.pk:
        raise ValidationError({"to_ipslo": "The successor must be a different IPSLO."})
    on = on or timezone.localdate()
    dates.check_date(on, dates.DateKind.PLANNED, field="end_date")
    current = list(
        PortfolioAssignment.objects.select_for_update()
        .filter(ipslo=from_ipslo, end_date__isnull=True)
        .select_related("country", "country__node")
        .order_by("country__name")
    )
    if not current:
        raise ValidationError({"from_ipslo": f"{from_ipslo} has no current portfolio to hand over."})
    errors = []
    for assignment in current:
        try:
            _check_ipslo(to_ipslo, assignment.country)
        except ValidationError as exc:
            errors.extend(exc.message_dict["ipslo"])
    if errors:
        raise ValidationError({"to_ipslo": sorted(set(errors))})
    created = []
    with acting_as(by):
        for assignment in current:
            _close(assignment, on)
            created.append(
                portfolio_assign(
                    country=assignment.country,
                    ipslo=to_ipslo,
                    by=by,
                    kind=assignment.kind,
                    on=on,
                    note=f"Handed over from {from_ipslo}.",
                )
            )
    return created


ConcurrentEditError = concurrency.ConcurrentEditError


@transaction.atomic
def country_update(
    *,
    country: Country,
    data: dict,
    by,
    fields: list[str],
    expected_updated_at: dt.datetime | None = None,
) -> Country:
    """Apply ``data`` to ``country``'s ``fields`` after validation; a node change ends a
    primary assignment held by an IPSLO of another node.

    With ``expected_updated_at`` (the ``updated_at`` the editor loaded), the update is refused with
    :class:`ConcurrentEditError` when the row has changed since (optimistic locking).
    """
    country = Country.objects.select_for_update().get(pk=country.pk)
    if expected_updated_at is not None and country.updated_at != expected_updated_at:
        raise ConcurrentEditError(country)
    old_node_id = country.node_id
    for field in fields:
        setattr(country, field, data[field])
    country.full_clean()
    with acting_as(by):
        country.save(update_fields=[*fields, "updated_at"])
        if country.node_id != old_node_id:
            for assignment in PortfolioAssignment.objects.filter(
                country=country, end_date__isnull=True
            ).exclude(ipslo__node_id=country.node_id):
                _close(assignment, timezone.localdate())
    return country


def _save_validated(instance, *, by, fields: list[str] | None = None):
    instance.full_clean()
    with acting_as(by):
        concurrency.save(instance, update_fields=fields)
    return instance


@transaction.atomic
def port_create(*, country: Country, data: dict, by) -> Port:
    """Add a port (UN/LOCODE) to ``country``."""
    return _save_validated(Port(country=country, **data), by=by)


@transaction.atomic
def port_update(*, port: Port, data: dict, by, expected_version: int | None = None) -> Port:
    """Change a port's fields; the port stays in its country. With ``expected_version`` (the version
    the editor loaded) a change saved meanwhile by someone else is not overwritten: ConcurrentEditError."""
    port = concurrency.lock(Port.objects, pk=port.pk, expected=expected_version)
    for field, value in data.items():
        setattr(port, field, value)
    return _save_validated(port, by=by, fields=[*data, "updated_at"])


@transaction.atomic
def port_facility_create(*, port: Port, data: dict, by) -> PortFacility:
    """Add a port facility (IMO port facility number) to ``port``."""
    return _save_validated(PortFacility(port=port, **data), by=by)


@transaction.atomic
def port_facility_update(*, facility: PortFacility, data: dict, by,
                         expected_version: int | None = None) -> PortFacility:
    """Change a port facility's fields, including the port it belongs to (within one country).
    ``expected_version`` as for :func:`port_update`."""
    facility = concurrency.lock(PortFacility.objects, pk=facility.pk, expected=expected_version)
    for field, value in data.items():
        setattr(facility, field, value)
    if facility.port.country_id != PortFacility.objects.get(pk=facility.pk).port.country_id:
        raise ValidationError({"port": "A port facility cannot be moved to another country."})
    return _save_validated(facility, by=by, fields=[*data, "updated_at"])
