"""The invitation emails name things as the glossary does (the dashboard's catalogues
are held to it in tests/frontend/glossary.test.mjs): one word for accepting, one for
delegated admin privileges, in English and in Japanese."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.invitations import drafts

TEMPLATES = Path(drafts.__file__).parent / "templates"


def avoided(text: str, language: str) -> list[str]:
    """The words `text` uses that the glossary rules out, once its own terms are set aside."""

    def fold(value: str) -> str:
        return value.lower() if language == "en" else value

    rest = fold(text)
    for term in sorted((fold(e[language]) for e in drafts.GLOSSARY.values()), key=len)[::-1]:
        rest = rest.replace(term, " ")
    words = [word for entry in drafts.GLOSSARY.values() for word in entry["avoid"][language]]
    return [word for word in words if fold(word) in rest]


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.j2")), ids=lambda path: path.name)
def test_no_template_uses_a_word_the_glossary_rules_out(template: Path) -> None:
    language = template.suffixes[0].lstrip(".")
    assert avoided(template.read_text(encoding="utf-8"), language) == []


@pytest.mark.parametrize("language", drafts.LANGUAGES)
@pytest.mark.parametrize("include_delegated_admin", [True, False])
def test_the_email_uses_the_glossarys_terms(language: str, include_delegated_admin: bool) -> None:
    draft = drafts.render(
        language,
        partner_name="Northwind Traders",
        partner_id="4810001",
        provider_name=None,
        customer_name="Contoso",
        contact_name=None,
        include_delegated_admin=include_delegated_admin,
        expires_at=datetime(2027, 1, 31, tzinfo=UTC),
    )
    text = f"{draft.subject}\n{draft.body_template}".lower()
    assert drafts.GLOSSARY["accept"][language] in text
    # Granted or not, the privileges are named in the glossary's words.
    assert drafts.GLOSSARY["dap"][language] in text
    assert avoided(text, language) == []
