"""What the requests add to the layers below, through their registries: the expert's staff
role, and the program dashboard's panel of requests."""

from django.utils.translation import gettext_lazy as _

from agencies.staff import DashboardPanel, StaffRole, register_dashboard_panel
from assistance.models import ANSWER_REQUESTS
from assistance.requests import queries

EXPERT_ROLE = StaffRole(
    permission=ANSWER_REQUESTS,
    home="staff:assistance_mine",
    label=_("My assistance requests"),
)


def _panel() -> dict:
    figures = queries.response_figures()
    median = figures.median
    return {
        "figures": figures,
        "median_hours": round(median.total_seconds() / 3600) if median is not None else None,
        "window_days": queries.MEDIAN_WINDOW_DAYS,
    }


REQUESTS_PANEL = DashboardPanel(template="assistance/requests/dashboard_panel.html", read=_panel)


def register_panels() -> None:
    register_dashboard_panel(REQUESTS_PANEL)
