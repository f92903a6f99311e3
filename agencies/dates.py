"""Dates as the product writes them in sentences, pages and PDFs alike."""

from datetime import date

from django.utils.dateformat import format as format_date


def day(value: date) -> str:
    """Mar 1, 2026."""
    return format_date(value, "M j, Y")
