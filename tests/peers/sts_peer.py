#!/usr/bin/env python3
"""A loopback AWS STS for the tests of `kliento exchange --jwt-source aws`.

It checks every signed request the way AWS does, with botocore's own SigV4 signer: the request
is rebuilt from its method, URL, body and the headers its Authorization header names, signed
again with the key the access key id names (and the time of its X-Amz-Date), and refused with
403 SignatureDoesNotMatch when the signatures differ.

- GetWebIdentityToken (signed): answers a JWT whose payload records what was asked for and by
  whom (aud, akid, region, session), so the test sees it at the Authority.
- AssumeRoleWithWebIdentity (unsigned, as the SDKs send it): trades the expected web identity
  token for the temporary credentials the configuration names.
- AssumeRole (signed): answers the temporary credentials the configuration names.

Usage: sts_peer.py CONFIG_JSON, where CONFIG_JSON is
  {"keys": {AKID: {"secret": S, "token": T or null}},
   "web_identity": {"token": JWT, "issued": AKID}, "assume_role": {"issued": AKID}}
It prints one JSON line {"url": "http://127.0.0.1:PORT"} and serves until stdin closes.
"""

import base64
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sigv4_check import expected_signature, parse_authorization

CONFIG = json.loads(sys.argv[1])
KEYS = CONFIG["keys"]
WEB_IDENTITY = CONFIG["web_identity"]
NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(claims):
    header = {"alg": "RS256", "typ": "JWT", "kid": "sts-peer"}
    parts = [json.dumps(header).encode(), json.dumps(claims).encode(), b"sts-peer-signature"]
    return ".".join(b64url(p) for p in parts)


def error(status, code, message):
    body = (
        f'<ErrorResponse xmlns="{NAMESPACE}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error><RequestId>peer</RequestId></ErrorResponse>"
    )
    return status, body


def credentials_answer(action, akid):
    key = KEYS[akid]
    return (
        f'<{action}Response xmlns="{NAMESPACE}"><{action}Result><Credentials>'
        f"<AccessKeyId>{akid}</AccessKeyId><SecretAccessKey>{key['secret']}</SecretAccessKey>"
        f"<SessionToken>{key['token']}</SessionToken>"
        "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
        f"</{action}Result></{action}Response>"
    )


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        form = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
        action = form.get("Action", [""])[0]
        if form.get("Version", [""])[0] != "2011-06-15":
            return self.answer(*error(400, "InvalidAction", "wrong or no Version"))
        if action == "AssumeRoleWithWebIdentity":
            return self.answer(*self.assume_role_with_web_identity(form))
        if action in ("GetWebIdentityToken", "AssumeRole"):
            checked = self.check_signature(body)
            if isinstance(checked, tuple):
                return self.answer(*checked)
            if action == "AssumeRole":
                return self.answer(*self.assume_role(form))
            return self.answer(*self.get_web_identity_token(form, checked))
        return self.answer(*error(400, "InvalidAction", f"unknown action {action}"))

    def check_signature(self, body):
        authorization = parse_authorization(self.headers.get("Authorization", ""))
        if authorization is None:
            return error(403, "IncompleteSignature", "no SigV4 Authorization header")
        key = KEYS.get(authorization["akid"])
        if key is None:
            return error(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
        signed = authorization["signed"]
        for required in ["host", "x-amz-date"]:
            if required not in signed:
                return error(403, "IncompleteSignature", f"{required} is not signed")
        token = key.get("token")
        if token is not None:
            if "x-amz-security-token" not in signed or self.headers.get("X-Amz-Security-Token") != token:
                return error(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
        if authorization["service"] != "sts":
            return error(403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'.")
        amz_date = self.headers.get("X-Amz-Date", "")
        if amz_date[:8] != authorization["date"]:
            return error(403, "SignatureDoesNotMatch", "Date in Credential scope does not match X-Amz-Date.")
        headers = {}
        for name in signed:
            value = self.headers.get(name)
            if value is None:
                return error(403, "IncompleteSignature", f"signed header {name} is missing")
            headers[name] = value
        url = f"http://{self.headers['Host']}{self.path}"
        expected = expected_signature(
            authorization, key["secret"], token, self.command, url, body, headers, amz_date
        )
        if expected != authorization["signature"]:
            return error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method. "
                "Consult the service documentation for details.",
            )
        return authorization

    def get_web_identity_token(self, form, authorization):
        audiences = [form[k][0] for k in sorted(form) if k.startswith("Audience.member.")]
        if not audiences:
            return error(400, "ValidationError", "Audience is required")
        algorithm = form.get("SigningAlgorithm", [""])[0]
        if algorithm not in ("RS256", "ES384"):
            return error(400, "ValidationError", "SigningAlgorithm must be RS256 or ES384")
        now = int(time.time())
        claims = {
            "iss": "https://sts-peer.test",
            "sub": f"arn:aws:iam::123456789012:role/{authorization['akid']}",
            "aud": audiences[0] if len(audiences) == 1 else audiences,
            "akid": authorization["akid"],
            "region": authorization["region"],
            "session": KEYS[authorization["akid"]].get("token") is not None,
            "alg": algorithm,
            "iat": now,
            "exp": now + 300,
        }
        return 200, (
            f'<GetWebIdentityTokenResponse xmlns="{NAMESPACE}"><GetWebIdentityTokenResult>'
            f"<WebIdentityToken>{jwt(claims)}</WebIdentityToken>"
            f"<Expiration>{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now + 300))}</Expiration>"
            "</GetWebIdentityTokenResult><ResponseMetadata><RequestId>peer</RequestId>"
            "</ResponseMetadata></GetWebIdentityTokenResponse>"
        )

    def assume_role(self, form):
        if not form.get("RoleArn", [""])[0] or not form.get("RoleSessionName", [""])[0]:
            return error(400, "ValidationError", "RoleArn and RoleSessionName are required")
        return 200, credentials_answer("AssumeRole", CONFIG["assume_role"]["issued"])

    def assume_role_with_web_identity(self, form):
        if "Authorization" in self.headers:
            return error(400, "InvalidParameterValue", "AssumeRoleWithWebIdentity is not signed")
        if form.get("WebIdentityToken", [""])[0] != WEB_IDENTITY["token"]:
            return error(400, "InvalidIdentityToken", "The web identity token is not valid.")
        if not form.get("RoleArn", [""])[0] or not form.get("RoleSessionName", [""])[0]:
            return error(400, "ValidationError", "RoleArn and RoleSessionName are required")
        return 200, credentials_answer("AssumeRoleWithWebIdentity", WEB_IDENTITY["issued"])


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"url": f"http://127.0.0.1:{server.server_address[1]}"}), flush=True)
    # Serve until the test process closes stdin (it exits).
    sys.stdin.read()


if __name__ == "__main__":
    main()
