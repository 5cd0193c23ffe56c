"""Ordered YAML nodes for the emitters: insertion order is the order the file shows."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq


def cmap(*pairs: tuple[str, Any]) -> CommentedMap:
    out = CommentedMap()
    for key, value in pairs:
        out[key] = value
    return out


def cseq(items: list[Any]) -> CommentedSeq:
    out = CommentedSeq()
    out.extend(items)
    return out
