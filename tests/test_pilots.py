import pytest

from storage.importing.pilots import split_pilots


def test_pilots_split_on_slash_and_repair_broken_initials():
    assert split_pilots("LM/MR/MA C/DB") == ["LM", "MR", "MAC", "DB"]


def test_pilots_keep_group_names_after_plus():
    raw = "LM/AL/MR/ chefs de service + comité des fêtes"
    assert split_pilots(raw) == ["LM", "AL", "MR", "chefs de service", "comité des fêtes"]
    assert split_pilots("AL + chefs de service") == ["AL", "chefs de service"]


def test_pilots_strip_spaces_left_by_pdf_extraction():
    assert split_pilots("SB/VT/YD/ JU") == ["SB", "VT", "YD", "JU"]
    assert split_pilots("MD/SR/DM /CH") == ["MD", "SR", "DM", "CH"]


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        ("MA C", "MAC"),
        ("GD G", "GDG"),
        ("J U", "JU"),
        ("AM C", "AMC"),
        ("L M", "LM"),
        ("Y D", "YD"),
        ("M S", "MS"),
        ("DM ", "DM"),
        (" JU", "JU"),
    ],
)
def test_pilots_broken_initials_are_joined(raw, joined):
    assert split_pilots(raw) == [joined]


def test_pilots_mixed_case_initials_are_kept_as_written():
    assert split_pilots("IJ/JTac/MB /JK") == ["IJ", "JTac", "MB", "JK"]
    assert split_pilots("MR/Msh/M S/MH") == ["MR", "Msh", "MS", "MH"]
    assert split_pilots("Jduf/Mshm") == ["Jduf", "Mshm"]


def test_pilots_split_on_comma_and_drop_empties_and_duplicates():
    assert split_pilots("LM, AL,, LM/ /L M") == ["LM", "AL"]
    assert split_pilots("") == []


def test_pilots_group_names_are_not_glued():
    assert split_pilots("Service RH") == ["Service RH"]
    assert split_pilots("comité des fêtes") == ["comité des fêtes"]


def test_pilots_first_names_are_not_taken_for_initials():
    assert split_pilots("Jean Luc") == ["Jean Luc"]
