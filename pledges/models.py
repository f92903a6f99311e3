"""Program rules, pledges, progress, reviews and certificates."""
