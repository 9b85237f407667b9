"""Markdown → Telegram HTML / plain text, and splitting under Telegram's 4,096 characters."""

import re

from knowledge.render import (
    blocks_to_html,
    dropped_words,
    raw_markup,
    split_message,
    to_html,
    to_plain,
)
from knowledge.units import ResolvedUnit
from tests.conftest import TODAY

ALLOWED = {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}


def test_html_uses_only_telegram_tags():
    out = to_html("# Tiêu đề\n\n**đậm** và *nghiêng*\n\n- một\n- hai\n\n<div>x</div>")
    tags = {t.strip("/").split()[0] for t in re.findall(r"<([^>]+)>", out)}
    assert tags <= ALLOWED
    assert "• một" in out and "<b>đậm</b>" in out and "<i>nghiêng</i>" in out


def test_text_is_escaped_in_html():
    out = to_html("Sở KH&CN dùng 1 < 2 và a > b")
    assert "KH&amp;CN" in out and "&lt;" in out and "&gt;" in out


def test_raw_script_in_markdown_is_not_passed_through():
    out = to_html("<script>alert(1)</script> chữ")
    assert "<script>" not in out


def test_plain_text_has_no_tags_or_entities():
    out = to_plain("**Sở KH&CN**: hạn *15/01/2026*")
    assert out == "Sở KH&CN: hạn 15/01/2026"


def test_source_line_wraps_inside_a_paragraph_become_spaces():
    assert to_plain("một dòng\nnối tiếp") == "một dòng nối tiếp"


def test_split_keeps_every_part_under_the_limit_and_loses_nothing():
    paragraphs = [f"<b>Mục {i}</b> " + "nội dung " * 60 for i in range(40)]
    text = "\n\n".join(paragraphs)
    parts = split_message(text, 4096)
    assert len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    assert "\n\n".join(parts) == text


def test_split_of_one_huge_line_balances_tags():
    text = "<b>" + "chữ " * 3000 + "</b>"
    parts = split_message(text, 1000)
    assert all(len(p) <= 1000 for p in parts)
    for part in parts:
        assert part.count("<b>") == part.count("</b>")


def test_short_text_is_one_part():
    assert split_message("xin chào") == ["xin chào"]


def _real_answers(assistant):
    """Every kind of answer the real KB gives: entries, duties listings, declines."""
    questions = ["Sở Tài chính có nhiệm vụ gì?", "hạn gửi báo cáo năm", "giá vàng hôm nay",
                 "bí mật nhà nước là gì", "Điều 5 luật 2018", "số điện thoại liên hệ"]
    out = [assistant.find_answers(q, plan) for q in questions for plan in (None, *assistant.kb.plans)]
    for plan in assistant.kb.plans:
        for uid in assistant.kb.registry.units:
            unit = ResolvedUnit(assistant.kb.registry.name_of(uid), uid,
                                frozenset({uid}) | assistant.kb.registry.ancestors(uid))
            out.append(assistant.unit_duties(unit, plan, TODAY))
    return out


def test_blocks_render_as_the_whole_answer_would(assistant):
    answers = _real_answers(assistant)
    assert any(a.answered for a in answers) and any(not a.answered for a in answers)
    for answer in answers:
        assert blocks_to_html(answer.blocks) == to_html(answer.markdown)


def test_every_entry_renders_block_by_block_as_a_whole(assistant):
    for entry in assistant.kb.entries:
        blocks, _ = assistant.entry_blocks(entry, TODAY)
        assert blocks_to_html(blocks) == to_html("\n\n".join(blocks)), entry.id


def test_raw_html_is_shown_as_typed_not_dropped():
    assert to_plain("x <script>y") == "x <script>y"
    assert to_html("a <b>đậm</b> & z") == "a &lt;b&gt;đậm&lt;/b&gt; &amp; z"


def test_a_numbered_list_keeps_its_numbers_and_wrapped_lines_join_with_one_space():
    text = to_plain("Ba điểm:\n\n1. Một\n   dòng tiếp.\n2. Hai\n3. Ba")
    assert text == "Ba điểm:\n\n1. Một dòng tiếp.\n2. Hai\n3. Ba"


def test_dropped_words_finds_what_rendering_loses_and_raw_markup_names_it():
    assert "mất" in dropped_words('Có chữ\n\n[1]: https://x.y "mất"')  # a link definition vanishes
    assert raw_markup("x <script>y &nbsp; z") == ["<script>", "&nbsp;"]
    assert dropped_words("Xem [trang](https://example.org/a-b) nhé") == []


def test_a_run_of_spaces_and_a_wrapped_lines_indent_render_as_one_space():
    source = "- Giữ  nguyên: ba độ mật; khái\n  niệm   \"bảo vệ\".\n\n- Hạn:\tmột  \n  Hạn: hai"
    for out in (to_html(source), to_plain(source)):
        assert "khái niệm \"bảo vệ\"" in out and "Giữ nguyên" in out
        assert "một\nHạn: hai" in out  # a hard line break inside a bullet, without an indent


def _spacing_problems(text: str) -> list[str]:
    return [line for line in text.split("\n") if "  " in line or line.startswith(" ") or "\t" in line]


def test_no_answer_of_the_knowledge_base_has_runs_of_spaces(kb, assistant):
    # Every entry as any plan shows it, and every unit's duties and deadlines: no two spaces in a
    # row, no line starting with a space, in the chat (HTML) or on the command line (plain).
    texts = []
    for plan in (None, *kb.plans):
        texts.extend(assistant.render_entry(entry, TODAY, plan)[0] for entry in kb.entries)
    for plan in kb.plans:
        for unit_id in kb.registry.units:
            unit = kb.registry.resolved(unit_id)
            texts.append(assistant.unit_duties(unit, plan, TODAY).markdown)
            texts.append(assistant.unit_deadlines(unit, plan, TODAY).markdown)
    for markdown in texts:
        assert _spacing_problems(to_html(markdown)) == []
        assert _spacing_problems(to_plain(markdown)) == []
