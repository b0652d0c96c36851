import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from partners.models import Partner
from partners.tiers.models import Tier
from prm.tenancy.models import Membership, Role, Tenant

PASSWORD = "correct-horse-battery-9"


class TenantOwnedFactory(factory.django.DjangoModelFactory):
    """Tenant-owned rows are created through the `unscoped` manager: tests set the tenant explicitly."""

    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return model_class.unscoped


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tenant{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(user=self, email=self.email, defaults={"verified": True, "primary": True})
            self.save()


class PartnerFactory(TenantOwnedFactory):
    class Meta:
        model = Partner

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    tier = "Silver"  # a name: the tenant's tier of that name, made on first use
    country = "US"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if isinstance(kwargs.get("tier"), str):
            kwargs["tier"] = tier_named(kwargs["tenant"], kwargs["tier"])
        return super()._create(model_class, *args, **kwargs)


LADDER = {"registered": 1, "silver": 2, "gold": 3, "platinum": 4}


def tier_named(tenant, name: str) -> Tier:
    """The tenant's tier of this name (any case), made with the usual rank if it is not there yet."""
    tier = Tier.unscoped.filter(tenant=tenant, name__iexact=name).first()
    if tier is None:
        taken = set(Tier.unscoped.filter(tenant=tenant).values_list("rank", flat=True))
        rank = LADDER.get(name.lower(), 10)
        while rank in taken:
            rank += 1
        tier = Tier.unscoped.create(tenant=tenant, name=name, rank=rank)
    return tier


class MembershipFactory(TenantOwnedFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.CHANNEL_MANAGER
    partner = None
