import datetime as dt
import itertools

import factory
from django.contrib.auth.models import Group

from countries.choices import FacilityType, NodeCode
from countries.models import Country, Node, Port, PortFacility
from ips.models import User


class NodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Node
        django_get_or_create = ("code",)

    code = NodeCode.ACTEUR
    name = factory.LazyAttribute(lambda o: NodeCode(o.code).label)
    location = "Somewhere"
    regions = "Some regions"


def _letters(n: int, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(length):
        out = alphabet[n % 26] + out
        n //= 26
    return out


_made_up_codes = itertools.count(23 * 26)  # XA, XB, ... then YA, ...


def _unused_iso2() -> str:
    """The next made-up code that no country in the database holds yet: fixtures take some of them by
    name ("XA" is Atlantis), and the factory looks countries up by code, so a taken code would hand back
    that country instead of a new one."""
    while True:
        code = _letters(next(_made_up_codes), 2)
        if not Country.objects.filter(iso2=code).exists():
            return code


class CountryFactory(factory.django.DjangoModelFactory):
    """Countries with made-up codes starting in the ISO user-assigned range XA-XZ."""

    class Meta:
        model = Country
        django_get_or_create = ("iso2",)

    iso2 = factory.LazyFunction(lambda: _unused_iso2())
    iso3 = factory.LazyAttribute(lambda o: o.iso2 + "X")
    name = factory.Sequence(lambda n: f"Testland {n}")
    node = factory.SubFactory(NodeFactory)
    in_scope = True


class PortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Port

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"Port {n}")
    function = "1-------"

    @factory.lazy_attribute_sequence
    def locode(self, n):
        return self.country.iso2 + _letters(n, 3)


class PortFacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortFacility

    port = factory.SubFactory(PortFactory)
    name = factory.Sequence(lambda n: f"Terminal {n}")
    facility_type = FacilityType.CONTAINER

    @factory.lazy_attribute_sequence
    def imo_number(self, n):
        return f"{self.port.locode}-{n % 10000:04d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        if create:
            self.save()


TODAY = dt.date(2026, 11, 23)
