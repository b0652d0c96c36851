from django.db import transaction

from .models import User


@transaction.atomic
def user_profile_update(*, user: User, full_name: str, language: str) -> User:
    """A person changes their own name and language; no tenant is involved, so no audit row."""
    User.objects.filter(pk=user.pk).update(full_name=full_name.strip(), language=language)
    user.refresh_from_db(fields=["full_name", "language"])
    return user
