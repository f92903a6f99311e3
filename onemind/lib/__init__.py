"""Helpers without a domain (dates, spreadsheets, bulk writes, findings, PDFs): every app may
import them; they import no app (tests/test_layers.py)."""
