"""The shared words: values as stored, Dutch labels, the order of the stoplicht."""

from __future__ import annotations

import json

import pytest

from events.vocabulary import Domain, MilestoneKind, MilestoneState, Role, Stoplicht, is_email


def test_the_values_are_the_stored_strings():
    assert Domain.values() == ("jeugd", "wmo", "beide")
    assert MilestoneKind.values() == ("plan_ready", "pilot_start", "start", "evaluation", "decision",
                                      "delivery", "report", "other")
    assert MilestoneState.values() == ("gepland", "binnenkort", "te_laat", "gereed", "verschoven",
                                       "vervallen", "gestart", "zonder_termijn")
    assert Role.values() == ("beheerder", "stuurgroep", "trekker", "lezer")
    assert json.dumps([Stoplicht.ROOD, Domain.WMO]) == '["rood", "wmo"]'


def test_every_word_has_a_dutch_label():
    assert Domain.labels() == {"jeugd": "Jeugd", "wmo": "Wmo", "beide": "Jeugd en Wmo"}
    assert MilestoneState.TE_LAAT.label == "te laat"
    assert MilestoneKind("plan_ready").label == "plan gereed"


def test_the_stoplicht_is_ordered_by_severity():
    assert [c.severity for c in Stoplicht] == sorted(c.severity for c in Stoplicht)
    assert Stoplicht.worst("groen", "rood", "oranje") is Stoplicht.ROOD
    assert Stoplicht.worst(None, "onbekend") is Stoplicht.GROEN
    assert [c for c in Stoplicht if c.needs_explanation] == [Stoplicht.ORANJE, Stoplicht.ROOD]
    assert Stoplicht.choice_text() == "groen, oranje of rood"


def test_an_unknown_value_is_not_a_word():
    assert Domain.known("wmo") and not Domain.known("zorg") and not Domain.known(None)


@pytest.mark.parametrize(("text", "valid"), [
    ("anna@nijmegen.nl", True), ("anna@nijmegen", False), ("anna nijmegen.nl", False),
    ("an na@nijmegen.nl", False), ("", False), (None, False),
])
def test_one_check_of_an_email_address(text, valid):
    assert is_email(text) is valid
