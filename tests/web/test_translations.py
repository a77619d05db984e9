"""Thai first: every message of the web app has its Thai translation, and the committed catalogue
is the one built from web/translations/th.py (python -m web.translations.build)."""
from __future__ import annotations

from web.translations.build import OUT, render


def test_every_message_is_translated_and_the_catalogue_is_current():
    po, mo, missing = render()
    assert missing == []
    assert (OUT / "messages.po").read_bytes() == po, "run: python -m web.translations.build"
    assert (OUT / "messages.mo").read_bytes() == mo, "run: python -m web.translations.build"
