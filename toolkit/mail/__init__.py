"""Mail: receipts and sign-in links, over SMTP or Amazon SES, in the product's language.

- `transport`: FOLIO_MAIL_URL -> a Mailer (smtp://, smtps://, ses://)
- `compose`: the receipt and sign-in mails (plain text + HTML, English / Chinese)
- `receipt`: send a Checkout Session's receipt exactly once, with Stripe as the only state
"""

from toolkit.mail.compose import receipt_mail, signin_mail
from toolkit.mail.receipt import ReceiptBusy, send_receipt_once
from toolkit.mail.transport import Mailer, MailError, MailSettings, mailer_from_url

__all__ = ["Mailer", "MailError", "MailSettings", "ReceiptBusy", "mailer_from_url", "receipt_mail",
           "send_receipt_once", "signin_mail"]
