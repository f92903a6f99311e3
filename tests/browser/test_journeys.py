"""The product's journeys in a real browser, each page checked by axe on the way."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from agencies.models import Agency, Invitation
from onemind.lib.dates import add_months
from pledges.models import POLICY_ELEMENTS, Pledge, PledgeStatus
from tests.browser.conftest import assert_accessible
from tests.browser.keyboard import choose_radio, tab_to, type_into
from tests.browser.steps import field, sign_in, sign_in_with_totp, submit
from tests.factories import PASSWORD
from tests.files import RIVERTON_ROSTER, RIVERTON_TRAINING

pytestmark = pytest.mark.django_db(transaction=True)


def link_in_last_email(pattern: str) -> str:
    found = re.search(rf"https?://\S*{pattern}\S*", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(0)


def sign_in_with_the_keyboard(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    assert_accessible(page)
    type_into(page, field(page, "login"), email)
    type_into(page, field(page, "password"), password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_new_agency_registers_verifies_signs_the_pledge_and_invites_an_editor(
    browser, page, live_server
):
    # Sign up, and verify the address from the email.
    page.goto("/accounts/signup/")
    assert_accessible(page)
    field(page, "first_name").fill("Dana")
    field(page, "last_name").fill("Whitfield")
    field(page, "email").fill("dana@riverton.example")
    field(page, "password1").fill(PASSWORD)
    field(page, "password2").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Create account"))
    assert page.get_by_role("heading", level=1).inner_text().strip()
    assert_accessible(page)

    page.goto(link_in_last_email("/accounts/confirm-email/").replace("http://localhost:8000", ""))
    assert_accessible(page)
    submit(page, page.get_by_role("button", name="Confirm"))

    # Register the agency.
    page.goto("/agencies/new/")
    assert_accessible(page)
    field(page, "name").fill("Riverton Police Department")
    field(page, "slug").fill("riverton-pd")
    field(page, "agency_type").select_option(label="Municipal police department")
    field(page, "region").fill("OR")
    field(page, "locality").fill("Riverton")
    page.locator("label[for=id_confirm]").click()
    page.get_by_role("button", name="Register agency").click()
    page.wait_for_url("**/a/riverton-pd/")
    assert_accessible(page)
    agency = Agency.objects.get(slug="riverton-pd")

    # Sign the pledge with the keyboard alone.
    submit(page, page.get_by_role("link", name="Sign the pledge").first)
    page.wait_for_url("**/pledge/sign/")
    assert_accessible(page)
    target = add_months(agency.today(), 24)
    type_into(page, field(page, "chief_name"), "Ana Rivera")
    type_into(page, field(page, "chief_title"), "Chief of Police")
    type_into(page, field(page, "target_date"), target.strftime("%m%d%Y"))
    type_into(page, field(page, "signature"), "Dana Whitfield")
    tab_to(page, field(page, "affirmed"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Sign the pledge"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/a/riverton-pd/")
    assert_accessible(page)
    pledge = Pledge.all_agencies.get(agency=agency)
    assert (pledge.status, pledge.target_date) == (PledgeStatus.PLEDGED, target)
    assert pledge.target_date - pledge.pledged_on > timedelta(days=365)

    # Invite an editor.
    page.get_by_role("button", name="Agency settings").click()
    submit(page, page.get_by_role("link", name="Members"))
    assert_accessible(page)
    submit(page, page.get_by_role("link", name="Invite").first)
    assert_accessible(page)
    field(page, "email").fill("sam@riverton.example")
    field(page, "role").select_option("editor")
    submit(page, page.get_by_role("button", name="Send invitation"))
    assert_accessible(page)
    assert Invitation.all_agencies.get(agency=agency).email == "sam@riverton.example"
    assert mail.outbox[-1].to == ["sam@riverton.example"]

    # The editor, in a browser of their own, signs up from the invitation: the address is
    # the invited one, confirmed by the invitation, so no email to wait for.
    sam = browser.new_context(base_url=live_server.url).new_page()
    sam.goto(link_in_last_email("/invitations/").replace("http://localhost:8000", ""))
    assert_accessible(sam)
    submit(sam, sam.get_by_role("link", name="Create an account"))
    assert_accessible(sam)
    assert field(sam, "email").input_value() == "sam@riverton.example"
    assert field(sam, "email").is_disabled()
    field(sam, "first_name").fill("Sam")
    field(sam, "last_name").fill("Ortega")
    field(sam, "password1").fill(PASSWORD)
    field(sam, "password2").fill(PASSWORD)
    submit(sam, sam.get_by_role("button", name="Create account"))
    assert "/invitations/" in sam.url
    assert mail.outbox[-1].to == ["sam@riverton.example"]  # still the invitation, nothing new
    submit(sam, sam.get_by_role("button", name="Accept invitation"))
    assert sam.url.endswith("/a/riverton-pd/")
    page.goto("/a/riverton-pd/members/")
    assert page.get_by_role("rowheader", name="Sam Ortega").is_visible()
    assert_accessible(page)


def test_a_form_error_is_announced_and_linked_to_its_field(page, live_server):
    """The error summary takes the focus, names each error and links to its field."""
    from tests.factories import UserFactory

    UserFactory(email="dana@riverton.example")
    sign_in_with_the_keyboard(page, "dana@riverton.example", PASSWORD)
    page.goto("/agencies/new/")
    submit(page, page.get_by_role("button", name="Register agency"))
    summary = page.locator("[data-error-summary]")
    assert "There are problems with what you entered" in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    first_link = summary.get_by_role("link").first
    first_link.click()
    target = first_link.get_attribute("href").lstrip("#")
    assert page.evaluate("document.activeElement.id") == target
    assert_accessible(page)


def import_with_the_keyboard(page, agency, tmp_path, kind: str, name: str, content: str):
    """Upload, check and confirm a file using the keyboard alone; pauses (yields) at the
    values or courses step for the caller to change a choice."""
    path = tmp_path / name
    path.write_text(content)
    page.goto(f"/a/{agency.slug}/imports/new/")
    assert_accessible(page)
    choose_radio(page, "kind", kind)
    # The file control is reached and focused by keyboard; what Space then opens is the
    # operating system's file dialog, outside the page, so the file is handed over directly
    # (headless Chromium does not always raise that dialog for a key press).
    tab_to(page, field(page, "file"))
    field(page, "file").set_input_files(path)
    tab_to(page, page.get_by_role("button", name="Upload and check"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/imports/[0-9a-f-]{36}/$"))
    assert_accessible(page)
    tab_to(page, page.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")
    check = page.get_by_role("button", name="Check the file")
    check.wait_for()
    assert_accessible(page)  # the values or courses step
    yield page
    tab_to(page, check)
    page.keyboard.press("Enter")
    confirm = page.get_by_role("button", name=re.compile(r"^Import \d+ rows?"))
    confirm.wait_for()
    assert_accessible(page)  # the preview
    tab_to(page, confirm)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text(re.compile("Imported|imported")).first.wait_for()
    assert_accessible(page)


def test_an_editor_imports_a_roster_and_training_and_records_a_class(page, tmp_path):
    from agencies.models import Role
    from tests.conftest import member
    from tests.factories import AgencyFactory, course
    from training.models import CourseKind, Person, TrainingRecord

    agency = AgencyFactory(name="Riverton Police Department", slug="riverton-pd")
    editor = member(agency, Role.EDITOR, "sam@riverton.example")
    sign_in_with_the_keyboard(page, editor.email, PASSWORD)

    steps = import_with_the_keyboard(
        page, agency, tmp_path, "roster", "roster.csv", RIVERTON_ROSTER
    )
    values = next(steps)
    values.get_by_text("The column names are on row 2;").wait_for()
    assert values.get_by_label("Y", exact=True).input_value() == "sworn"
    assert values.get_by_label("LOA", exact=True).input_value() == "leave"
    # "Prof" means nothing the import knows: checking without saying what is refused with
    # the error summary focused and linked to it; then the coordinator says, by keyboard.
    prof = values.get_by_label("Prof", exact=True)
    assert prof.input_value() == ""
    tab_to(values, values.get_by_role("button", name="Check the file"))
    with values.expect_navigation():
        values.keyboard.press("Enter")
    summary = values.locator("[data-error-summary]")
    assert "Choose what “Prof” means." in summary.inner_text()
    assert values.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert_accessible(values)
    tab_to(values, prof)
    values.keyboard.type("Non")
    assert prof.input_value() == "non_sworn"
    next(steps, None)
    roster = {p.employee_id: p for p in Person.all_agencies.filter(agency=agency)}
    assert roster["1003"].category == "non_sworn" and roster["1001"].category == "sworn"
    assert roster["1001"].position == "Patrol - B Shift" and roster["1002"].status == "leave"

    steps = import_with_the_keyboard(
        page, agency, tmp_path, "training", "lms.csv", RIVERTON_TRAINING
    )
    courses = next(steps)
    tactics = courses.get_by_label("Defensive Tactics", exact=True)
    assert tactics.input_value() == "skip"
    cit = courses.get_by_label("Crisis Intervention Team (CIT)", exact=True)
    assert cit.input_value() == str(course(CourseKind.CIT).public_id)
    next(steps, None)
    assert TrainingRecord.all_agencies.filter(agency=agency).count() == 2

    page.goto(f"/a/{agency.slug}/classes/new/")
    assert_accessible(page)
    field(page, "course").select_option(str(course(CourseKind.MHFA).pk))
    field(page, "completed_on").fill("2026-11-20")
    page.get_by_label("Find on the roster").fill("ng")
    page.locator("label", has_text="Ng, Lily").click()
    submit(page, page.get_by_role("button", name="Record the class"))
    assert_accessible(page)
    lily = Person.all_agencies.get(agency=agency, employee_id="1003")
    assert TrainingRecord.all_agencies.filter(person=lily).count() == 1


def nav(page, name: str):
    """A link of the site's main navigation."""
    return page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name=name, exact=True
    )


def test_the_coordinator_records_an_mou_and_a_policy_and_submits(page, tmp_path):
    from agencies.models import Role
    from tests.conftest import member
    from tests.factories import AgencyFactory, TrainingRecordFactory, course, sign
    from tests.files import pdf_bytes
    from training.models import CourseKind

    agency = AgencyFactory(name="Riverton Police Department", slug="riverton-pd")
    coordinator = member(agency, Role.COORDINATOR, "dana@riverton.example")
    sign(agency, coordinator)
    for n in range(5):  # one in five with CIT, everyone trained
        kind = CourseKind.CIT if n == 0 else CourseKind.MHFA
        TrainingRecordFactory(person__agency=agency, course=course(kind))
    document = tmp_path / "signed.pdf"
    document.write_bytes(pdf_bytes())
    today = agency.today().isoformat()
    sign_in(page, coordinator.email)

    submit(page, nav(page, "Partnerships"))
    assert_accessible(page)
    submit(page, page.get_by_role("link", name="Add an organization"))
    assert_accessible(page)
    field(page, "name").fill("Riverton Crisis Center")
    field(page, "organization_type").select_option("crisis_center")
    submit(page, page.get_by_role("button", name="Save"))
    page.wait_for_url("**/partnerships/")

    submit(page, page.get_by_role("link", name="Add a partnership"))
    assert_accessible(page)
    field(page, "organization").select_option(label="Riverton Crisis Center")
    field(page, "title").fill("Crisis stabilization MOU")
    field(page, "signed_on").fill(today)
    field(page, "effective_on").fill(today)
    field(page, "alternative").fill("24/7 drop-off at the crisis unit instead of jail.")
    field(page, "signatory_1_name").fill("Ana Rivera")
    field(page, "signatory_1_title").fill("Chief of Police")
    field(page, "document").set_input_files(document)
    submit(page, page.get_by_role("button", name="Save"))
    page.get_by_role("heading", name="Crisis stabilization MOU").wait_for()
    assert_accessible(page)

    submit(page, nav(page, "Policy"))
    assert_accessible(page)
    page.goto(f"/a/{agency.slug}/policy/new/")
    assert_accessible(page)
    field(page, "title").fill("Response to persons in crisis")
    field(page, "adopted_on").fill(today)
    field(page, "effective_on").fill(today)
    for number, (name, _) in enumerate(POLICY_ELEMENTS, start=1):
        field(page, name).fill(f"§ {number}")
    field(page, "document").set_input_files(document)
    submit(page, page.get_by_role("button", name="Save"))
    page.wait_for_url("**/policy/")
    assert_accessible(page)

    submit(page, nav(page, "Dashboard"))
    assert_accessible(page)
    assert page.locator("main").get_by_text("Not met").count() == 0
    submit(page, page.get_by_role("link", name="Review and submit for certification"))
    page.wait_for_url("**/pledge/submit/")
    assert_accessible(page)
    summary = page.locator("main").inner_text()
    assert "This is what the program's reviewer will see" in summary
    assert "Response to persons in crisis" in summary  # the policy it rests on
    # Submitted with the keyboard alone, from the summary.
    tab_to(page, page.get_by_role("button", name="Submit for certification"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/a/{agency.slug}/")
    assert_accessible(page)
    assert Pledge.all_agencies.get(agency=agency).status == PledgeStatus.SUBMITTED
    assert "Being reviewed" in page.locator("main").inner_text()


def submitted_agency():
    """Riverton PD with every requirement met and its pledge submitted; its coordinator."""
    from agencies.models import Role
    from pledges import services
    from tests.conftest import member
    from tests.factories import AgencyFactory, meets_everything, sign

    agency = AgencyFactory(name="Riverton Police Department", slug="riverton-pd", region="OR")
    coordinator = member(agency, Role.COORDINATOR, "dana@riverton.example")
    meets_everything(agency)
    services.pledge_submit(agency=agency, actor=coordinator, pledge=sign(agency, coordinator))
    return agency, coordinator


def test_a_reviewer_returns_the_coordinator_resubmits_the_reviewer_approves(
    browser, live_server, page, reviewer
):
    from pledges.models import Certificate

    agency, coordinator = submitted_agency()

    # The reviewer, with a second factor, returns the submission with a comment.
    sign_in_with_totp(page, reviewer)
    page.goto("/staff/?q=Riverton")
    assert_accessible(page)
    submit(page, page.get_by_role("button", name="Verify Riverton Police Department"))
    agency.refresh_from_db()
    assert agency.verified
    page.goto("/staff/reviews/")
    assert_accessible(page)
    submit(
        page, page.get_by_role("link", name="Review the submission of Riverton Police Department")
    )
    assert_accessible(page)
    page.locator("label", has_text="Return for changes").click()
    field(page, "policy").fill("Section 4 must name the county crisis line.")
    submit(page, page.get_by_role("button", name="Record the decision"))
    assert Pledge.all_agencies.get(agency=agency).status == PledgeStatus.RETURNED

    # The coordinator, in a browser of their own, reads the comment and resubmits.
    agency_side = browser.new_context(base_url=live_server.url).new_page()
    sign_in(agency_side, coordinator.email)
    assert_accessible(agency_side)
    assert "Section 4 must name the county crisis line." in agency_side.locator("main").inner_text()
    submit(agency_side, agency_side.get_by_role("link", name="Review and submit again"))
    assert_accessible(agency_side)
    submit(agency_side, agency_side.get_by_role("button", name="Submit for certification"))
    assert Pledge.all_agencies.get(agency=agency).status == PledgeStatus.SUBMITTED

    # The reviewer sees what changed since the return (nothing here), then approves.
    page.goto("/staff/reviews/")
    submit(
        page, page.get_by_role("link", name="Review the submission of Riverton Police Department")
    )
    assert_accessible(page)
    changes = page.get_by_role("region", name="What changed since the return")
    assert "Nothing in the frozen evidence changed." in changes.inner_text()
    page.locator("label", has_text="Approve and certify").click()
    submit(page, page.get_by_role("button", name="Record the decision"))
    assert_accessible(page)
    assert Certificate.all_agencies.get(agency=agency).is_valid

    # The agency's own page, from its name in the agency list: its history, the certificate.
    page.goto("/staff/?q=Riverton")
    submit(page, page.get_by_role("link", name="Riverton Police Department"))
    assert_accessible(page)
    history = page.get_by_role("region", name="Pledges").inner_text()
    assert "Returned for changes → Submitted for certification" in history
    assert Certificate.all_agencies.get(agency=agency).number in history


def test_the_coordinator_downloads_the_certificate_and_anyone_verifies_it(
    browser, live_server, page
):
    from pypdf import PdfReader

    from pledges.certification import services as certification
    from pledges.models import Submission
    from tests.factories import UserFactory

    agency, coordinator = submitted_agency()
    type(agency).objects.filter(pk=agency.pk).update(verified=True)  # staff verified it
    submission = Submission.all_agencies.get(agency=agency)
    _, certificate = certification.review_approve(reviewer=UserFactory(), submission=submission)

    # The coordinator downloads it: the agency's, with its number.
    sign_in(page, coordinator.email)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate (PDF)").click(
            modifiers=["Alt"]  # Alt-click saves a link instead of opening it
        )
    pdf = PdfReader(download.value.path())
    text = "".join(p.extract_text() for p in pdf.pages)
    assert certificate.number in text and "Riverton Police Department" in text

    # Anyone can verify it, signed in or not.
    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto("/verify/")
    assert_accessible(visitor)
    visitor.get_by_label(re.compile("Certificate number", re.I)).fill(certificate.number)
    submit(visitor, visitor.get_by_role("button", name="Verify"))
    assert_accessible(visitor)
    page_text = visitor.locator("main").inner_text()
    assert certificate.number in page_text and "Riverton Police Department" in page_text

    # The agency renames itself: the certificate still names Riverton, and says so plainly.
    from agencies.services import agency_update

    agency_update(agency=agency, actor=coordinator, name="Portland Police Bureau")
    visitor.reload()
    assert_accessible(visitor)
    notice = visitor.get_by_role("heading", name=re.compile("has changed its name"))
    assert notice.is_visible()
    assert "issued to Riverton Police Department" in visitor.locator("main").inner_text()
