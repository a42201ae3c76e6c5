"""Numbers are read as kubectl reads them (Go's strconv), whatever their spelling."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from binks.tools.gonum import parse_go_bool, parse_go_int

_BASES = {2: ("0b", "0B"), 8: ("0o", "0O", "0"), 10: ("",), 16: ("0x", "0X")}
_DIGITS = "0123456789abcdef"


@st.composite
def go_literals(draw: st.DrawFn) -> tuple[str, int]:
    """A Go integer literal as pflag accepts it (base 0), with the value it means."""
    value = draw(st.integers(min_value=0, max_value=2**40))
    base = draw(st.sampled_from(sorted(_BASES)))
    prefix = draw(st.sampled_from(_BASES[base]))
    digits = ""
    rest = value
    while True:
        digits = _DIGITS[rest % base] + digits
        rest //= base
        if rest == 0:
            break
    if base == 16:
        digits = "".join(draw(st.sampled_from([char, char.upper()])) for char in digits)
    if prefix == "" and base == 10 and digits != "0":
        digits = digits.lstrip("0") or "0"
    if base == 10 and len(digits) > 1 and digits.startswith("0"):
        digits = digits.lstrip("0")
    separated = ""
    for index, char in enumerate(digits):
        if index and draw(st.booleans()):
            separated += "_"
        separated += char
    sign = draw(st.sampled_from(["", "+", "-"]))
    return f"{sign}{prefix}{separated}", -value if sign == "-" else value


@given(go_literals())
def test_every_go_spelling_means_its_value(literal: tuple[str, int]) -> None:
    text, value = literal
    assert parse_go_int(text) == value, text


@given(
    st.sampled_from(["0", "00", "000", "0x0", "0X00", "0o0", "0b0", "0_0", "0x_0", "-0", "+0", "-00", "+0x0"])
)
def test_every_spelling_of_zero_is_zero(text: str) -> None:
    assert parse_go_int(text) == 0


@given(
    st.sampled_from(
        ["", " 0", "0 ", "08", "0x", "0b2", "1__0", "_1", "1_", "0x_", "--1", "+-1", "1e3", "1.0", "٣", "0o8"]
    )
)
def test_what_go_rejects_is_none(text: str) -> None:
    assert parse_go_int(text) is None


def test_base_ten_for_klog_levels() -> None:
    assert parse_go_int("08", 10) == 8
    assert parse_go_int("+9", 10) == 9
    assert parse_go_int("0x9", 10) is None
    assert parse_go_int("1_0", 10) is None


def test_out_of_range_is_rejected_like_go() -> None:
    assert parse_go_int(str(2**63 - 1)) == 2**63 - 1
    assert parse_go_int(str(2**63)) is None


def test_bools() -> None:
    assert [parse_go_bool(text) for text in ("1", "t", "TRUE", "True", "0", "F", "false", "yes")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        None,
    ]
