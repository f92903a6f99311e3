"""A region's view of its member agencies' pledges: the dashboard with its CSV, PDF report and
monthly digest, one member agency as the region sees it, and the pages program staff keep on
regions. It reads each agency's progress only while the agency is a member, and its people
only while it shares its roster."""
