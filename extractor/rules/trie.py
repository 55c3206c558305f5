"""One regex for a whole word list, built as a trie so matching stays fast.

Python's ``re`` tries the branches of ``a|b|c`` one after another at every position; with a
gazetteer of thousands of names that dominates the run time. Factoring the common prefixes
(``Japan|Japanese`` -> ``Japan(?:ese)?``) lets the engine reject a position after a character
or two. This is the "one big alternation" of the classic rule-based extractors, made cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = ""
Trie = dict[str, "Trie"]


def trie_pattern(words: Iterable[str]) -> str:
    """A regex source (no anchors, no flags) matching any of ``words``, longest first."""
    trie: Trie = {}
    for word in words:
        if not word:
            continue
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _node_pattern(trie) if trie else "(?!)"


def _node_pattern(node: Trie) -> str:
    optional = _END in node
    branches = [
        re.escape(char) + _node_pattern(child)
        for char, child in sorted(node.items())
        if char != _END
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if optional:
        return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"
    return body
