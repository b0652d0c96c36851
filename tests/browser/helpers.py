"""Steps shared by the browser journeys."""

import re
import time

INVITATION_LINK = re.compile(r"https?://[^\s\"'<>]+/invitations/[A-Za-z0-9_-]+/")


def sign_in(page, url, email, password):
    """Fill and submit the sign-in form at `url`; callers assert where it lands (expect auto-waits)."""
    page.goto(url)
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def invitation_link(text):
    links = INVITATION_LINK.findall(text)
    assert links, f"no invitation link in:\n{text}"
    assert len(set(links)) == 1, f"expected one invitation link, found {links}"
    return links[0]


def wait_for(predicate, timeout=5.0, message="condition"):
    """Poll `predicate` until it returns something truthy (work done by another thread)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.05)
