"""Showing user-provided text safely in Streamlit markdown."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$])")


def md_escape(value: object) -> str:
    """Text that renders literally in Streamlit markdown (no markup, no HTML, no links).

    >>> md_escape("**x** <img src=x onerror=alert(1)>")
    '\\\\*\\\\*x\\\\*\\\\* &lt;img src=x onerror=alert\\\\(1\\\\)&gt;'
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False)).replace("\\&lt;", "&lt;")
