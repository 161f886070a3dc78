"""Issue 7: the Content-Security-Policy holds on every page. Each page of the authorisation
matrix (and the API docs) is loaded in headless Chromium as a member; any CSP violation, page
error or console error fails the test. The policy allows no inline script and no eval."""

import pytest
from django.urls import reverse

from discussion.services import comment_create

from .conftest import settle
from .test_authz_matrix import MATRIX, Ctx, list_extra

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# /health/ is JSON, not a page; "download my data" is a JSON attachment.
NOT_PAGES = ("health", "profile_data", "list_similar")  # list_similar: the hint's JSON
PAGES = [row for row in MATRIX if not row.api and row.method == "get" and row.name not in NOT_PAGES]
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def test_no_page_violates_the_content_security_policy(
    new_context, live_server, cast, theories, make_user, rankings_backend
) -> None:
    from playwright.sync_api import expect  # noqa: F401

    ctx = Ctx(cast=cast, group=cast.public, theory=theories[2], staff=make_user("stan"))
    ctx.extra.update(list_extra(cast, "public"))  # the list pages' rows
    for key, author in (("comment", cast.facilitator), ("member_comment", cast.member)):
        ctx.extra[key] = comment_create(
            author=author,
            theory=ctx.theory,
            group=ctx.group,
            body="**Bold** and a [link](https://example.org).",
        )
    context = new_context()
    context.add_init_script(LISTEN)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"{page.url}: page error {exc}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{page.url}: console {msg.text}") if msg.type == "error" else None
        ),
    )
    # Log in as the facilitator, who may open every page of the matrix; staff too, so that the
    # staff-only moderation queue (issue 16) is checked as well.
    cast.facilitator.is_staff = True
    cast.facilitator.save(update_fields=["is_staff"])
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(cast.facilitator.username)
    page.locator("#id_password").fill("correct horse battery staple")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_load_state()
    urls = {
        reverse(row.name, kwargs=row.kwargs(ctx)) for row in PAGES if row.name != "group_import_job"
    }
    urls.add(reverse("api-docs"))
    visited = []
    for path in sorted(urls):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status < 400, (
            f"{path}: {response and response.status}"
        )
        settle(page)  # the page's scripts have run: charts fetched and drawn, polls answered
        violations = page.evaluate("window.__csp")
        problems.extend(f"{path}: CSP violation {v}" for v in violations)
        policy = response.headers.get("content-security-policy", "")
        assert "'unsafe-eval'" not in policy and "script-src 'self';" in policy + ";", path
        visited.append(path)
    assert len(visited) >= 15
    assert not problems, "\n".join(problems)
