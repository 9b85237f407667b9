"""Settings from the environment: defaults, an error naming each bad variable, no secrets in repr."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.clock import DEFAULT_TIMEZONE
from bot.settings import DEFAULT_DATABASE_URL, Settings, SettingsError

PLANS = ["lang-son", "lao-cai"]
TOKEN = "123456789:AAH-some_Secret-Token-Value-0123456789"
SECRET = "webhook-Secret_0123456789"


def settings(**env: str) -> Settings:
    return Settings.from_env(env, plans=PLANS)


def test_an_empty_environment_gives_the_defaults():
    s = settings()
    assert s.token is None
    assert s.api_base_url is None
    assert s.database_url == DEFAULT_DATABASE_URL
    assert s.admin_ids == frozenset()
    assert s.default_plan is None
    assert s.timezone == DEFAULT_TIMEZONE
    assert s.tz.key == DEFAULT_TIMEZONE
    assert s.webhook_url is None
    assert s.webhook_listen == "127.0.0.1"
    assert s.webhook_port == 8443
    assert s.webhook_secret is None
    assert s.registered_only is False
    assert s.flood_limit == 20


def test_blank_values_count_as_unset():
    s = settings(TELEGRAM_BOT_TOKEN="  ", ADMIN_IDS="", WEBHOOK_PORT=" ", TIMEZONE="")
    assert s.token is None and s.admin_ids == frozenset()
    assert s.webhook_port == 8443 and s.timezone == DEFAULT_TIMEZONE


def test_good_values_are_read():
    s = settings(
        TELEGRAM_BOT_TOKEN=f" {TOKEN} ",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:8081/bot/",
        DATABASE_URL="postgresql+psycopg://bot@db/bmnn",
        ADMIN_IDS="42",
        DEFAULT_PLAN="lao-cai",
        TIMEZONE="Europe/Paris",
        WEBHOOK_URL="https://bot.example.org/hook",
        WEBHOOK_LISTEN="0.0.0.0",
        WEBHOOK_PORT="443",
        WEBHOOK_SECRET=SECRET,
        REGISTERED_ONLY="yes",
        FLOOD_LIMIT="5",
    )
    assert s.token == TOKEN
    assert s.api_base_url == "http://127.0.0.1:8081/bot"  # trailing slash removed
    assert s.database_url == "postgresql+psycopg://bot@db/bmnn"
    assert s.admin_ids == frozenset({42})
    assert s.default_plan == "lao-cai"
    assert s.tz.key == "Europe/Paris"
    assert s.webhook_url == "https://bot.example.org/hook"
    assert s.webhook_listen == "0.0.0.0"
    assert s.webhook_port == 443
    assert s.webhook_secret == SECRET
    assert s.registered_only is True
    assert s.flood_limit == 5


@pytest.mark.parametrize("ids", ["1,2,3", "1;2;3", "1 2 3", " 1, 2 ;3\t", "1,,2;;3", "3,2,1,1"])
def test_admin_ids_accept_commas_semicolons_and_spaces(ids):
    assert settings(ADMIN_IDS=ids).admin_ids == frozenset({1, 2, 3})


@pytest.mark.parametrize(("variable", "value"), [
    ("TELEGRAM_BOT_TOKEN", "not-a-token"),
    ("TELEGRAM_BOT_TOKEN", "123456:short"),
    ("TELEGRAM_BOT_TOKEN", "abc:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    ("TELEGRAM_BOT_TOKEN", "123456:AAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAA"),
    ("TELEGRAM_BOT_TOKEN", "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nx"),
    ("TELEGRAM_API_BASE_URL", "ftp://127.0.0.1/bot"),
    ("TELEGRAM_API_BASE_URL", "127.0.0.1:8081/bot"),
    ("TELEGRAM_API_BASE_URL", "http://"),
    ("ADMIN_IDS", "12,abc"),
    ("ADMIN_IDS", "0"),
    ("ADMIN_IDS", "-5"),
    ("ADMIN_IDS", "1.5"),
    ("ADMIN_IDS", "²"),  # str.isdigit() is true, int() fails
    ("ADMIN_IDS", "١٢٣"),  # non-ASCII digits
    ("DEFAULT_PLAN", "ha-noi"),
    ("TIMEZONE", "Mars/Olympus_Mons"),
    ("TIMEZONE", "../etc/passwd"),
    ("WEBHOOK_URL", "http://bot.example.org/hook"),
    ("WEBHOOK_URL", "bot.example.org/hook"),
    ("WEBHOOK_SECRET", "short-secret"),
    ("WEBHOOK_SECRET", "has spaces in the secret value"),
    ("WEBHOOK_SECRET", "bad!chars$in#the@secret"),
    ("WEBHOOK_SECRET", "x" * 257),
    ("WEBHOOK_PORT", "0"),
    ("WEBHOOK_PORT", "65536"),
    ("WEBHOOK_PORT", "-1"),
    ("WEBHOOK_PORT", "http"),
    ("WEBHOOK_PORT", "²"),
    ("WEBHOOK_PORT", "٤٤٣"),
    ("REGISTERED_ONLY", "maybe"),
    ("REGISTERED_ONLY", "2"),
    ("FLOOD_LIMIT", "0"),
    ("FLOOD_LIMIT", "1001"),
    ("FLOOD_LIMIT", "ten"),
])
def test_a_bad_value_raises_an_error_naming_the_variable(variable, value):
    with pytest.raises(SettingsError, match=variable):
        settings(**{variable: value})


def test_an_unknown_default_plan_error_lists_the_plans():
    with pytest.raises(SettingsError) as info:
        settings(DEFAULT_PLAN="ha-noi")
    assert "ha-noi" in str(info.value) and "lang-son, lao-cai" in str(info.value)


def test_default_plan_is_not_checked_without_a_plan_list():
    assert Settings.from_env({"DEFAULT_PLAN": "ha-noi"}).default_plan == "ha-noi"


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("true", True), ("TRUE", True), ("on", True), ("Yes", True),
    ("0", False), ("false", False), ("off", False), ("NO", False),
])
def test_registered_only_reads_the_usual_spellings(value, expected):
    assert settings(REGISTERED_ONLY=value).registered_only is expected


@pytest.mark.parametrize(("variable", "value", "attribute", "expected"), [
    ("WEBHOOK_PORT", "1", "webhook_port", 1),
    ("WEBHOOK_PORT", "65535", "webhook_port", 65535),
    ("FLOOD_LIMIT", "1", "flood_limit", 1),
    ("FLOOD_LIMIT", "1000", "flood_limit", 1000),
])
def test_integer_bounds_are_inclusive(variable, value, attribute, expected):
    assert getattr(settings(**{variable: value}), attribute) == expected


def test_https_api_base_url_is_accepted():
    assert settings(TELEGRAM_API_BASE_URL="https://api.example.org/bot").api_base_url == (
        "https://api.example.org/bot")


def test_repr_never_shows_the_token_or_the_webhook_secret():
    s = settings(TELEGRAM_BOT_TOKEN=TOKEN, WEBHOOK_SECRET=SECRET,
                 WEBHOOK_URL="https://bot.example.org/hook")
    for text in (repr(s), str(s), f"{s}", f"{s!r}"):
        assert TOKEN not in text and TOKEN.split(":")[1] not in text
        assert SECRET not in text
    assert "bot.example.org" in repr(s)  # the rest is still shown


def test_a_bad_token_error_does_not_echo_the_value():
    bad = "123456:has a space but otherwise looks secret"
    with pytest.raises(SettingsError) as info:
        settings(TELEGRAM_BOT_TOKEN=bad)
    assert bad not in str(info.value)


def test_require_webhook_needs_the_url():
    with pytest.raises(SettingsError, match="WEBHOOK_URL"):
        settings(WEBHOOK_SECRET=SECRET).require_webhook()


def test_require_webhook_needs_the_secret():
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        settings(WEBHOOK_URL="https://bot.example.org/hook").require_webhook()


def test_require_webhook_passes_with_url_and_secret():
    settings(WEBHOOK_URL="https://bot.example.org/hook", WEBHOOK_SECRET=SECRET).require_webhook()


def test_settings_error_is_a_value_error():
    assert issubclass(SettingsError, ValueError)


def test_without_an_explicit_mapping_the_process_environment_is_read(monkeypatch):
    monkeypatch.setenv("FLOOD_LIMIT", "7")
    assert Settings.from_env(plans=PLANS).flood_limit == 7


def test_working_days_are_on_by_default_and_extra_days_off_parse_both_date_forms():
    settings = Settings.from_env({})
    assert settings.working_days_only is True and settings.extra_days_off == frozenset()
    settings = Settings.from_env({"WORKING_DAYS_ONLY": "0", "EXTRA_DAYS_OFF": "2026-11-24, 03/09/2027"})
    assert settings.working_days_only is False
    assert settings.extra_days_off == {dt.date(2026, 11, 24), dt.date(2027, 9, 3)}


@pytest.mark.parametrize(("name", "value", "message"), [
    ("EXTRA_DAYS_OFF", "2026-02-30", "EXTRA_DAYS_OFF: '2026-02-30' không phải ngày"),
    ("EXTRA_DAYS_OFF", "24/11", "EXTRA_DAYS_OFF: '24/11' không phải ngày"),
    ("WORKING_DAYS_ONLY", "có", "WORKING_DAYS_ONLY phải là 1/0"),
])
def test_bad_working_day_settings_name_the_variable(name, value, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({name: value})


def test_jobs_run_by_default_and_delivery_sends_eight_at_once():
    s = settings()
    assert s.run_jobs is True and s.delivery_concurrency == 8
    s = settings(RUN_JOBS="false", DELIVERY_CONCURRENCY="1")
    assert s.run_jobs is False and s.delivery_concurrency == 1


@pytest.mark.parametrize(("variable", "value"), [
    ("RUN_JOBS", "maybe"), ("DELIVERY_CONCURRENCY", "0"), ("DELIVERY_CONCURRENCY", "65"),
    ("DELIVERY_CONCURRENCY", "many"),
])
def test_bad_job_settings_name_the_variable(variable, value):
    with pytest.raises(SettingsError, match=variable):
        settings(**{variable: value})
