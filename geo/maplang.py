"""Maps that change language in the browser (issue 18): one map for every UI language.

A map used to be built, rendered and sent once per language: a language switch on *Kort*
rebuilt the map (0.3 s), rendered it (0.3 s) and sent it again (1.3 MB on a city), and the
browser drew it from scratch. Here a map carries the texts of every language it may show and
switches them itself:

- :func:`label_html` writes a text as ``<span class="opspor-l" data-l-da="…" data-l-en="…">``
  (every text escaped); the span shows the first language's text until the map's script
  switches it. :func:`title_attrs` does the same for an element's ``title``.
- :class:`MapLanguage` (added first to a map) reads the UI language from the app page that
  holds the map's frame (``data-opspor-lang`` on its ``<html>``, set by the app on every run:
  ``ui/session.py``), switches every such span, the spans Leaflet adds later (tooltips,
  popups, the layer control) as they appear, and calls what other scripts registered with
  ``opsporOnLang`` (e.g. the report cells redraw their counts and tooltips). It also sets the
  frame's own ``<html lang>`` (WCAG 3.1.1).

So a language switch leaves the map's component arguments byte for byte the same: Streamlit
does not send it again, the frame is not reloaded, and the texts change in place.

Numbers written by the map's script follow :func:`ui.widgets.number_text` for whole numbers:
``1.816`` in Danish, ``1,816`` in English (:data:`GROUPING`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping

from branca.element import MacroElement, Template

Texts = Mapping[str, str]
"""One text in each language: ``{"da": "Kommunegrænse", "en": "Municipal boundary"}``; the
first language is the one a map shows before its script has read the UI's."""

GROUPING = {"da": ".", "en": ","}
"""The thousands separator of whole numbers per language (as ``ui.widgets.number_text``)."""


def texts_of(value: str | Texts) -> dict[str, str]:
    """``value`` as a language → text mapping (a plain string: one language, ``"da"``)."""
    if isinstance(value, str):
        return {"da": value}
    out = {str(k): str(v) for k, v in value.items()}
    if not out:
        raise ValueError("a text needs at least one language")
    return out


def _esc(value: object) -> str:
    """HTML-escaped, braces as entities (no template engine may see ``{{ … }}``)."""
    return html.escape(str(value)).replace("{", "&#123;").replace("}", "&#125;")


def label_html(value: str | Texts, *, shown: bool = True) -> str:
    """HTML for a text on a map: escaped; with more than one language (and texts that
    differ), a span the map's script switches (:class:`MapLanguage`). ``shown=False``: the
    span is empty until the script fills it (one copy of the text less, for texts sent by
    the thousand, e.g. every area's tooltip)."""
    texts = texts_of(value)
    first = next(iter(texts.values()))
    if len(set(texts.values())) == 1:
        return _esc(first)
    attrs = " ".join(f'data-l-{_esc(lang)}="{_esc(text)}"' for lang, text in texts.items())
    return f'<span class="opspor-l" {attrs}>{_esc(first) if shown else ""}</span>'


def title_attrs(value: str | Texts) -> str:
    """HTML attributes for an element's ``title`` on a map: ``title="…"`` in the first
    language, plus one ``data-lt-<lang>`` per language and the class the map's script looks
    for (merge into the element's own ``class``: none is written here when one language)."""
    texts = texts_of(value)
    first = next(iter(texts.values()))
    if len(set(texts.values())) == 1:
        return f'title="{_esc(first)}"'
    attrs = " ".join(f'data-lt-{_esc(lang)}="{_esc(text)}"' for lang, text in texts.items())
    return f'class="opspor-l" title="{_esc(first)}" {attrs}'


def aria_label_attrs(value: str | Texts) -> str:
    """``aria-label`` as :func:`title_attrs` writes ``title`` (``data-la-<lang>``)."""
    texts = texts_of(value)
    first = next(iter(texts.values()))
    if len(set(texts.values())) == 1:
        return f'aria-label="{_esc(first)}"'
    attrs = " ".join(f'data-la-{_esc(lang)}="{_esc(text)}"' for lang, text in texts.items())
    return f'class="opspor-l" aria-label="{_esc(first)}" {attrs}'


def languages_of(*values: str | Texts) -> list[str]:
    """Every language named by ``values``, the first value's first language first."""
    out: list[str] = []
    for v in values:
        for lang in texts_of(v):
            if lang not in out:
                out.append(lang)
    return out


_LANG_JS = """
{% macro script(this, kwargs) %}
(function () {
  var langs = {{ this.langs_json }};
  var grouping = {{ this.grouping_json }};
  function uiLang() {
    try {
      var l = window.parent.document.documentElement.getAttribute('data-opspor-lang');
      if (l && langs.indexOf(l) >= 0) { return l; }
    } catch (e) { /* not inside the app (a saved map): the first language */ }
    return langs[0];
  }
  var lang = uiLang();
  var hooks = [];
  window.opsporLangs = langs;
  window.opsporLang = function () { return lang; };
  window.opsporPick = function (v) {
    if (!Array.isArray(v)) { return v; }
    var i = langs.indexOf(lang);
    return v[i >= 0 && i < v.length ? i : 0];
  };
  window.opsporNumber = function (n) {
    return String(n).replace(/\\B(?=(\\d{3})+(?!\\d))/g, grouping[lang] || '');
  };
  window.opsporOnLang = function (fn) { hooks.push(fn); };
  function relabel(root) {
    var els = root.querySelectorAll ? Array.prototype.slice.call(root.querySelectorAll('.opspor-l')) : [];
    if (root.classList && root.classList.contains('opspor-l')) { els.push(root); }
    for (var i = 0; i < els.length; i++) {
      var v = els[i].getAttribute('data-l-' + lang);
      if (v !== null && els[i].textContent !== v) { els[i].textContent = v; }
      var tv = els[i].getAttribute('data-lt-' + lang);
      if (tv !== null && els[i].title !== tv) { els[i].title = tv; }
      var av = els[i].getAttribute('data-la-' + lang);
      if (av !== null) { els[i].setAttribute('aria-label', av); }
    }
  }
  function mark() {
    document.documentElement.setAttribute('lang', lang);
    document.documentElement.setAttribute('data-opspor-lang', lang);
  }
  function apply() {
    var l = uiLang();
    if (l === lang) { return; }
    lang = l;
    relabel(document);
    for (var i = 0; i < hooks.length; i++) { hooks[i](lang); }
    mark();
  }
  // what Leaflet adds later (tooltips, popups, markers) holds the first language's text, or
  // none yet (label_html(shown=False))
  new MutationObserver(function (changes) {
    for (var i = 0; i < changes.length; i++) {
      var added = changes[i].addedNodes;
      for (var j = 0; j < added.length; j++) { if (added[j].nodeType === 1) { relabel(added[j]); } }
    }
  }).observe(document.body, {childList: true, subtree: true});
  try {
    new MutationObserver(apply).observe(window.parent.document.documentElement,
      {attributes: true, attributeFilter: ['data-opspor-lang']});
  } catch (e) { /* not inside the app */ }
  mark();
  {{ this._parent.get_name() }}.whenReady(function () { relabel(document); });
})();
{% endmacro %}
"""


class MapLanguage(MacroElement):
    """The map's language switch (see the module); add it to the map before any element
    whose script calls ``opsporLang``, ``opsporPick``, ``opsporNumber`` or ``opsporOnLang``."""

    _template = Template(_LANG_JS)

    def __init__(self, langs: list[str], grouping: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self._name = "OpsporMapLanguage"
        self.langs_json = json.dumps([str(x) for x in langs])
        self.grouping_json = json.dumps({k: v for k, v in (grouping or GROUPING).items()})
