from iep_assistant.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify

SECRET = "s3cret"
BODY = b'{"sender": "U123", "message": "hi"}'


def test_a_fresh_signature_verifies():
    headers = sign(SECRET, BODY, now=1_000_000)
    assert verify(SECRET, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], BODY, now=1_000_010)


def test_a_changed_body_fails():
    headers = sign(SECRET, BODY, now=1_000_000)
    forged = BODY.replace(b"U123", b"U999")
    assert not verify(
        SECRET, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], forged, now=1_000_000
    )


def test_a_stale_signature_fails():
    headers = sign(SECRET, BODY, now=1_000_000)
    assert not verify(
        SECRET, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], BODY, now=1_000_301
    )


def test_another_secret_fails():
    headers = sign("other", BODY, now=1_000_000)
    assert not verify(
        SECRET, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], BODY, now=1_000_000
    )


def test_no_secret_fails_closed():
    headers = sign("", BODY, now=1_000_000)
    assert not verify("", headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], BODY, now=1_000_000)


def test_garbage_headers_fail():
    assert not verify(SECRET, "yesterday", "v1=abc", BODY)
    assert not verify(SECRET, None, None, BODY)
