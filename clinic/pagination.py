"""Pages of a long ordered list that cost about what the first page does, however deep."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class DeepPaginator(Paginator):
    """The page's ids are found on the order's index alone (an index-only scan on PostgreSQL), then only
    those rows are read; a page nearer the end of the list is found from the end, in the reverse order.

    `count`, when the caller knows it (a maintained total), spares the COUNT. With `count_at_most`, counting
    stops there: `capped` says the list is longer, and only the pages up to that count are offered.
    """

    def __init__(self, object_list, per_page, *, count=None, count_at_most=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count, self.count_at_most = count, count_at_most

    @cached_property
    def _counted(self):
        """(count, whether the list goes on past it)."""
        if self.known_count is not None:
            return self.known_count, False
        if self.count_at_most is None:
            return super().count, False
        found = self.object_list.order_by()[: self.count_at_most + 1].count()
        return min(found, self.count_at_most), found > self.count_at_most

    @property
    def count(self):
        return self._counted[0]

    @property
    def capped(self):
        return self._counted[1]

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ordered = self.object_list
        # From the end only when the end is known: a capped count is not the end of the list.
        if bottom > self.count - top and self.count_at_most is None:
            ordered, bottom, top = ordered.reverse(), self.count - top, self.count - bottom
        ids = ordered.values("pk")[bottom:top]
        rows = self.object_list.model._default_manager.filter(pk__in=ids).order_by(*self.object_list.query.order_by)
        return self._get_page(list(rows), number, self)
