"""Reading a question: the plan it is asked in, the unit it is about, what it asks."""


def test_an_asker_who_introduces_their_unit_asks_about_that_unit(assistant):
    asked = assistant.reader.read("em là chuyên viên Sở Tài chính, đơn vị em có nhiệm vụ gì",
                                  "lang-son", None)
    assert asked.target is not None and asked.target.id == "so-tai-chinh"
    assert asked.own_unit and asked.wants_listing
    assert asked.boost_units == ["so-tai-chinh"]


def test_a_department_merged_before_the_plan_is_read_as_its_successor(assistant):
    asked = assistant.reader.read("Sở GTVT có nhiệm vụ gì trong KH", "lang-son", None)
    assert asked.target is not None and asked.target.id == "so-xay-dung"
    assert asked.renamed == (("so-giao-thong-van-tai", "so-xay-dung"),)


def test_a_plan_the_question_names_becomes_the_plan_in_view(assistant):
    asked = assistant.reader.read("KH 109 do ai ký", None, None)
    assert asked.plan == "dong-nai"
    assert asked.named_plans == frozenset({"dong-nai"})
    assert asked.target is None and not asked.wants_listing
