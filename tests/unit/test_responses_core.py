"""Macro placeholders, shortcut codes, addresses and category trees of stored responses."""

from __future__ import annotations

import pytest

from console.core.responses import (
    MacroContext,
    category_paths,
    fill_placeholders,
    normalize_shortcut,
    placeholders_in,
    valid_file_name,
    valid_url,
    would_cycle,
)

CONTEXT = MacroContext(
    visitor_name="Vera Lindqvist",
    agent_name="Alicia Adams",
    workgroup="Sales",
    interaction_id="1000000042",
    attributes={"order": "4411", "Preferred Time": "afternoon"},
)


def test_every_built_in_placeholder_is_filled_from_the_interaction():
    filled = fill_placeholders(
        "Hi {{visitor.first_name}} ({{visitor.name}}), {{agent.first_name}} ({{agent.name}}) of {{workgroup}} "
        "here; reference {{interaction.id}}.",
        CONTEXT,
    )
    assert filled.text == (
        "Hi Vera (Vera Lindqvist), Alicia (Alicia Adams) of Sales here; reference 1000000042."
    )
    assert filled.unknown == ()


def test_custom_attributes_the_visitor_sent_fill_attribute_placeholders():
    filled = fill_placeholders("Order {{attributes.order}}, call in the {{ attributes.preferred time }}.", CONTEXT)
    assert filled.text == "Order 4411, call in the afternoon."
    assert filled.unknown == ()


def test_placeholder_names_ignore_case_and_spaces_inside_the_braces():
    assert fill_placeholders("{{ Visitor.First_Name }}!", CONTEXT).text == "Vera!"


def test_unknown_placeholders_stay_in_the_text_as_written_and_are_reported_once():
    filled = fill_placeholders(
        "Dear {{visitor.first_name}}, order {{attributes.invoice}} ships to {{vistor.city}}; "
        "again {{attributes.invoice}}.",
        CONTEXT,
    )
    assert filled.text == "Dear Vera, order {{attributes.invoice}} ships to {{vistor.city}}; again {{attributes.invoice}}."
    assert filled.unknown == ("{{attributes.invoice}}", "{{vistor.city}}")


def test_text_without_placeholders_and_single_braces_pass_through_unchanged():
    text = 'JSON looks like {"a": 1}; sets like {1, 2}.'
    assert fill_placeholders(text, CONTEXT).text == text


def test_placeholders_in_lists_names_in_order_of_first_use():
    assert placeholders_in("{{workgroup}} {{visitor.name}} {{workgroup}}") == ["workgroup", "visitor.name"]


def test_a_placeholder_value_is_not_filled_again():
    context = MacroContext("{{agent.name}}", "Alicia Adams", "Sales", "1")
    assert fill_placeholders("Hello {{visitor.name}}", context).text == "Hello {{agent.name}}"


@pytest.mark.parametrize("raw, code", [("/hello", "hello"), ("Hello", "hello"), (" /pay-2_b ", "pay-2_b")])
def test_shortcut_codes_are_normalised(raw, code):
    assert normalize_shortcut(raw) == code


@pytest.mark.parametrize("raw", ["", "/", "-x", "hello world", "a" * 33, "héllo", "/bye!"])
def test_invalid_shortcut_codes_are_refused(raw):
    assert normalize_shortcut(raw) is None


@pytest.mark.parametrize("url, ok", [
    ("https://shop.example/pricing", True),
    ("http://shop.example/orders/{{attributes.order}}", True),
    ("ftp://shop.example/file", False),
    ("javascript:alert(1)", False),
    ("shop.example/pricing", False),
    ("https://shop.example/a b", False),
    ("", False),
])
def test_url_responses_need_absolute_http_addresses(url, ok):
    assert valid_url(url) is ok


@pytest.mark.parametrize("name, ok", [
    ("price-list.pdf", True), ("Prix été.csv", True), ("../etc/passwd", False), ("a/b.txt", False),
    (".hidden", False), ("", False), ("tab\there.txt", False), (" padded.txt", False), ("x" * 201, False),
])
def test_file_names_must_be_safe_to_save(name, ok):
    assert valid_file_name(name) is ok


def test_a_category_cannot_move_into_itself_or_below_itself():
    parents = {1: None, 2: 1, 3: 2, 4: None}
    assert would_cycle(parents, 1, 1)
    assert would_cycle(parents, 1, 3)
    assert not would_cycle(parents, 3, 4)
    assert not would_cycle(parents, 2, None)


def test_category_paths_read_from_the_root_down():
    names = {1: "Troubleshooting", 2: "Power", 3: "Guides"}
    assert category_paths(names, {1: None, 2: 1, 3: None}) == {
        1: "Troubleshooting", 2: "Troubleshooting / Power", 3: "Guides",
    }
