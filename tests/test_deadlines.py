from datetime import date

import pytest

from storage.deadlines import parse_deadline


def test_deadline_single_year_covers_the_whole_year():
    assert parse_deadline("2021") == (date(2021, 1, 1), date(2021, 12, 31))


def test_deadline_year_range_runs_from_january_to_december():
    assert parse_deadline("2019-2024") == (date(2019, 1, 1), date(2024, 12, 31))


@pytest.mark.parametrize(
    ("raw", "start_year"),
    [("2021- 2024", 2021), ("2020- 2024", 2020), ("2019 - 2024", 2019), ("2019 – 2024", 2019)],
)
def test_deadline_year_range_tolerates_spaces_and_dashes(raw, start_year):
    assert parse_deadline(raw) == (date(start_year, 1, 1), date(2024, 12, 31))


def test_deadline_two_digit_end_year_means_same_century():
    assert parse_deadline("2023-24") == (date(2023, 1, 1), date(2024, 12, 31))
    assert parse_deadline("2019-20") == (date(2019, 1, 1), date(2020, 12, 31))


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        ("avril 2019 - 2024", date(2019, 4, 1)),
        ("Octobre 2019-2024", date(2019, 10, 1)),
        ("mai 2019 - 2024", date(2019, 5, 1)),
    ],
)
def test_deadline_month_then_year_starts_on_that_month(raw, start):
    assert parse_deadline(raw) == (start, date(2024, 12, 31))


def test_deadline_abbreviated_month_with_two_digit_year_is_that_month():
    assert parse_deadline("févr-22") == (date(2022, 2, 1), date(2022, 2, 28))


def test_deadline_month_names_ignore_case_and_accents():
    assert parse_deadline("FEVR 2024") == (date(2024, 2, 1), date(2024, 2, 29))
    assert parse_deadline("Août 2021") == (date(2021, 8, 1), date(2021, 8, 31))
    assert parse_deadline("aout 2021") == (date(2021, 8, 1), date(2021, 8, 31))
    assert parse_deadline("sept. 2023 - déc. 2024") == (date(2023, 9, 1), date(2024, 12, 31))


def test_deadline_with_words_between_years_spans_first_to_last_year():
    raw = "2020 pour entrant - 2022 pour sortant"
    assert parse_deadline(raw) == (date(2020, 1, 1), date(2022, 12, 31))


def test_deadline_iso_month_is_that_month():
    assert parse_deadline("2025-06") == (date(2025, 6, 1), date(2025, 6, 30))


def test_deadline_iso_day_is_that_day():
    assert parse_deadline("2025-06-15") == (date(2025, 6, 15), date(2025, 6, 15))


def test_deadline_french_month_name_is_that_month():
    assert parse_deadline("juin 2025") == (date(2025, 6, 1), date(2025, 6, 30))


def test_deadline_day_first_numeric_date_is_that_day():
    assert parse_deadline("31/12/2022") == (date(2022, 12, 31), date(2022, 12, 31))


@pytest.mark.parametrize("raw", ["30-06-2027", "30.06.2027", "30/06/2027"])
def test_deadline_day_first_date_with_dashes_or_dots_is_that_day(raw):
    assert parse_deadline(raw) == (date(2027, 6, 30), date(2027, 6, 30))


@pytest.mark.parametrize("raw", ["06/2027", "6-2027", "6/2027"])
def test_deadline_numeric_month_and_year_is_that_month(raw):
    assert parse_deadline(raw) == (date(2027, 6, 1), date(2027, 6, 30))


def test_deadline_day_with_french_month_name_is_that_day():
    assert parse_deadline("15 juin 2025") == (date(2025, 6, 15), date(2025, 6, 15))
    assert parse_deadline("1er mars 2024") == (date(2024, 3, 1), date(2024, 3, 1))


@pytest.mark.parametrize(
    "raw", ["-", "", "  ", "à définir", "continu", "31/02/2022", "31-02-2027", "13/2027", None]
)
def test_deadline_without_a_date_gives_none_and_never_raises(raw):
    assert parse_deadline(raw) == (None, None)
