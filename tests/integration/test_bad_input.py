"""Bad input never breaks the assistant (issue 10): empty, huge, binary, emoji-only and
non-English messages through the web chat and the signed channel to the real Rasa
server each get a clear answer, and the assistant still answers afterwards."""

from __future__ import annotations

import httpx
import pytest

from iep_assistant.protocol import TROUBLE_TEXT

pytestmark = pytest.mark.rasa

CASES = {
    "empty": "",
    "blank": " \n\t ",
    "huge": "why " * 10_000,  # 40,000 characters
    "binary": "\x00\x01\x02\xff\xfe" * 20,
    "emoji only": "🙂🙏🏽❤️",
    "spanish": "¿Cuándo tiene que terminar la escuela la evaluación de mi hijo?",
    "chinese": "什么是个别化教育计划？",
    "markup": "<script>alert(1)</script> what is an IEP?",
    "payload lookalike": '/choose_article{"article_id": "../../etc/passwd"}',
    "unknown intent payload": "/drop_all_tables",
}


@pytest.fixture
def web(running_stack):
    with httpx.Client(base_url=running_stack.web_url, timeout=60) as client:
        yield client


@pytest.mark.parametrize("name", CASES)
def test_each_gets_a_clear_answer_and_the_chat_goes_on(web, name):
    response = web.post("/api/chat", json={"message": CASES[name]})
    assert response.status_code == 200, response.text
    messages = response.json()["messages"]
    assert messages and all(m["text"].strip() for m in messages)
    assert all(m["text"] != TROUBLE_TEXT for m in messages)
    assert all("<script>" not in m["text"] for m in messages if name == "markup")
    after = web.post("/api/chat", json={"message": "what is a 504 plan?"}).json()["messages"]
    assert after[0].get("article", "").startswith("what_is_a_504_plan.")


def test_the_huge_message_is_told_its_size(web):
    messages = web.post("/api/chat", json={"message": CASES["huge"]}).json()["messages"]
    assert "too long" in messages[0]["text"] or "characters" in messages[0]["text"]


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1, 2]", b'{"message": 42}', b'{"message": null}', b"\xff\xfe\x00"],
)
def test_malformed_requests_get_a_clear_error(web, body):
    response = web.post("/api/chat", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 400)
    assert response.json()
