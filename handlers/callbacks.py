"""Callback data of inline buttons: versioned, short, and parsed strictly.

Anyone can send any callback data (a modified client, an old button), so a button carries only a
kind and ids — never a permission — and every handler re-checks on the server who may do what.
Data with another version, an unknown kind or malformed fields parses to `None`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["VERSION", "Callback", "make", "parse"]

VERSION = "1"
_MAX_BYTES = 64  # Telegram's limit for callback_data

# kind → pattern of its arguments (ASCII digits only: `\d` would also match "١٢")
_KINDS: dict[str, re.Pattern[str]] = {
    "plan": re.compile(r"^(?:[a-z0-9-]{1,20}|-)$", re.ASCII),  # a plan slug, or "-" for "no plan"
    "unit": re.compile(r"^\d{1,9}$", re.ASCII),  # units.id, or 0 for "another unit"
    "skipunit": re.compile(r"^$", re.ASCII),
    "ureq": re.compile(r"^\d{1,12}\.(?:yes|no)$", re.ASCII),  # unit draft id . confirm sign-up
    "uedit": re.compile(r"^\d{1,12}\.(?:yes|no)$", re.ASCII),  # unit draft id . confirm a change
    "ugroup": re.compile(r"^\d{1,12}\.[a-z0-9-]{1,40}$", re.ASCII),  # unit draft id . group id
    "sugg": re.compile(r"^\d{1,12}\.[0-2]$", re.ASCII),  # question log id . suggestion index
    "fb": re.compile(r"^\d{1,12}\.(?:up|down)$", re.ASCII),  # question log id . feedback
    "approve": re.compile(r"^\d{1,12}$", re.ASCII),  # contact id
    "reject": re.compile(r"^\d{1,12}$", re.ASCII),
    "ritem": re.compile(r"^[a-z0-9-]{1,40}(?:@\d{4})?$", re.ASCII),  # an item key to report on
    "rstate": re.compile(r"^(?:chua_thuc_hien|dang_thuc_hien|hoan_thanh|vuong_mac)$", re.ASCII),
    "rnote": re.compile(r"^skip$", re.ASCII),
    "rconfirm": re.compile(r"^(?:yes|no)$", re.ASCII),
    "rreply": re.compile(r"^\d{1,12}$", re.ASCII),  # status id an admin answers
    "nmute": re.compile(r"^\d{1,12}\.(?:on|off)$", re.ASCII),  # subscription id . mute all
    "nlead": re.compile(r"^\d{1,12}\.\d{1,2}(?:-\d{1,2}){0,4}$", re.ASCII),  # subscription . lead days
    "nitem": re.compile(r"^\d{1,12}\.[a-z0-9-]{1,40}$", re.ASCII),  # subscription . deadline id
    "announce": re.compile(r"^(?:yes|no)$", re.ASCII),
    "duties": re.compile(r"^\d{1,9}\.\d{1,3}$", re.ASCII),  # units.id . page of /nhiemvu
    "rpage": re.compile(r"^\d{1,9}\.\d{1,3}$", re.ASCII),  # units.id . page of /baocao
    "missing": re.compile(r"^[a-z0-9-]{1,20}\.[a-z0-9-]{1,40}(?:@\d{4})?$", re.ASCII),  # plan . item
}


@dataclass(frozen=True, slots=True)
class Callback:
    kind: str
    arg: str

    @property
    def parts(self) -> list[str]:
        return self.arg.split(".")


def make(kind: str, arg: str | int = "") -> str:
    """The callback data for a button; raises ValueError for data the parser would refuse."""
    data = f"{VERSION}:{kind}:{arg}"
    if parse(data) is None:
        raise ValueError(f"invalid callback data {data!r}")
    return data


def parse(data: str | None) -> Callback | None:
    """The button pressed, or None when the data is not ours, old, or malformed."""
    if not data or len(data.encode("utf-8")) > _MAX_BYTES:
        return None
    version, sep, rest = data.partition(":")
    kind, sep2, arg = rest.partition(":")
    if version != VERSION or not sep or not sep2:
        return None
    pattern = _KINDS.get(kind)
    if pattern is None or not pattern.fullmatch(arg):  # `$` alone would allow a final "\n"
        return None
    return Callback(kind, arg)
