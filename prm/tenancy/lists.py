from django.core.paginator import Page, Paginator


def query_without_page(request) -> str:
    """The request's query (its filters) without the page number, for the previous and next links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def page_context(request, page: Page) -> dict:
    """What includes/pagination.html needs."""
    return {"page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages(),
            "querystring": query_without_page(request)}


def paged(request, items, size: int, paginator=Paginator) -> dict:
    """The page of `items` the request asks for (a bad or missing number is the first or last page)."""
    return page_context(request, paginator(items, size).get_page(request.GET.get("page")))


class FilteredListMixin:
    """A paginated ListView with `self.filter_form`: the filters stay in the pagination links."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(filter_form=self.filter_form, querystring=query_without_page(self.request))
        return context
