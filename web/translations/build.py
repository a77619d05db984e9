"""Write the Thai catalogue (.po for translators and review, .mo for the app) from ``th.py``
and the messages the code uses (extracted with Babel). ``python -m web.translations.build``."""
from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from .th import TH

WEB = Path(__file__).resolve().parent.parent
OUT = WEB / "translations" / "th" / "LC_MESSAGES"
FIXED_DATE = datetime(2026, 12, 4, tzinfo=UTC)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]


def catalog() -> tuple[Catalog, list[str]]:
    """The Thai catalogue of every message the web app uses, and the messages with no translation."""
    cat = Catalog(locale="th", project="Krabuan", charset="utf-8", fuzzy=False,
                  creation_date=FIXED_DATE, revision_date=FIXED_DATE)  # the same bytes whenever it is built
    missing = []
    for _file, _line, message, _comments, _context in extract_from_dir(
            WEB, method_map=METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {}}):
        msgid = message if isinstance(message, str) else tuple(message)
        key = msgid if isinstance(msgid, str) else msgid[0]
        if key in ("",) or cat.get(msgid) is not None:
            continue
        translated = TH.get(key)
        if translated is None:
            missing.append(key)
        cat.add(msgid, translated)
    return cat, missing


def render() -> tuple[bytes, bytes, list[str]]:
    cat, missing = catalog()
    po, mo = io.BytesIO(), io.BytesIO()
    write_po(po, cat, omit_header=True, sort_output=True, width=120)
    write_mo(mo, cat)
    return po.getvalue(), mo.getvalue(), missing


def main() -> None:
    po, mo, missing = render()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "messages.po").write_bytes(po)
    (OUT / "messages.mo").write_bytes(mo)
    for key in missing:
        print(f"no Thai translation: {key!r}")


if __name__ == "__main__":
    main()
