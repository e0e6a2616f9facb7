"""Pages of a long ordered list that cost about what the first page does, however deep."""

from django.core.paginator import Paginator


class DeepPaginator(Paginator):
    """The page's ids are found on the order's index alone (an index-only scan on PostgreSQL), then only
    those rows are read; a page nearer the end of the list is found from the end, in the reverse order."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ordered = self.object_list
        if bottom > self.count - top:
            ordered, bottom, top = ordered.reverse(), self.count - top, self.count - bottom
        ids = ordered.values("pk")[bottom:top]
        rows = self.object_list.model._default_manager.filter(pk__in=ids).order_by(*self.object_list.query.order_by)
        return self._get_page(list(rows), number, self)
