"""Newsletters and spotlights: written by program staff, sent through the outbox in batches
to the members who opted in, and kept public once sent or published."""
