import pytest

from policies.normalize import allow_key, clean, mask, spellings, tokens, words


@pytest.mark.parametrize("fragment, masked", [
    ("хуй", "х*й"), ("пиздец", "п****ц"), ("х у й", "х*й"), ("еб", "е*"), ("Бля!", "Б*я"),
])
def test_mask_keeps_first_and_last_letter(fragment, masked):
    assert mask(fragment) == masked


def test_clean_removes_invisible_and_folds_compatibility_forms():
    assert clean("ху\u200bй\u2060") == "хуй"
    assert clean("ＡＢＣ１２３") == "ABC123"  # full-width
    assert clean("и\u0306") == "й"  # decomposed й is composed, not stripped


@pytest.mark.parametrize("core, form", [
    ("xуй", "хуй"),  # Latin x among Cyrillic
    ("ёжик", "ежик"),
    ("хууууй", "хуй"),
    ("blyat", "блят"),
    ("shchuka", "щука"),
    ("pizdec", "пиздец"),
])
def test_spellings(core, form):
    forms, _ = spellings(core)
    assert form in forms


def test_double_letters_kept_in_the_first_form():
    forms, _ = spellings("переебал")
    assert forms[0] == "переебал"
    assert forms[1] == "перебал"


def test_latin_word_keeps_its_latin_spelling():
    _, latin = spellings("suka")
    assert latin == "suka"
    assert spellings("сука")[1] is None


def test_tokens_join_spaced_letters_and_dotted_words():
    found = {t.raw: t for t in tokens("ну х у й, б.л.я")}
    assert "хуй" in found["х у й"].forms
    assert "бля" in found["б.л.я"].forms
    assert found["б.л.я"].whole
    assert not found["х у й"].whole


def test_tokens_skip_links():
    assert tokens("https://example.com/xuy") == []


def test_words_keep_one_letter_words_for_phrases():
    assert words("Я никому не нужна") == ["я", "никому", "не", "нужна"]


def test_allow_key_normalises_any_spelling():
    assert allow_key("  Ебург! ") == allow_key("ЕБУРГ") == "ебург"


@pytest.mark.parametrize("text, form", [
    ("}|{опа", "жопа"), ("п|/|ще", "пище"), ("}{ор", "хор"), ("IIIкола", "школа"),
    ("LLIкола", "школа"), ("6bIк", "бык"), ("JIес", "лес"), ("лë", "ле"),
])
def test_glyphs_read_as_one_letter_and_raw_keeps_the_original(text, form):
    [token] = [t for t in tokens(text) if t.whole]
    assert form in token.forms
    assert token.raw == text


def test_plain_words_skip_glyph_tables():
    # «bl» is «ы» only next to Cyrillic: an all-Latin word is transliterated as before
    assert spellings("blyat")[0][0] == "блят"
    assert "ы" not in "".join(spellings("blin")[0])
