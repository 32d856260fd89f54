"""Letters to the doors where nobody opened (issue 17): the team's phone number, opening
hours and name, and the letter's template, kept as workspace settings.

The ``settings.value`` column holds at most 200 characters, so the template is stored in
pieces: ``letter_template.01``, ``letter_template.02``, … (no piece: the default,
:data:`detection.routes.letters.DEFAULT_TEMPLATE`). The letters themselves are drawn by
:mod:`detection.routes.letters` from a plan the caller may read.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from detection.repository.base import RepositoryBase, operation
from detection.routes.letters import (
    DEFAULT_TEMPLATE,
    HOURS_KEY,
    LETTER_KEYS,
    PHONE_KEY,
    TEAM_KEY,
    TEMPLATE_KEY,
    LetterSetup,
    check_letter_setting,
    check_template,
)
from detection.store import engine as store_engine
from detection.store import schema as t

#: characters per stored piece of the template (the ``settings.value`` column's length)
PIECE_CHARS = 200


def _piece_key(n: int) -> str:
    return f"{TEMPLATE_KEY}.{n:02d}"


class LetterOps(RepositoryBase):
    """The letters' settings: phone number, opening hours, team name and template."""

    def _letter_setup(self) -> LetterSetup:
        with store_engine.read_tx(self.engine) as conn:
            rows = dict(conn.execute(select(t.settings.c.key, t.settings.c.value).where(
                t.settings.c.key.in_(LETTER_KEYS) | t.settings.c.key.like(f"{TEMPLATE_KEY}.%"))).all())
        pieces = sorted(k for k in rows if k.startswith(f"{TEMPLATE_KEY}."))
        return LetterSetup(phone=rows.get(PHONE_KEY, ""), hours=rows.get(HOURS_KEY, ""),
                           team=rows.get(TEAM_KEY, ""), template="".join(rows[k] for k in pieces))

    @operation("settings.read")
    def letter_setup(self) -> LetterSetup:
        """The letters' settings as stored (empty fields: not set; the template's default
        and the team's default name are :attr:`LetterSetup.text` and ``team_name``)."""
        return self._letter_setup()

    @operation("settings.read")
    def letter_settings(self) -> dict[str, object]:
        """The letters' settings for ``opspor settings``: ``team_phone``, ``team_hours``,
        ``team_name`` (empty: not set), ``letter_template`` (the text in use) and
        ``letter_template_default`` (true when nobody has written another)."""
        s = self._letter_setup()
        return {PHONE_KEY: s.phone, HOURS_KEY: s.hours, TEAM_KEY: s.team, TEMPLATE_KEY: s.text,
                "letter_template_default": not s.template}

    @operation("letters.write")
    def set_letter_setting(self, key: str, value: str | None) -> LetterSetup:
        """Set ``team_phone``, ``team_hours`` or ``team_name`` (empty clears it). Raises
        :class:`InputError` (:func:`detection.routes.letters.check_letter_setting`)."""
        text = check_letter_setting(key, value)
        with store_engine.write_tx(self.engine) as conn:
            conn.execute(delete(t.settings).where(t.settings.c.key == key))
            if text:
                conn.execute(insert(t.settings).values(key=key, value=text))
            self._audit(conn, "settings.write", f"{key}={text}", "change workspace settings")
        return self._letter_setup()

    @operation("letters.write")
    def set_letter_template(self, text: str | None) -> LetterSetup:
        """Replace the letter's template; ``None`` or ``""`` restores the default. A template
        with an unknown placeholder, a health word or an acronym is refused
        (:class:`InputError`, :func:`detection.routes.letters.check_template`) and the
        template in use is kept."""
        checked = check_template(text) if (text or "").strip() else ""
        if checked == DEFAULT_TEMPLATE:
            checked = ""  # the default as it is: keep following the default
        with store_engine.write_tx(self.engine) as conn:
            conn.execute(delete(t.settings).where(t.settings.c.key.like(f"{TEMPLATE_KEY}.%")))
            for n, start in enumerate(range(0, len(checked), PIECE_CHARS), start=1):
                conn.execute(insert(t.settings).values(key=_piece_key(n), value=checked[start:start + PIECE_CHARS]))
            what = f"{len(checked)} characters" if checked else "the default"
            self._audit(conn, "settings.write", f"{TEMPLATE_KEY}: {what}", "change workspace settings")
        return self._letter_setup()

    @operation("letters.write")
    def set_letters(self, *, phone: str | None, hours: str | None, team: str | None,
                    template: str | None) -> LetterSetup:
        """Set all the letters' settings at once (the app's form): every value is checked
        first, and nothing is saved when one is refused (:class:`InputError` naming it)."""
        values = {PHONE_KEY: check_letter_setting(PHONE_KEY, phone), HOURS_KEY: check_letter_setting(HOURS_KEY, hours),
                  TEAM_KEY: check_letter_setting(TEAM_KEY, team)}
        checked = check_template(template) if (template or "").strip() else ""
        if checked == DEFAULT_TEMPLATE:
            checked = ""  # the default as it is: keep following the default
        with store_engine.write_tx(self.engine) as conn:
            conn.execute(delete(t.settings).where(t.settings.c.key.in_(LETTER_KEYS)
                                                  | t.settings.c.key.like(f"{TEMPLATE_KEY}.%")))
            for k, v in values.items():
                if v:
                    conn.execute(insert(t.settings).values(key=k, value=v))
            for n, start in enumerate(range(0, len(checked), PIECE_CHARS), start=1):
                conn.execute(insert(t.settings).values(key=_piece_key(n), value=checked[start:start + PIECE_CHARS]))
            what = f"{len(checked)} characters" if checked else "the default"
            self._audit(conn, "settings.write", ", ".join(f"{k}={v}" for k, v in values.items())
                        + f"; {TEMPLATE_KEY}: {what}", "change workspace settings")
        return self._letter_setup()
