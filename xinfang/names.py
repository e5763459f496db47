"""Finding a body by what people call it: 住建 for 县住房和城乡建设局, zjj for 住建局.

A name's search key holds the name, its short names and aliases, and each one's pinyin (full and initials, from
pypinyin), lower-cased and separated by spaces; a search matches the key by substring. A Chinese abbreviation is
usually its full name's characters in order (住建 in 住房和城乡建设局), so a search also matches names holding the typed
characters in order, ranked after the direct matches."""

import re

from pypinyin import Style, lazy_pinyin

ALIAS_SEPARATORS = re.compile(r"[\s、，,;；/]+")


def split_aliases(text: str) -> list[str]:
    """Aliases typed as one line (住建局、建设局 or 住建局 建设局), each once, in the order given."""
    seen = []
    for alias in ALIAS_SEPARATORS.split(text or ""):
        if alias and alias not in seen:
            seen.append(alias)
    return seen


def search_key(*names: str) -> str:
    """The search key of a body known by ``names`` (its name, short name and aliases)."""
    parts = []
    for name in names:
        name = (name or "").strip()
        if not name:
            continue
        parts.append(name.lower())
        parts.append("".join(lazy_pinyin(name)).lower())
        parts.append("".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower())
    return " ".join(dict.fromkeys(parts))


def normalised(query: str) -> str:
    """A typed search as it is compared with search keys: trimmed, lower-cased, inner spaces dropped."""
    return re.sub(r"\s+", "", query or "").lower()


def in_order_pattern(query: str) -> str:
    """A regular expression matching text that holds the characters of ``query`` in order (住.*建)."""
    return ".*".join(re.escape(char) for char in normalised(query))
