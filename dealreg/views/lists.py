from prm.tenancy.lists import FilteredListMixin

from ..selectors import with_clocks


class DealClocksMixin(FilteredListMixin):
    """Deal lists show each deal's approval clock or days of protection left, and whether a filter
    narrows them (an empty list then says so and offers to clear the filters, rather than "no deals yet")."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        with_clocks(context["deals"], self.tenant.time_zone)
        applied = getattr(self.filter_form, "cleaned_data", {})
        context["filtered"] = bool(self.filter_form.errors) or any(value not in (None, "") for value in applied.values())
        return context
