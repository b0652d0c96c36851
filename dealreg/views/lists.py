from prm.tenancy.lists import FilteredListMixin

from ..selectors import with_clocks


class DealClocksMixin(FilteredListMixin):
    """Deal lists show each deal's approval clock or days of protection left."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        with_clocks(context["deals"], self.tenant.time_zone)
        return context
