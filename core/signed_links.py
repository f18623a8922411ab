"""Links that act without a login (DESIGN.md §5): a peer's invitation, a respondent's survey, a
private calendar feed.

A token is a signed value (`django.core.signing`, one salt per purpose) over the row's id and a
per-row nonce. Nothing stored is the token: the outbox keeps the row's id only and the link is
signed again when the email is rendered, so neither the database nor the outbox can be turned
back into a working link without the secret key. Revoking a link is a new nonce on the row;
expiry lives on the row (so a manager can extend it), not in the signature.
"""

import secrets

from django.core import signing

NONCE_BYTES = 16


def new_nonce() -> str:
    return secrets.token_urlsafe(NONCE_BYTES)


def _salt(purpose: str) -> str:
    return f"peerchallenge.link.{purpose}"


def _signer(purpose: str) -> signing.Signer:
    # Not signing.dumps, whose TimestampSigner makes a new token every second: one row's link
    # is one token (a redirect to the link's next page matches the emailed one), and expiry is
    # the row's, not the signature's.
    return signing.Signer(salt=_salt(purpose))


def make_token(purpose: str, pk: int, nonce: str) -> str:
    return _signer(purpose).sign_object([pk, nonce])


def read_token(purpose: str, token: str) -> tuple[int, str] | None:
    """The (id, nonce) a token was made for, or None for anything not signed by us for this
    purpose. The caller still checks the nonce against the row (revocation) and the row's
    own expiry."""
    try:
        value = _signer(purpose).unsign_object(token)
    except signing.BadSignature:
        return None
    match value:
        case [int() as pk, str() as nonce] if nonce:
            return pk, nonce
    return None


def nonce_matches(expected: str, given: str) -> bool:
    return secrets.compare_digest(expected.encode(), given.encode())
