"""A coordinator stuck on a requirement, in a real browser: from the dashboard's card she
finds the library's help and asks the program; a reviewer gives the request to a
subject-matter expert, who answers it; the coordinator follows the emailed link and reads
the answer — each page checked by axe."""

import re

import pytest
from django.core import mail

from agencies.models import Role
from tests.assistance.library.objects import make_resource
from tests.assistance.objects import expert_of
from tests.browser.conftest import assert_accessible
from tests.browser.steps import field, sign_in, sign_in_with_totp, submit
from tests.conftest import member, with_totp
from tests.factories import AgencyFactory, UserFactory, sign

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER = "The state's 988 center signs MOUs with rural agencies; start with its director."


def as_person(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    return context.new_page()


def emailed_link(recipient, pattern: str) -> str:
    email = next(m for m in reversed(mail.outbox) if m.to == [recipient.email])
    return re.search(rf"https?://[^/\s]+({pattern}\S*)", email.body).group(1)


def test_a_coordinator_asks_for_help_an_expert_answers_and_she_reads_it(
    browser, live_server, reviewer
):
    agency = AgencyFactory(name="Millbrook Police Department", slug="millbrook-pd", region="VA")
    coordinator = member(agency, Role.COORDINATOR, "dana@millbrook.example")
    sign(agency, coordinator)
    make_resource(
        "Model MOU for rural crisis partnerships",
        kind="mou_template",
        requirements=("partnership",),
    )
    expert_user = with_totp(UserFactory(email="expert@crisis-partners.example"))
    expert = expert_of(expert_user)

    # The partnership card points to the library's MOU templates and to the program.
    page = as_person(browser, live_server)
    sign_in(page, coordinator.email)
    page.goto("/a/millbrook-pd/")
    card = page.locator("li.usa-card", has_text="Partnership")
    card.get_by_role("link", name="MOU templates").click()
    page.wait_for_url("**/resources/?requirement=partnership&kind=mou_template")
    assert page.get_by_role("link", name="Model MOU for rural crisis partnerships").is_visible()
    assert_accessible(page)
    page.go_back()
    card.get_by_role("link", name="Ask the program for help").click()
    page.wait_for_url("**/assistance/new/?requirement=partnership")
    assert page.get_by_role("radio", name=re.compile("Partnership")).is_checked()
    field(page, "subject").fill("No crisis center within 60 miles")
    field(page, "tried").fill("We asked the county CSB; they have no staff for an MOU.")
    assert_accessible(page)
    submit(page, page.get_by_role("button", name="Send the request"))
    assert page.get_by_text("Your request was sent to the program.").is_visible()
    assert_accessible(page)

    # A reviewer triages it and gives it to the expert.
    staff = as_person(browser, live_server)
    sign_in_with_totp(staff, reviewer)
    staff.goto("/staff/assistance/")
    assert_accessible(staff)
    staff.get_by_role("link", name="No crisis center within 60 miles").click()
    staff.wait_for_url("**/staff/assistance/requests/*/")
    staff.locator("main [name=expert]").select_option(str(expert.public_id))
    submit(staff, staff.get_by_role("button", name="Save the expert"))
    assert_accessible(staff)
    staff.context.close()

    # The expert sees only what is assigned to them, and answers.
    helper = as_person(browser, live_server)
    sign_in_with_totp(helper, expert_user)
    helper.goto("/staff/assistance/mine/")
    assert_accessible(helper)
    helper.get_by_role("link", name="No crisis center within 60 miles").click()
    assert helper.get_by_text("they have no staff for an MOU").is_visible()
    field(helper, "body").fill(ANSWER)
    submit(helper, helper.get_by_role("button", name="Send the reply"))
    assert helper.get_by_text(ANSWER).is_visible()
    assert_accessible(helper)
    helper.context.close()

    # The coordinator is told by email, follows the link, and reads the answer.
    page.goto(emailed_link(coordinator, "/a/millbrook-pd/assistance/"))
    assert page.get_by_text(ANSWER).is_visible()
    assert_accessible(page)
