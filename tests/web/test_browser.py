"""The web chat in a real browser: Debian's headless Chromium driven by Selenium.

Chromium and chromedriver come from Debian's packages (``.ci/run`` installs them);
Selenium is pointed at both, and SE_OFFLINE keeps Selenium Manager from ever
downloading a browser or a driver.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from iep_assistant.records import tickets
from iep_assistant.records.db import Database
from iep_assistant.records.models import AnswerFeedback
from iep_assistant.records.types import Channel, Speaker

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
_missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.rasa,
    pytest.mark.skipif(
        bool(_missing),
        reason=f"needs Debian's chromium and chromium-driver ({', '.join(_missing)} missing): "
        "apt-get install chromium chromium-driver",
    ),
]

FLAGS = (
    "--headless=new",
    "--no-sandbox",  # root in a container has no user namespace for the sandbox
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=412,915",  # a phone
)
WAIT = 30  # seconds: a Rasa answer, or a poll every 5 s
T = TypeVar("T")


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    monkeypatch.setenv("SE_OFFLINE", "true")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(tmp_path / "driver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: WebDriver, condition: Callable[[WebDriver], T], what: str) -> T:
    return WebDriverWait(driver, WAIT).until(condition, message=f"waited for {what}")


def bot_messages(driver: WebDriver) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, "#log .msg.bot")


def say(driver: WebDriver, text: str) -> None:
    box = driver.find_element(By.ID, "message")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


def next_bot_message(driver: WebDriver, seen: int, what: str) -> WebElement:
    """Wait for a bot message after the first ``seen`` ones, and return it."""
    wait_for(driver, lambda d: len(bot_messages(d)) > seen, what)
    return bot_messages(driver)[seen]


def words(message: WebElement) -> str:
    """A message's text without the label screen readers get ("Assistant:")."""
    return "\n".join(p.text for p in message.find_elements(By.CSS_SELECTOR, ":scope > p"))


def status(driver: WebDriver) -> str:
    return driver.find_element(By.ID, "status").text


def open_chat(driver: WebDriver, url: str) -> None:
    driver.get(url)
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete", "page")


def test_ask_click_a_button_and_rate_the_answer(
    browser: WebDriver, running_stack, records: Database
) -> None:
    open_chat(browser, running_stack.web_url)
    log = browser.find_element(By.ID, "log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    assert browser.find_element(By.CSS_SELECTOR, "label[for=message]").text
    greeting = len(bot_messages(browser))

    say(browser, "what is a 504 plan?")
    answer = next_bot_message(browser, greeting, "the answer")
    assert "504" in answer.text
    more = next(
        b
        for b in answer.find_elements(By.CSS_SELECTOR, ".choices button")
        if b.text.lower().startswith("tell me more")
    )
    more.click()
    follow_up = next_bot_message(browser, greeting + 1, "the follow-up")
    assert words(follow_up) and words(follow_up) != words(answer)

    helped = answer.find_element(By.CSS_SELECTOR, "button[aria-label='This answer helped']")
    assert helped.text == "👍"
    helped.click()
    thanks = wait_for(
        browser,
        lambda d: answer.find_elements(By.CSS_SELECTOR, ".thanks"),
        "thanks for the feedback",
    )[0]
    assert thanks.text == "Thanks for the feedback."
    assert not answer.find_elements(By.CSS_SELECTOR, ".feedback button")
    assert browser.switch_to.active_element == thanks  # focus is not lost

    # By keyboard: Enter on the follow-up's thumbs down.
    follow_up.find_element(
        By.CSS_SELECTOR, "button[aria-label='This answer did not help']"
    ).send_keys(Keys.ENTER)
    wait_for(browser, lambda d: follow_up.find_elements(By.CSS_SELECTOR, ".thanks"), "thanks")

    visitor = browser.get_cookie("iep_visitor")["value"]
    with records.session() as session:
        votes = session.scalars(
            select(AnswerFeedback)
            .where(AnswerFeedback.rater_ref == visitor)
            .order_by(AnswerFeedback.id)
        ).all()
        assert [(v.helpful, v.channel) for v in votes] == [
            (True, Channel.WEB),
            (False, Channel.WEB),
        ]
        assert all(re.fullmatch(r"web:[0-9a-f]{18}", v.answer_ref) for v in votes)

    # Readable on a phone: nothing wider than the screen; and nothing the CSP blocked.
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    problems = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not problems, problems


def test_hand_off_to_the_office_and_back(
    browser: WebDriver, running_stack, records: Database
) -> None:
    open_chat(browser, running_stack.web_url)
    seen = len(bot_messages(browser))

    say(browser, "talk to a person")
    question = next_bot_message(browser, seen, "the contact question")
    assert "email address or a phone number" in question.text
    say(browser, "pat.parent@example.org")
    handed = next_bot_message(browser, seen + 1, "the hand-off message")
    found = re.search(r"request #(\d+)", handed.text)
    assert found, handed.text
    ticket_id = int(found.group(1))
    assert "office" in browser.find_element(By.ID, "message-label").text.lower()

    say(browser, "Is the meeting still on Tuesday?")
    wait_for(browser, lambda d: "Sent to the school office" in status(d), "the sent status")
    assert len(bot_messages(browser)) == seen + 2  # the assistant stayed quiet
    mine = browser.find_elements(By.CSS_SELECTOR, "#log .msg.me")
    assert "Is the meeting still on Tuesday?" in mine[-1].text
    with records.session() as session:
        lines = tickets.transcript(session, ticket_id)
        assert (lines[-1].speaker, lines[-1].text) == (
            Speaker.PERSON,
            "Is the meeting still on Tuesday?",
        )

    # The office answers, then closes the request: the page polls and shows both.
    with records.session() as session:
        tickets.add_line(session, ticket_id, Speaker.STAFF, "Yes, Tuesday at 3.", now())
    office = wait_for(
        browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#log .msg.office"), "the reply"
    )[0]
    assert "School office" in office.text and "Yes, Tuesday at 3." in office.text
    with records.session() as session:
        tickets.close(session, ticket_id, None, now())
    asked = next_bot_message(browser, seen + 2, "the assistant taking over")
    assert "Did you get what you needed?" in asked.text
    next(
        b for b in asked.find_elements(By.CSS_SELECTOR, ".choices button") if "Yes" in b.text
    ).click()
    glad = next_bot_message(browser, seen + 3, "the assistant's answer")
    assert words(glad).startswith("Glad to hear it")
    assert "question" in browser.find_element(By.ID, "message-label").text.lower()


def now() -> datetime:
    return datetime.now(UTC)
