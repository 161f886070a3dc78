"""The discussion in a real headless Chromium: an XSS corpus that must run nothing, and a person
posting, replying, editing, retracting and voting the way they would."""

import re

import pytest

from discussion.models import Comment
from discussion.services import comment_create

from .conftest import ARTIFACTS, PASSWORD, settle
from .xss_corpus import PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user, next_path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(next_path)))


@pytest.mark.slow
def test_a_thread_holding_the_whole_xss_corpus_fires_no_dialog_and_runs_no_script(
    new_context,
    live_server,
    cast,
    theories,
) -> None:
    from playwright.sync_api import expect

    theory = theories[0]
    first = None
    for payload in PAYLOADS:
        comment = comment_create(
            author=cast.member, theory=theory, group=None, body=payload, stance="for"
        )
        first = first or comment
    # Replies and the group thread render the same bodies through the same template.
    comment_create(
        author=cast.outsider, theory=theory, group=None, body=PAYLOADS[8], parent_id=first.pk
    )
    for payload in PAYLOADS[:10]:
        comment_create(author=cast.member, theory=theory, group=cast.public, body=payload)

    context = new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    problems: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )

    log_in(page, live_server, cast.member, f"/theories/{theory.slug}/")
    expect(page.locator(".thread-item")).to_have_count(len(PAYLOADS) + 1)
    pages = [
        f"/theories/{theory.slug}/",
        f"/theories/{theory.slug}/for-and-against/",
        f"/groups/{cast.public.slug}/theories/{theory.slug}/",
        f"/comments/{first.pk}/versions/",
        f"/users/{cast.member.username}/",
    ]
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        # Give handlers that fire late (animations, focus, toggle) their chance, and hover
        # every link and block a payload might have decorated.
        for element in page.locator(".comment-body a, .comment-body p").all()[:200]:
            element.hover(timeout=2_000)
        settle(page)
        found = page.evaluate(
            """() => ({
                canary: typeof window.__xss,
                scripts: document.querySelectorAll('main script').length,
                handlers: [...document.querySelectorAll('.comment-body *')]
                    .flatMap(el => [...el.attributes].map(a => a.name))
                    .filter(name => name.startsWith('on') || name === 'style'),
                badLinks: [...document.querySelectorAll('.comment-body [href]')]
                    .map(el => el.getAttribute('href'))
                    .filter(h => /^\\s*(javascript|data|vbscript):/i.test(h)),
                frames: document.querySelectorAll('iframe, object, embed, svg, math').length,
            })"""
        )
        assert found == {
            "canary": "undefined",
            "scripts": 0,
            "handlers": [],
            "badLinks": [],
            "frames": 0,
        }, (path, found)
    page.goto(f"{live_server.url}/theories/{theory.slug}/")
    page.screenshot(path=str(ARTIFACTS / "discussion-xss.png"), full_page=False)
    assert dialogs == []
    assert problems == []


def test_post_reply_edit_retract_and_vote_as_a_user_would(
    new_context,
    live_server,
    cast,
    theories,
) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    theory = theories[2]
    context = new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server, cast.member, f"/theories/{theory.slug}/")

    # Post, with a preview first.
    form = page.locator("#comment-form")
    form.get_by_label("For").check()
    form.locator("textarea").fill("Auditing is *the* point, @fay agrees")
    form.get_by_role("button", name="Preview").click()
    expect(form.locator("[data-preview] em")).to_have_text("the")
    expect(form.locator("[data-preview] a")).to_have_text("@fay")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator(".message.success")).to_contain_text("Posted")
    first = page.locator(".thread-item").first
    expect(first.locator(".comment-body em")).to_have_text("the")
    expect(first.locator(".stance")).to_have_text("For")
    expect(page.locator("[data-stance-count=for]")).to_have_text("1")
    parent = Comment.objects.get()

    # Reply.
    first.locator("details.reply-box > summary").first.click()
    reply_form = first.locator("details.reply-box form").first
    reply_form.get_by_label("Against").check()
    reply_form.locator("textarea").fill("> the point\n\nOnly if it scales.")
    reply_form.get_by_role("button", name="Post reply").click()
    expect(page.locator(".message.success")).to_contain_text("Posted")
    reply = page.locator(f"#c-{parent.pk} details.replies .thread-item").first
    expect(reply.locator(".comment-body blockquote")).to_contain_text("the point")
    expect(page.locator(f"#c-{parent.pk} > details.replies > summary")).to_have_text("1 reply")
    expect(page.locator("[data-stance-count=against]")).to_have_text("1")

    # Collapse the replies, then open them again: <details> needs no script.
    page.locator(f"#c-{parent.pk} > details.replies > summary").click()
    expect(reply).to_be_hidden()
    page.locator(f"#c-{parent.pk} > details.replies > summary").click()
    expect(reply).to_be_visible()

    # Edit the first comment.
    page.locator(f"#c-{parent.pk} > article").get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit your comment")
    page.locator("textarea[name=body]").fill("Auditing is **a** point")
    page.get_by_role("button", name="Save changes").click()
    article = page.locator(f"#c-{parent.pk} > article")
    expect(article.locator(".comment-body strong")).to_have_text("a")
    expect(article.locator(".edited")).to_contain_text("edited")
    article.get_by_role("link", name="earlier versions").click()
    expect(page.locator(".version").nth(1)).to_contain_text("Auditing is the point")
    page.go_back()

    # Retract: kept, struck through, marked; then take it back.
    article = page.locator(f"#c-{parent.pk} > article")
    article.get_by_role("button", name="Retract").click()
    article = page.locator(f"#c-{parent.pk} > article")
    expect(article.locator(".retraction-note")).to_contain_text("no longer endorsed by its author")
    decoration = article.locator(".comment-body").evaluate(
        "el => getComputedStyle(el).textDecorationLine"
    )
    assert "line-through" in decoration
    expect(page.locator("[data-stance-count=for]")).to_have_text("0")
    page.screenshot(path=str(ARTIFACTS / "discussion-retracted.png"), full_page=True)
    article.get_by_role("button", name="Take back the retraction").click()
    expect(page.locator(f"#c-{parent.pk} > article .retraction-note")).to_have_count(0)

    # No vote buttons on one's own reply...
    own = page.locator(f"#c-{parent.pk} details.replies article").first
    expect(own.locator(".comment-body")).to_contain_text("Only if it scales")
    expect(own.get_by_role("button", name="Good comment")).to_have_count(0)
    # ...but on someone else's: quality up, then agreement.
    other = comment_create(
        author=cast.outsider, theory=theory, group=None, body="It does.", parent_id=parent.pk
    )

    def open_replies() -> None:
        page.evaluate(f"document.querySelector('#c-{parent.pk} > details.replies').open = true")

    def vote(name: str) -> None:
        # A vote is a form post: the page comes back with it. Wait for that page before opening
        # its replies (evaluated on the one still unloading, the query found nothing).
        with page.expect_navigation():
            page.locator(f"#c-{other.pk} > article").get_by_role("button", name=name).click()
        open_replies()

    page.reload()
    open_replies()
    vote("Good comment")
    reply_article = page.locator(f"#c-{other.pk} > article")
    expect(reply_article.locator("[data-score]")).to_have_text("1")
    expect(reply_article.get_by_role("button", name="Good comment")).to_have_attribute(
        "aria-pressed", "true"
    )
    vote("Disagree")
    expect(reply_article.locator(".agreement")).to_contain_text("disagree 1")
    # A second click withdraws the vote.
    vote("Good comment")
    expect(reply_article.locator("[data-score]")).to_have_text("0")
    assert not errors, errors


def test_a_group_thread_works_on_a_phone_with_the_keyboard_alone(
    new_context,
    live_server,
    cast,
    theories,
) -> None:
    from playwright.sync_api import expect

    theory = theories[0]
    comment_create(
        author=cast.facilitator,
        theory=theory,
        group=cast.public,
        body="A long unbroken word: " + "x" * 120,
        stance="against",
    )
    context = new_context(viewport={"width": 360, "height": 740}, has_touch=True)
    page = context.new_page()
    path = f"/groups/{cast.public.slug}/theories/{theory.slug}/"
    log_in(page, live_server, cast.member, path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(theory.title)
    page.wait_for_load_state("load")  # the deferred page script has run (it moves the focus)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    summary = page.locator("details.reply-box > summary").first
    summary.focus()
    page.keyboard.press("Enter")  # opens the reply box; the script moves focus into it
    expect(page.locator("details.reply-box textarea").first).to_be_focused()
    page.keyboard.type("Typed with the keyboard alone")
    page.keyboard.press("Tab")  # the "Post reply" button
    expect(page.get_by_role("button", name="Post reply").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".message.success")).to_contain_text("Posted")
    expect(page.locator(".thread-item .thread-item .comment-body")).to_contain_text(
        "Typed with the keyboard alone"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(ARTIFACTS / "discussion-phone.png"), full_page=True)
