"""Pages of one region, under /r/<region_slug>/ (the middleware has checked the role)."""
