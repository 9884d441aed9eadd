"""smtp_sink.py — a real SMTP server on 127.0.0.1 for the delivery tests.

    /usr/bin/python3 tests/smtp_sink.py DIR [--lifetime SECONDS]

Listens on 127.0.0.1, on a free port it writes to DIR/port once ready.
Every accepted message is written to DIR/msg-N.eml (the raw bytes as
received, after SMTP dot-unstuffing), with DIR/msg-N.env holding the
envelope ("MAIL FROM" and "RCPT TO" lines).
DIR/mode steers the answers: absent or "accept" takes the mail; read at
every RCPT, "451" answers "451 4.3.0 try again later" (a transient
failure), "550" answers "550 5.1.1 no such user" (a permanent one); read
at MAIL FROM, "530" answers "530 5.7.0 authentication required" (a server
that wants credentials); read at each connection, "554-greeting" greets
with "554 5.3.2 no service" (a server that will not talk to us); read at
DATA, "slow N" writes DIR/data-K (K counting from 1) once the message is in
and answers N seconds later (a slow server, other sessions go on).
Exits by itself after --lifetime seconds (default 120), so a test that dies
never leaves it behind. Uses Debian's python3-aiosmtpd.
"""
import argparse
import asyncio
import glob
import os

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.dir = directory
        # a restarted sink goes on numbering after what is there
        self.count = len(glob.glob(os.path.join(directory, "msg-*.eml")))

    def mode(self):
        try:
            with open(os.path.join(self.dir, "mode")) as f:
                return f.read().strip()
        except FileNotFoundError:
            return "accept"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.mode() == "530":
            return "530 5.7.0 authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        mode = self.mode()
        if mode == "451":
            return "451 4.3.0 try again later"
        if mode == "550":
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        mode = self.mode().split()
        if mode and mode[0] == "slow":
            self.slow = getattr(self, "slow", 0) + 1
            open(os.path.join(self.dir, "data-%d" % self.slow), "w").close()
            await asyncio.sleep(float(mode[1]))
        self.count += 1
        base = os.path.join(self.dir, "msg-%d" % self.count)
        with open(base + ".env.tmp", "w") as f:
            f.write("MAIL FROM %s\n" % envelope.mail_from)
            for rcpt in envelope.rcpt_tos:
                f.write("RCPT TO %s\n" % rcpt)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".env.tmp", base + ".env")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 accepted"


class RefusingGreeting(asyncio.Protocol):
    """A server that greets with 554 and then waits for QUIT (RFC 5321 3.1)."""

    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"554 5.3.2 sink.local no service here\r\n")

    def data_received(self, data):
        for line in data.split(b"\r\n"):
            if line.upper().startswith(b"QUIT"):
                self.transport.write(b"221 2.0.0 bye\r\n")
                self.transport.close()
                return
            if line:
                self.transport.write(b"503 5.5.1 no service here\r\n")


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--lifetime", type=float, default=120)
    args = ap.parse_args()
    loop = asyncio.get_running_loop()
    handler = Sink(args.dir)
    server = await loop.create_server(
        lambda: RefusingGreeting() if handler.mode() == "554-greeting"
        else SMTP(handler, hostname="sink.local", decode_data=False),
        host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    tmp = os.path.join(args.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, os.path.join(args.dir, "port"))
    await asyncio.sleep(args.lifetime)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
