"""`python -m toolkit.sandbox.stripe`: run the stand-in by hand (for trying the gate locally).

Prints the URL to put in STRIPE_API_BASE; stops on Ctrl-C. Sandbox only: no money moves.
"""

from __future__ import annotations

import argparse
import time

from toolkit.sandbox.stripe import StripeStandIn


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m toolkit.sandbox.stripe", description=__doc__)
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--api-key", default="sk_test_sandbox")
    parser.add_argument("--webhook-secret", default="whsec_sandbox")
    parser.add_argument("--webhook-url", default=None, help="where to POST signed events (the gate's /webhook)")
    args = parser.parse_args()
    with StripeStandIn(api_key=args.api_key, webhook_secret=args.webhook_secret,
                       webhook_url=args.webhook_url, port=args.port) as standin:
        print(f"Stripe stand-in (sandbox, not a real payment) at {standin.url}\n"
              f"  STRIPE_API_BASE={standin.url} STRIPE_API_KEY={args.api_key} "
              f"STRIPE_WEBHOOK_SECRET={args.webhook_secret}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
