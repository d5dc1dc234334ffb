"""Steps that write the demonstration data; ``python manage.py seed_demo`` runs them in order.

Every step takes the shared :class:`DemoContext` and is idempotent: it creates what is missing,
fills only fields that are still empty, and leaves everything else (including edits made in the
app since the last run) as it is, so a second run writes nothing. A later capability adds its own
``seed_<thing>(ctx)`` function to :data:`STEPS`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from countries.choices import AssignmentKind
from countries.models import Country, Node, Port, PortFacility, PortfolioAssignment
from countries.services import (
    country_update,
    port_create,
    port_facility_create,
    port_update,
    portfolio_assign,
)
from ips.demo import data
from ips.demo.advisories import seed_advisories
from ips.demo.cases import seed_assessments, seed_checklist, seed_credible_reports
from ips.demo.two_factor import seed_two_factor
from ips.models import User
from ips.roles import Role


class DemoDataError(Exception):
    """The demo cannot be built on the data found in the database; the message says why."""


@dataclass
class DemoContext:
    password: str
    today: dt.date = field(default_factory=timezone.localdate)
    verbosity: int = 1
    stdout: TextIO | None = None
    users: dict[str, User] = field(default_factory=dict)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    @property
    def actor(self) -> User:
        """The user recorded in the audit trail for the demo's records (LANT-51)."""
        return self.users[data.PORTFOLIO_ASSIGNER]


def seed_reference_data(ctx: DemoContext) -> None:
    """Nodes and every country: the demo builds on the program's reference data."""
    options = {"verbosity": max(ctx.verbosity - 1, 0)}
    if ctx.stdout is not None:
        options["stdout"] = ctx.stdout
    call_command("load_reference_data", **options)


def seed_users(ctx: DemoContext) -> None:
    """The demo accounts. Existing accounts keep their details; only their password is reset."""
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    missing_groups = sorted(set(Role.values) - set(groups))
    if missing_groups:
        raise DemoDataError(f"The role groups {', '.join(missing_groups)} are missing; run `manage.py migrate`.")
    nodes = {node.code: node for node in Node.objects.all()}

    # The demo accounts share one password, so they share one hash: the password is hashed (and
    # each existing hash checked) once rather than once per account.
    encoded = make_password(ctx.password)
    matches: dict[str, bool] = {}
    existing = {u.username: u for u in User.objects.filter(username__in=[spec.username for spec in data.USERS])}
    for spec in data.USERS:
        user = existing.get(spec.username)
        if user is None:
            if spec.node and spec.node not in nodes:
                raise DemoDataError(f"Node {spec.node} is missing for demo user {spec.username}.")
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=spec.email,
                title=spec.title,
                phone=spec.phone,
                node=nodes[spec.node] if spec.node else None,
                password=encoded,
            )
            user.save()
            user.groups.add(groups[spec.role])
            ctx.created["users"] += 1
        else:
            if user.password not in matches:
                matches[user.password] = check_password(ctx.password, user.password)
            if not matches[user.password]:
                user.password = encoded
                user.save(update_fields=["password"])
                matches[encoded] = True
                ctx.updated["passwords"] += 1
        ctx.users[spec.username] = user


def _demo_countries() -> dict[str, Country]:
    wanted = [spec.iso2 for spec in data.COUNTRIES]
    found = {c.iso2: c for c in Country.objects.filter(iso2__in=wanted).select_related("node")}
    missing = [iso2 for iso2 in wanted if iso2 not in found]
    if missing:
        raise DemoDataError(
            f"The countries {', '.join(missing)} are not loaded; run `manage.py load_reference_data`."
        )
    return found


def _is_empty(value) -> bool:
    return value is None or value == ""


def seed_country_profiles(ctx: DemoContext) -> None:
    """Designated authority, U.S. embassy contact and trade profile of the demo countries."""
    countries = _demo_countries()
    for spec in data.COUNTRIES:
        country = countries[spec.iso2]
        profile = {
            "designated_authority": spec.designated_authority,
            "designated_authority_contact": spec.authority_contact,
            "designated_authority_email": spec.authority_email,
            "designated_authority_phone": spec.authority_phone,
            "designated_authority_address": f"{spec.authority_city}, {country.name}",
            "embassy_post": spec.embassy_post,
            "embassy_contact": spec.embassy_contact,
            "embassy_contact_title": "Economic Officer",
            "embassy_email": spec.embassy_email,
            "embassy_phone": spec.embassy_phone,
            "annual_vessel_arrivals": spec.vessel_arrivals,
            "annual_cargo_tonnes": spec.cargo_tonnes,
            "last_five_port_calls": spec.last_five_port_calls,
            "trade_notes": spec.trade_notes,
        }
        empty = [name for name in profile if _is_empty(getattr(country, name))]
        if empty:
            country_update(country=country, data=profile, by=ctx.actor, fields=empty)
            ctx.updated["country profiles"] += 1


def _port_fields(spec: data.DemoPort) -> dict:
    return {
        "name": spec.name,
        "name_ascii": spec.name_ascii or spec.name,
        "subdivision": spec.subdivision,
        "function": spec.function,
        "status": spec.status,
        "latitude": Decimal(spec.latitude),
        "longitude": Decimal(spec.longitude),
        "harbor_size": str(spec.harbor_size),
        "wpi_number": spec.wpi_number,
    }


def _facility_fields(spec: data.DemoFacility) -> dict:
    return {
        "name": spec.name,
        "facility_type": spec.facility_type,
        "us_trade_importance": spec.importance,
        "handles_lpg": spec.lpg,
        "handles_lng": spec.lng,
        "handles_explosives": spec.explosives,
        "greater_risk": spec.greater_risk,
    }


def seed_ports(ctx: DemoContext) -> None:
    """Real seaports of the demo countries and their port facilities.

    A port already present (for example from the UN/LOCODE import) keeps its values; only empty
    fields are filled in and the CSI flag is set. Facility ``n`` of a port gets the IMO number
    ``<LOCODE>-000n``; a number already in use is left alone.
    """
    countries = _demo_countries()
    locodes = [port.locode for spec in data.COUNTRIES for port in spec.ports]
    ports = {p.locode: p for p in Port.objects.filter(locode__in=locodes)}
    numbers = set(PortFacility.objects.filter(port__locode__in=locodes).values_list("imo_number", flat=True))
    for country_spec in data.COUNTRIES:
        country = countries[country_spec.iso2]
        for spec in country_spec.ports:
            fields = _port_fields(spec)
            port = ports.get(spec.locode)
            if port is None:
                port = port_create(
                    country=country, data={"locode": spec.locode, "is_csi_port": spec.csi, **fields}, by=ctx.actor
                )
                ctx.created["ports"] += 1
            else:
                if port.country_id != country.pk:
                    raise DemoDataError(f"Port {spec.locode} belongs to {port.country}, not {country}.")
                changes = {
                    name: value
                    for name, value in fields.items()
                    if _is_empty(getattr(port, name)) and not _is_empty(value)
                }
                if spec.csi and not port.is_csi_port:
                    changes["is_csi_port"] = True
                if changes:
                    port_update(port=port, data=changes, by=ctx.actor)
                    ctx.updated["ports"] += 1
            for n, facility in enumerate(spec.facilities, start=1):
                number = f"{spec.locode}-{n:04d}"
                if number in numbers or PortFacility.objects.filter(imo_number=number).exists():
                    continue
                port_facility_create(port=port, data={"imo_number": number, **_facility_fields(facility)}, by=ctx.actor)
                numbers.add(number)
                ctx.created["port facilities"] += 1


def seed_portfolios(ctx: DemoContext) -> None:
    """Give every in-scope country a current primary IPSLO of its own node.

    A country already covered by an active IPSLO of its node keeps that IPSLO. Otherwise the
    countries of each node, in name order, go round-robin to the node's demo IPSLOs in username
    order, so the same database always gets the same split.
    """
    pools: dict[int, list[User]] = defaultdict(list)
    for spec in data.USERS:
        user = ctx.users[spec.username]
        if spec.role == Role.IPSLO and user.is_active and user.node_id and Role.IPSLO in user.roles:
            pools[user.node_id].append(user)
    for pool in pools.values():
        pool.sort(key=lambda user: user.username)
    aboard_days = {spec.username: spec.aboard_days for spec in data.USERS}

    current = {
        a.country_id: a
        for a in PortfolioAssignment.objects.filter(end_date__isnull=True, kind=AssignmentKind.PRIMARY).select_related(
            "ipslo"
        )
    }
    position: Counter = Counter()
    for country in Country.objects.filter(in_scope=True).select_related("node").order_by("name", "iso2"):
        index = position[country.node_id]
        position[country.node_id] += 1
        held = current.get(country.pk)
        if held is not None and held.ipslo.is_active and held.ipslo.node_id == country.node_id:
            continue
        pool = pools.get(country.node_id)
        if not pool:
            raise DemoDataError(f"No active demo IPSLO belongs to {country.node}, which covers {country}.")
        ipslo = pool[index % len(pool)]
        portfolio_assign(
            country=country,
            ipslo=ipslo,
            by=ctx.actor,
            on=ctx.today - dt.timedelta(days=aboard_days[ipslo.username]),
            note="Demo portfolio.",
        )
        ctx.created["portfolio assignments"] += 1


SeedStep = Callable[[DemoContext], None]

STEPS: list[SeedStep] = [
    seed_reference_data,
    seed_users,
    seed_two_factor,
    seed_country_profiles,
    seed_ports,
    seed_portfolios,
    seed_checklist,
    seed_assessments,
    seed_credible_reports,
    seed_advisories,
]
"""The demo's steps, in order. Later steps may rely on what earlier ones made (``ctx.users``)."""


def build_demo(*, password: str, verbosity: int = 1, stdout: TextIO | None = None) -> DemoContext:
    """Run every step in one transaction: the demo is built completely or not at all.

    Records are written through the domain services with the LANT-51 demo user as the actor, so
    the audit trail shows who "made" them.
    """
    if not password:
        raise DemoDataError("A demo password is required.")
    ctx = DemoContext(password=password, verbosity=verbosity, stdout=stdout)
    with transaction.atomic():
        for step in STEPS:
            step(ctx)
    return ctx
