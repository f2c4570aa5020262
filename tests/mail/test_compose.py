"""The mails are composed from the one strings table of the site's language, Traditional Chinese included."""

from __future__ import annotations

import pytest

from tests.content.test_facts import SIMPLIFIED_ONLY
from toolkit.mail import receipt_mail, signin_mail

SENDER = "Folio <noreply@example.com>"


def bodies(message) -> str:
    return message["Subject"] + "".join(part.get_content() for part in message.iter_parts())


def mails(language: str) -> list:
    return [
        signin_mail(sender=SENDER, to="reader@example.com", site="Folio", link="https://gate.example/s?token=t",
                    minutes=15, language=language),
        receipt_mail(sender=SENDER, to="reader@example.com", site="Folio", title="課", amount=1900, currency="usd",
                     reference="cs_test_1", link="https://gate.example/s?token=t", days=7,
                     signin_url="https://gate.example/signin", language=language),
    ]


@pytest.mark.parametrize("language", ["zh-TW", "zh-Hant", "zh-HK"])
def test_a_traditional_site_mails_in_traditional_characters(language):
    signin, receipt = mails(language)

    assert "登入連結" in signin["Subject"] and "登入" in bodies(signin)
    assert "購買收據" in receipt["Subject"] and "開啟我的書架" in bodies(receipt) and "來自 Folio。" in bodies(receipt)
    for message in (signin, receipt):
        assert not SIMPLIFIED_ONLY & set(bodies(message))
        assert message["Content-Language"] == "zh-Hant"


def test_a_simplified_site_still_mails_in_simplified_characters():
    signin, receipt = mails("zh")

    assert signin["Subject"] == "Folio 的登录链接" and "打开我的书架" in bodies(receipt)
    assert signin["Content-Language"] == "zh-CN"


def test_an_english_site_still_mails_in_english():
    signin, receipt = mails("en")

    assert signin["Subject"] == "Your sign-in link for Folio" and "Open your library" in bodies(receipt)
    assert receipt["Content-Language"] == "en"
