import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/directory/", "/verify/"]
)
def test_public_pages_are_accessible(page, path):
    page.goto(path)
    assert_accessible(page)


def test_the_accessibility_check_catches_a_violation(page):
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>'
    )
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
