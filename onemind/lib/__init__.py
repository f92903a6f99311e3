"""Helpers without a domain (dates, spreadsheets, bulk writes, PDFs): imported by the apps,
importing none of them."""
