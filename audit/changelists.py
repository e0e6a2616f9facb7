"""The admin's change lists, refusing a date filter too large for a date instead of failing."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class BoundedChangeList(ChangeList):
    """Django refuses a date-hierarchy year, month or day that makes no date (ValueError), but not one too large
    for a date at all (a 20-digit year, or the day after 31 December 9999: OverflowError), which answered 500.
    Both now get the admin's answer to a filter it cannot apply."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class BoundedDateFiltersMixin:
    """For a ModelAdmin with a date hierarchy."""

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList
