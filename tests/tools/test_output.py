"""Output caps: what is kept is a clean prefix of the output, and the note says what was cut."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from binks.tools.output import NOTE, cap_output

MAX_CHAR_BYTES = 4  # the longest UTF-8 encoding of one character


def _split(capped: str, cut: int) -> str:
    """The kept text of a capped output, the note checked and taken off."""
    note = NOTE.format(cut=cut)
    assert capped.endswith(note), capped[-200:]
    return capped[: -len(note)]


def test_short_output_passes_unchanged() -> None:
    assert cap_output("short", 1024) == ("short", 0)
    exact = "x" * 1024
    assert cap_output(exact, 1024) == (exact, 0)


def test_a_cut_falls_at_a_line_end_and_says_how_much_was_cut() -> None:
    lines = [f"line {i:04d}\n" for i in range(3000)]  # 10 bytes each
    text = "".join(lines)
    capped, cut = cap_output(text, 1024)
    kept = _split(capped, cut)
    assert kept == "".join(lines[:102])  # 1020 bytes: the last whole line within 1024
    assert cut == len(text) - len(kept)
    assert f"{cut} bytes cut" in capped


def test_a_long_line_is_cut_inside_it_rather_than_losing_most_of_the_output() -> None:
    text = "short\n" + "x" * 5000
    capped, cut = cap_output(text, 1024)
    assert _split(capped, cut) == text[:1024]
    assert cut == 5006 - 1024


def test_a_cut_never_splits_a_character() -> None:
    capped, cut = cap_output("é" * 2000, 1025)  # 2 bytes each: byte 1025 is inside one
    kept = _split(capped, cut)
    assert kept == "é" * 512
    assert cut == 4000 - 1024
    assert "\ufffd" not in capped


LINES = st.lists(st.text(st.characters(codec="utf-8"), max_size=40), max_size=20).map("\n".join)


@settings(max_examples=300)
@given(text=LINES, data=st.data())
def test_what_is_kept_is_the_longest_clean_prefix_within_the_limit(text: str, data: st.DataObject) -> None:
    limit = data.draw(st.integers(min_value=1, max_value=len(text.encode("utf-8")) + 2), label="limit")
    capped, cut = cap_output(text, limit)
    size = len(text.encode("utf-8"))
    if size <= limit:
        assert (capped, cut) == (text, 0)
        return
    kept = _split(capped, cut)
    kept_size = len(kept.encode("utf-8"))
    assert text.startswith(kept)
    assert kept_size <= limit
    assert cut == size - kept_size > 0
    newline = text.encode("utf-8")[:limit].rfind(b"\n")
    if newline >= limit // 2:
        assert kept_size == newline + 1, "cut at the last line end within the limit"
    else:
        assert kept_size > limit - MAX_CHAR_BYTES, "cut at the last whole character within the limit"
