"""Regions: collaboratives of agencies (a state chiefs' association, a county collaborative,
a regional CIT program) that agencies join by consent. A second kind of scope beside the
agency: its pages live under /r/<region-slug>/, its own rows carry a fail-closed manager,
and it sees of a member agency only what that agency chose to share."""
