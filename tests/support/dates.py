"""Moments as a clinic's wall clock shows them."""

from datetime import datetime, time

from django.utils import timezone


def local(day, hour=10, minute=0):
    """An aware datetime at the given local wall-clock time (the current time zone)."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))
