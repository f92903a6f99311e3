"""Shared partnerships: one MOU naming several agencies, recorded once — by a region for its
member agencies, or by one of the parties — and confirmed, declined or left by each party for
itself. The agreement stays the lead agency's row; every other party reaches it only through
its own `PartnershipParty` row, and a region only through the agreements it recorded."""
