"""Mental-health organizations and the partnerships (MOUs) agencies sign with them."""
