"""What a unit sees of its plan: /nhiemvu (its own tasks first, every page reachable), /baocao
(only what it reports on, one item per task, dates with the year), and /tonghop and /xuat
showing a "vướng mắc" reported on a duty without a deadline."""

from __future__ import annotations

import re

from bot import exports
from bot.db.models import StatusRecord
from handlers import callbacks, texts
from handlers import report_texts as rt
from tests.handlers.conftest import ADMIN, ALICE, BOB, text_of

COMMUNE = "UBND xã Chi Lăng"
PLAN_TASK = "ls-iii6-ke-hoach"  # III.6: build the plan and send it to the BCĐ …
PLAN_DEADLINE = "ls-dl-gui-ke-hoach"  # … before 15/01/2026 (the same task)
POLICE_LED = "ls-iii1-kiem-dinh-thiet-bi"  # "Công an tỉnh: chủ trì kiểm định …" (communes only help)
UNDATED = "ls-ii2-tu-kiem-tra"  # a duty of every unit, without a deadline


async def _contact(chat, user, unit=COMMUNE, plan="lang-son"):
    await chat.send(ADMIN, "/start")
    await chat.send(ADMIN, f"/themdonvi {plan} {unit}")
    calls = await chat.send(ADMIN, f"/moi {plan} {unit}")
    code = calls[0].text.split("?start=")[1].split()[0]
    await chat.send(user, f"/start {code}")


def _more(calls) -> str | None:
    found = [data for call in calls for label, data in call.buttons if label.startswith("Xem thêm")]
    return found[0] if found else None


async def _every_page(chat, user, first_calls) -> list[str]:
    pages, calls = [text_of(first_calls)], first_calls
    while (data := _more(calls)) is not None:
        calls = await chat.press(user, data)
        pages.append(text_of(calls))
    return pages


async def test_duties_list_the_communes_own_assignment_first_and_every_page_is_reachable(chat):
    await _contact(chat, ALICE)
    first = await chat.send(ALICE, "/nhiemvu")
    pages = await _every_page(chat, ALICE, first)
    assert len(pages) > 1
    whole = "\n".join(pages)
    assert "nhiệm vụ khác" not in whole  # no "… và 7 nhiệm vụ khác (hỏi cụ thể hơn để xem)"
    count = int(re.search(r"— (\d+) nhiệm vụ, trang 1/", pages[0])[1])
    numbers = [int(n) for n in re.findall(r"^(\d+)\. <b>", whole, re.MULTILINE)]
    assert numbers == list(range(1, count + 1))
    # Its own assignment (III.6, to the communes) comes first, with its date and year.
    first_item = pages[0].split("\n1. ", 1)[1].split("\n2. ", 1)[0]
    assert "gửi Ban Chỉ đạo trước 15/01/2026" in first_item and "(mục III.6)" in first_item
    assert "Hạn: 15/01/2026" in first_item
    assert pages[0].index("Giao cho: UBND các xã, phường") < pages[0].index(
        "Giao cho: Các cơ quan, đơn vị, địa phương")
    # One line per task: the deadline of III.6 is not listed apart.
    assert whole.count("Hạn: 15/01/2026") == 1
    # Tasks another unit leads come last, as support.
    assert whole.index(texts.DUTIES_SUPPORT) > whole.index("(mục II.8)")
    assert "Công an tỉnh: chủ trì kiểm định" in whole.split(texts.DUTIES_SUPPORT)[1]
    assert _more(await chat.send(ALICE, "/nhiemvu")) == _more(first)  # the same pages again


async def test_a_duties_page_button_is_checked_against_the_pressers_unit(chat):
    await _contact(chat, ALICE)
    data = _more(await chat.send(ALICE, "/nhiemvu"))
    assert data is not None
    await chat.press(BOB, data)  # not a contact of that unit
    assert chat.answers[0].params["text"] == texts.DUTIES_GONE
    unit_id = callbacks.parse(data).parts[0]
    await chat.press(ALICE, callbacks.make("duties", f"{unit_id}.99"))  # past the end
    assert chat.answers[0].params["text"] == texts.DUTIES_GONE
    calls = await chat.press(ALICE, "1:duties:abc")  # malformed
    assert chat.answers[0].params["text"] == texts.STALE_BUTTON and calls == []


async def test_report_items_are_the_units_own_one_per_task_with_the_year(chat):
    await _contact(chat, ALICE)
    first = await chat.send(ALICE, "/baocao")
    calls, items = first, []
    while True:
        items.extend((label, data) for call in calls for label, data in call.buttons
                     if data.startswith("1:ritem:"))
        data = _more(calls)
        if data is None:
            break
        calls = await chat.press(ALICE, data)
    keys = [data.removeprefix("1:ritem:") for _, data in items]
    labels = [label for label, _ in items]
    assert PLAN_DEADLINE in keys and PLAN_TASK not in keys  # one item for the task
    assert POLICE_LED not in keys and not any("Công an tỉnh:" in label for label in labels)
    assert not any("Bộ Chỉ huy Quân sự" in label for label in labels)
    assert [int(label.split(".")[0]) for label in labels] == list(range(1, len(labels) + 1))
    assert "15/01/2026 · Hạn gửi kế hoạch" in labels[keys.index(PLAN_DEADLINE)]
    # Every number is accepted in one line, also those on later pages.
    last = len(keys)
    calls = await chat.send(ALICE, f"/baocao {last} đang làm")
    assert "BC-" in calls[0].text
    await chat.press(ALICE, callbacks.make("ritem", POLICE_LED))
    assert chat.answers[0].params["text"] == rt.ITEM_GONE
    calls = await chat.send(ALICE, f"/baocao {POLICE_LED} xong")
    assert "Không tìm thấy nhiệm vụ" in calls[0].text
    assert [s.item for s in chat.rows(StatusRecord)] == [keys[-1]]


async def test_reporting_again_on_a_task_updates_it_and_keeps_the_history(chat):
    await _contact(chat, ALICE)
    first = await chat.send(ALICE, "/baocao")
    number = next(label.split(".")[0] for label, data in first[0].buttons if data.endswith(PLAN_DEADLINE))
    calls = await chat.send(ALICE, f"/baocao {number} xong đã gửi KH số 12/KH")
    assert "BC-" in calls[0].text
    calls = await chat.send(ALICE, f"/baocao {PLAN_TASK} dang lam bổ sung phụ lục")  # the duty's id
    assert "BC-" in calls[0].text
    records = sorted((s.item, s.version, s.state) for s in chat.rows(StatusRecord))
    assert records == [(PLAN_DEADLINE, 1, "hoan_thanh"), (PLAN_DEADLINE, 2, "dang_thuc_hien")]
    calls = await chat.send(ALICE, "/baocao")
    label = next(label for label, data in calls[0].buttons if data.endswith(PLAN_DEADLINE))
    assert label.startswith(f"{number}. {rt.STATE_ICONS['dang_thuc_hien']}")
    history = text_of(await chat.send(ALICE, "/baocao lichsu"))
    assert history.index("Đang thực hiện") < history.index("Hoàn thành")
    assert history.count("Hạn gửi kế hoạch") == 2


async def test_a_blocked_duty_without_a_deadline_shows_in_the_overview_and_the_chart(chat, monkeypatch):
    await _contact(chat, ALICE)
    calls = await chat.send(ALICE, f"/baocao {UNDATED} vướng mắc chưa có cán bộ chuyên trách")
    assert "BC-" in calls[0].text
    calls = await chat.send(ADMIN, "/tonghop lang-son")
    text = text_of(calls)
    duties = text.split(rt.OVERVIEW_DUTIES.strip())[1]
    assert "Tự kiểm tra, rà soát" in duties and "⚠️ 1" in duties
    assert f"⚠️ Vướng mắc: {COMMUNE}" in duties
    missing = next(data for call in calls for _label, data in call.buttons if data.endswith(UNDATED))
    calls = await chat.press(ADMIN, missing)
    assert "Tự kiểm tra, rà soát" in calls[0].text and COMMUNE not in calls[0].text

    charted = []
    chart = exports.completion_chart

    def spy(overview, path, title):
        charted.extend(overview)
        chart(overview, path, title)

    monkeypatch.setattr(exports, "completion_chart", spy)
    calls = await chat.send(ADMIN, "/xuat lang-son")
    assert [c.method for c in calls].count("sendPhoto") == 1
    [row] = [r for r in charted if r.item.key == UNDATED]
    assert row.blocked == [COMMUNE]
    calls = await chat.send(ADMIN, f"/xuat lang-son {UNDATED}")
    assert [c.method for c in calls] == ["sendPhoto"]
