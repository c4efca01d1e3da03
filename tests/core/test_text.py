import unicodedata

import pytest

from cchc.core.text import letters_key, match_key, normalize, slug


@pytest.mark.parametrize("raw, expected", [
    ("hoà", "hòa"), ("Hoà", "Hòa"), ("thuỷ", "thủy"), ("Hoá", "Hóa"), ("khoẻ", "khỏe"),
    ("tuỳ", "tùy"), ("Luỹ kế", "Lũy kế"), ("xoá bỏ", "xóa bỏ"), ("hoạ", "họa"), ("THUỶ", "THỦY"),
    ("Số hoá hồ sơ", "Số hóa hồ sơ"),
])
def test_new_tone_placement_becomes_traditional(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("word", ["quý", "QUỲ", "hoàng", "khuyến", "hoặc", "ngoài", "khuya", "hòa", "thủy"])
def test_words_outside_the_rule_are_unchanged(word):
    assert normalize(word) == word


def test_nfd_input_becomes_nfc_and_whitespace_collapses():
    raw = unicodedata.normalize("NFD", "  Chi nhánh   Văn phòng\u00a0đăng ký  ")
    out = normalize(raw)
    assert out == "Chi nhánh Văn phòng đăng ký"
    assert unicodedata.is_normalized("NFC", out)


def test_match_key_ignores_case_form_and_tone_placement():
    assert match_key(unicodedata.normalize("NFD", "ĐÃ SỐ HOÁ")) == match_key("Đã số hóa")
    assert match_key("Trực  Tuyến ") == match_key("trực tuyến")


@pytest.mark.parametrize("raw, expected", [
    ("Hộ tịch", "ho-tich"),
    ("Chi nhánh Văn phòng đăng ký đất đai", "chi-nhanh-van-phong-dang-ky-dat-dai"),
    ("Đất đai", "dat-dai"),
    ("Thi đua - khen thưởng", "thi-dua-khen-thuong"),
    (unicodedata.normalize("NFD", "Hoà giải"), "hoa-giai"),
])
def test_slug(raw, expected):
    assert slug(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Hộ tịch", "hotich"), ("HO-TICH", "hotich"), ("Hotich", "hotich"), ("Đất đai", "datdai"),
    ("+SUM(1,2)", "sum12"), ("@SUM(1,2)", "sum12"), ("(...)", ""), ("[---]", ""),
    (unicodedata.normalize("NFD", "Thuỷ lợi"), "thuyloi"),
])
def test_letters_key_keeps_letters_and_digits_only(raw, expected):
    assert letters_key(raw) == expected


def test_names_that_slug_alike_keep_distinct_match_keys():
    for a, b in [("Hộ tịch", "Ho tich"), ("(...)", "[---]"), ("+SUM(1,2)", "@SUM(1,2)")]:
        assert slug(a) == slug(b) and match_key(a) != match_key(b)
