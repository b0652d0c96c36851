from .models import PartnerImport


def recent_imports(limit: int = 20) -> list[PartnerImport]:
    """The tenant's latest imports, without their stored rows."""
    return list(PartnerImport.objects.defer("rows", "problems", "bad_rows").select_related("created_by")[:limit])
