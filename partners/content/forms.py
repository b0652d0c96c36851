from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from partners.business_types import BusinessType
from partners.models import Partner
from partners.tiers.models import Tier

from .files import MAX_BYTES
from .models import Category, ContentItem, Kind, Visibility

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
FILE_HELP = _("A PDF, PNG, JPEG, XLSX, CSV, DOCX, PPTX or ZIP file of at most %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=[("", _("Any language")), *settings.LANGUAGES])
    product_lines = forms.CharField(label=_("Product lines"), required=False, max_length=500,
                                    help_text=_("Comma-separated, e.g. firewalls, switches."))
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, widget=forms.RadioSelect)
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https",
                         help_text=_("For a link: the address partners open."))
    visibility = forms.ChoiceField(label=_("Visible to"), choices=Visibility.choices, widget=forms.RadioSelect)
    tiers = forms.ModelMultipleChoiceField(
        label=_("Tiers"), queryset=Tier.unscoped.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Exactly the tiers ticked: a higher tier does not see the item unless it is ticked too."))
    business_types = forms.MultipleChoiceField(label=_("Business types"), choices=BusinessType.choices, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    partners = forms.ModelMultipleChoiceField(label=_("Partners"), queryset=Partner.unscoped.none(), required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 8}))
    publish_at = forms.DateTimeField(label=_("Published from"), widget=DATETIME,
                                     help_text=_("Partners see the item from then on."))
    expires_at = forms.DateTimeField(label=_("Expires"), required=False, widget=DATETIME,
                                     help_text=_("Empty: never. Partners no longer see it from then on."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tiers"].queryset = Tier.objects.order_by("rank")
        self.fields["partners"].queryset = Partner.objects.order_by("name")

    @staticmethod
    def initial_for(item: ContentItem) -> dict:
        return {"title": item.title, "description": item.description, "category": item.category,
                "language": item.language, "product_lines": item.product_lines, "kind": item.kind, "url": item.url,
                "visibility": item.visibility, "tiers": list(item.tiers.all()), "business_types": item.business_types,
                "partners": list(item.partners.all()), "publish_at": item.publish_at, "expires_at": item.expires_at}


class NewItemForm(ItemForm):
    file = forms.FileField(label=_("File"), required=False, help_text=FILE_HELP)


class VersionForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=FILE_HELP)
    note = forms.CharField(label=_("What changed"), max_length=500, required=False,
                           help_text=_("Partners read this in the version history."))


class ContentFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or description")}))
    category = forms.ChoiceField(required=False, label=_("Category"), choices=[("", _("Any category")), *Category.choices])
    language = forms.ChoiceField(required=False, label=_("Language"), choices=[("", _("Any language")), *settings.LANGUAGES])
    product_line = forms.ChoiceField(required=False, label=_("Product line"))
    new = forms.BooleanField(required=False, label=_("New since my last visit"))

    def __init__(self, *args, product_lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_line"].choices = [("", _("Any product line")), *((p, p) for p in product_lines)]
