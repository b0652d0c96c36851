class FilteredListMixin:
    """A paginated ListView with `self.filter_form`: the filters stay in the pagination links."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter_form=self.filter_form, querystring=query.urlencode())
        return context
