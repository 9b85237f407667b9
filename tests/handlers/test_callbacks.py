"""Callback data of inline buttons: every kind round-trips, anything else parses to None."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.callbacks import _KINDS, VERSION, Callback, make, parse

VALID = [
    ("plan", "lang-son"),
    ("plan", "vb286"),
    ("plan", "-"),
    ("unit", 12),
    ("unit", 0),
    ("unit", 999_999_999),
    ("skipunit", ""),
    ("ureq", "12.yes"),
    ("ureq", "999999999999.no"),
    ("uedit", "3.yes"),
    ("uedit", "3.no"),
    ("ugroup", "999999999999.nhom-co-quan-don-vi-dia-phuong"),
    ("sugg", "34.0"),
    ("sugg", "34.2"),
    ("fb", "34.up"),
    ("fb", "34.down"),
    ("approve", 7),
    ("approve", "999999999999"),
    ("reject", 7),
    ("ritem", "ls-dl-kiem-tra-thiet-bi"),
    ("ritem", "ls-dl-bao-cao-hang-nam@2026"),
    ("rstate", "vuong_mac"),
    ("rnote", "skip"),
    ("rconfirm", "yes"),
    ("rconfirm", "no"),
    ("rreply", 42),
    ("missing", "lang-son.ls-dl-bao-cao-hang-nam@2026"),
    ("nmute", "3.on"),
    ("nlead", "3.14-7-3-1"),
    ("nlead", "3.1"),
    ("nitem", "3.ls-dl-bao-cao-hang-nam"),
    ("announce", "yes"),
    ("duties", "12.1"),
    ("duties", "999999999.999"),
    ("rpage", "12.3"),
]


def test_every_kind_is_covered_by_the_round_trip_cases():
    assert {kind for kind, _ in VALID} == set(_KINDS)


@pytest.mark.parametrize(("kind", "arg"), VALID)
def test_make_then_parse_gives_back_the_kind_and_arg(kind, arg):
    data = make(kind, arg)
    assert data == f"{VERSION}:{kind}:{arg}"
    assert len(data.encode()) <= 64
    assert parse(data) == Callback(kind, str(arg))


def test_skipunit_needs_no_argument():
    assert make("skipunit") == "1:skipunit:"
    assert parse("1:skipunit:") == Callback("skipunit", "")


def test_parts_split_the_argument_at_dots():
    assert parse(make("sugg", "34.2")).parts == ["34", "2"]
    assert parse(make("fb", "8.down")).parts == ["8", "down"]
    assert parse(make("unit", 5)).parts == ["5"]


@pytest.mark.parametrize("data", [
    None,
    "",
    "1",
    "1:",
    "1:unit",  # no second colon
    "1::",
    ":unit:5",
    "2:unit:5",  # another version
    "0:unit:5",
    "01:unit:5",
    "v1:unit:5",
    "1:nope:5",  # unknown kind
    "1:UNIT:5",
    "1: unit:5",
    "1:unit:",
    "1:unit:abc",
    "1:unit:-1",
    "1:unit:+1",
    "1:unit: 5",
    "1:unit:5 ",
    "1:unit:5\n",  # a final newline is not part of an id
    "1:unit:1234567890",  # ten digits
    "1:unit:١٢",  # non-ASCII digits
    "1:unit:1:2",  # extra colon
    "1:plan:lang-son:x",
    "1:skipunit::",
    "1:skipunit:x",
    "1:skipunit:\n",
    "1:plan:",
    "1:plan:LANG-SON",
    "1:plan:lang son",
    "1:plan:lạng-sơn",
    "1:plan:" + "a" * 21,
    "1:plan:-\n",
    "1:duties:12",  # no page
    "1:duties:12.",
    "1:duties:12.1000",
    "1:duties:12.-1",
    "1:rpage:x.1",
    "1:sugg:34",
    "1:sugg:34.3",
    "1:sugg:.1",
    "1:sugg:34.1.1",
    "1:fb:34.maybe",
    "1:fb:34",
    "1:fb:34.UP",
    "1:fb:34.up\n",
    "1:approve:-1",
    "1:approve:1234567890123",
    "1:reject:x",
    "1:unit:" + "1" * 60,  # over 64 bytes
    "1:plan:" + "ạ" * 20,  # 20 characters but over 64 bytes
])
def test_parse_rejects_data_that_is_not_ours(data):
    assert parse(data) is None


def test_data_over_64_bytes_is_rejected_before_anything_else():
    assert parse("1:plan:" + "-" * 58) is None  # 65 bytes
    assert len(("1:plan:" + "-" * 57).encode()) == 64


@pytest.mark.parametrize(("kind", "arg"), [
    ("nope", 1),
    ("unit", "abc"),
    ("unit", -1),
    ("unit", 10**9),
    ("unit", ""),
    ("plan", "LANG SON"),
    ("plan", "a:b"),
    ("plan", ""),
    ("skipunit", "x"),
    ("ureq", "1.maybe"),
    ("ureq", "12"),
    ("uedit", "x.yes"),
    ("ugroup", "1.Nhom So"),
    ("ugroup", "1."),
    ("sugg", "1.9"),
    ("fb", "1.maybe"),
    ("approve", "1\n"),
    ("reject", "x"),
])
def test_make_refuses_arguments_the_parser_would_reject(kind, arg):
    with pytest.raises(ValueError, match="invalid callback data"):
        make(kind, arg)


@given(st.text())
def test_parse_never_raises_and_what_it_accepts_round_trips(data):
    callback = parse(data)
    if callback is not None:
        assert make(callback.kind, callback.arg) == data
        assert parse(make(callback.kind, callback.arg)) == callback


@given(st.builds(lambda version, kind, arg: f"{version}:{kind}:{arg}",
                 st.sampled_from([VERSION, "2", ""]),
                 st.sampled_from([*_KINDS, "x", ""]),
                 st.text(alphabet="0123456789.:-abdnopuz \n", max_size=30)))
def test_near_misses_parse_to_none_or_round_trip(data):
    callback = parse(data)
    if callback is not None:
        assert data.startswith(f"{VERSION}:{callback.kind}:")
        assert make(callback.kind, callback.arg) == data


@given(st.sampled_from(sorted(_KINDS)).flatmap(
    lambda kind: st.tuples(st.just(kind), st.from_regex(_KINDS[kind], fullmatch=True))))
def test_every_argument_matching_its_kind_round_trips(kind_and_arg):
    kind, arg = kind_and_arg
    assert parse(make(kind, arg)) == Callback(kind, arg)
