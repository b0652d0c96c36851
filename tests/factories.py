import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from partners.models import Partner
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
    tier = "Silver"
    country = "US"


class MembershipFactory(TenantOwnedFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.CHANNEL_MANAGER
    partner = None
