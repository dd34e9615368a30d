import pytest

from iep_assistant.message_input import MAX_CHARS, check_message


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", None, 42, {"a": 1}])
def test_empty_or_not_text_gets_a_clear_problem(raw):
    checked = check_message(raw)
    assert not checked.ok
    assert checked.problem


def test_huge_message_is_refused_with_its_length():
    checked = check_message("a" * 40_000)
    assert not checked.ok
    assert "40,000" in checked.problem


def test_binary_junk_is_cleaned_not_crashing():
    checked = check_message(b"what is an \x00\x01\xff IEP")
    assert checked.ok
    assert "\x00" not in checked.text
    assert "IEP" in checked.text


def test_emoji_only_gets_a_friendly_problem():
    assert not check_message("😀😀🙏").ok


def test_non_english_passes_through():
    checked = check_message("¿Qué es un IEP para mi hijo?")
    assert checked.ok
    assert checked.text == "¿Qué es un IEP para mi hijo?"


def test_whitespace_is_collapsed_and_limit_is_inclusive():
    assert check_message("  what   is\n an IEP ").text == "what is an IEP"
    assert check_message("a" * MAX_CHARS).ok
