"""Reads on countries, ports and portfolios. Each selector owns its joins and prefetches so a page
runs the same number of queries whatever the amount of data."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet

from countries.choices import AssignmentKind
from countries.models import Country, Node, Port, PortFacility, PortfolioAssignment
from ips.audit import history_for
from ips.models import User
from ips.roles import Role

AUDIT_ROWS_SHOWN = 100


def country_list(*, user) -> QuerySet[Country]:
    """The countries ``user`` may see, with node and current primary IPSLO, ordered by name."""
    return Country.objects.restrict(user, "view").select_related("node").with_current_ipslo().order_by("name")


def country_for_page(*, user, iso3: str) -> Country | None:
    """One country by ISO alpha-3 (any case) if ``user`` may see it."""
    return (
        Country.objects.restrict(user, "view")
        .select_related("node")
        .with_current_ipslo()
        .filter(iso3=iso3.upper())
        .first()
    )


def country_ports(*, country: Country) -> list[Port]:
    """The country's ports, each with its port facilities (two queries)."""
    return list(
        Port.objects.filter(country=country)
        .order_by("name", "locode")
        .prefetch_related(Prefetch("facilities", queryset=PortFacility.objects.order_by("imo_number")))
    )


def country_portfolio_history(*, country: Country) -> list[PortfolioAssignment]:
    """Every portfolio assignment of the country, current ones first, then newest first."""
    return list(
        PortfolioAssignment.objects.filter(country=country)
        .select_related("ipslo", "ipslo__node", "assigned_by")
        # Open assignments (no end date) first, then the most recent.
        .order_by(F("end_date").desc(nulls_first=True), "-start_date", "-id")
    )


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditRow:
    entry: LogEntry
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def who(self) -> str:
        return str(self.entry.actor) if self.entry.actor else "System"


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _display(value, *, nodes: dict[str, str]) -> str:
    if value is None or value == "None" or value == "":
        return "—"
    if value == "True":
        return "Yes"
    if value == "False":
        return "No"
    return nodes.get(value, str(value)) if nodes else str(value)


def country_audit_history(*, country: Country, limit: int = AUDIT_ROWS_SHOWN) -> list[AuditRow]:
    """The country's audit entries (newest first): who, when, and each field's old and new value."""
    entries = list(history_for(country)[:limit])
    # Only the record's own columns; auditlog also lists reverse relations, which say nothing here.
    labels = {
        f.name: str(f.verbose_name)
        for f in Country._meta.get_fields()
        if f.concrete and not f.many_to_many and f.name not in ("id", "created_at", "updated_at")
    }
    needs_nodes = any("node" in (entry.changes_dict or {}) for entry in entries)
    nodes = {str(pk): code for pk, code in Node.objects.values_list("pk", "code")} if needs_nodes else {}
    rows = []
    for entry in entries:
        changes = []
        for name, values in (entry.changes_dict or {}).items():
            if name not in labels:
                continue
            old, new = (list(values) + [None, None])[:2]
            lookup = nodes if name == "node" else {}
            old, new = _display(old, nodes=lookup), _display(new, nodes=lookup)
            if old != new:
                changes.append(FieldChange(label=_capfirst(labels[name]), old=old, new=new))
        rows.append(AuditRow(entry=entry, changes=changes))
    return rows


def ipslo_users() -> QuerySet[User]:
    """Active IPSLOs with their node, ordered by node then name."""
    return (
        User.objects.filter(groups__name=Role.IPSLO, is_active=True)
        .select_related("node")
        .order_by("node__code", "last_name", "first_name", "username")
    )


@dataclass(frozen=True)
class NodePortfolios:
    node: Node | None
    ipslos: list[User]


@dataclass(frozen=True)
class PortfolioOverview:
    nodes: list[NodePortfolios]
    unassigned: list[Country]
    held_by_non_ipslos: list[PortfolioAssignment]


def _current_assignments() -> QuerySet[PortfolioAssignment]:
    return PortfolioAssignment.objects.filter(end_date__isnull=True)


def portfolio_overview() -> PortfolioOverview:
    """Each IPSLO (grouped by node) with their current assignments; in-scope countries without a
    current primary IPSLO; current assignments held by someone who is no longer an active IPSLO."""
    ipslos = list(
        ipslo_users().prefetch_related(
            Prefetch(
                "portfolio_assignments",
                queryset=_current_assignments().select_related("country").order_by("country__name"),
                to_attr="current_portfolio",
            )
        )
    )
    groups = [
        NodePortfolios(node=node, ipslos=[ipslo for ipslo in ipslos if ipslo.node_id == node.pk])
        for node in Node.objects.order_by("code")
    ]
    without_node = [ipslo for ipslo in ipslos if ipslo.node_id is None]
    if without_node:
        groups.append(NodePortfolios(node=None, ipslos=without_node))
    has_primary = _current_assignments().filter(country=OuterRef("pk"), kind=AssignmentKind.PRIMARY)
    unassigned = list(
        Country.objects.filter(in_scope=True)
        .exclude(Exists(has_primary))
        .select_related("node")
        .order_by("node__code", "name")
    )
    held_by_non_ipslos = list(
        _current_assignments()
        .exclude(ipslo__in=ipslo_users().values("pk"))
        .select_related("country", "ipslo")
        .order_by("country__name")
    )
    return PortfolioOverview(nodes=groups, unassigned=unassigned, held_by_non_ipslos=held_by_non_ipslos)


def current_assignments() -> QuerySet[PortfolioAssignment]:
    """Current (open) assignments with country and IPSLO."""
    return _current_assignments().select_related("country", "ipslo")


def assignable_countries() -> QuerySet[Country]:
    return Country.objects.select_related("node").order_by("name")
