#!/usr/bin/env python3
"""A loopback SMTP server for the mail tests.

Every message it accepts becomes <dir>/<n>.json: the envelope, the headers
as sent and as decoded (RFC 2047), and the decoded plain-text and HTML parts.
With --user and --password it requires SMTP authentication (AUTH PLAIN or
LOGIN) and records who authenticated. It prints "ready" once it listens and
runs until it is killed.
"""

import argparse
import asyncio
import email
import itertools
import json
import logging
import os
import signal
import sys
import warnings
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        raw = email.message_from_bytes(data, policy=policy.compat32)
        message = email.message_from_bytes(data, policy=policy.default)
        plain = message.get_body(("plain",))
        html = message.get_body(("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "raw_subject": str(raw["Subject"]),
            "message_id": str(message["Message-ID"]),
            "content_type": message.get_content_type(),
            "text": plain.get_content() if plain is not None else None,
            "html": html.get_content() if html is not None else None,
            "authenticated_as": session.auth_data,
        }
        path = os.path.join(self.directory, f"{next(self.numbers):05}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False)
        os.replace(path + ".tmp", path)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    options = {}
    if args.user is not None:

        def authenticate(server, session, envelope, mechanism, auth_data):
            valid = isinstance(auth_data, LoginPassword) and auth_data == LoginPassword(
                args.user.encode(), args.password.encode()
            )
            return AuthResult(success=valid, handled=False, auth_data=args.user if valid else None)

        options = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": False}
    # Authentication without TLS is fine on loopback: no warning about it.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    controller = Controller(Sink(args.dir), hostname="127.0.0.1", port=args.port, **options)
    controller.start()
    print("ready", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
