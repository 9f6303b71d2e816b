#!/usr/bin/env python3
"""A loopback AWS KMS for the tests of `awskms://` keys: moto's KMS (moto[server], pinned and
installed by .ci/run under target/moto) behind a small WSGI layer that makes it sign as AWS KMS
does and refuse what the tests need refused.

What it fixes in moto 5.2 (measured):
- RSASSA_PSS_SHA_256/384/512: moto signs with the maximum salt length; AWS KMS (and VeraId)
  use a salt as long as the digest. The padding is patched to PSS.DIGEST_LENGTH.
- MessageType=DIGEST: moto ignores it and hashes the digest again. Here a DIGEST message is
  signed as prehashed, as AWS KMS does. (kliento always sends DIGEST, as cosign does: the
  message never leaves the host and has no 4096-byte limit; so this fix is on every test path.)

What it adds:
- SigV4: every request must be signed for service `kms` with a key of the configuration; the
  signature is checked with botocore's own signer (403 SignatureDoesNotMatch otherwise). moto
  itself accepts any signature.
- Denial: moto does not enforce IAM by default. A key of the configuration may list actions it
  is denied; those get the 400 AccessDeniedException AWS answers when no policy allows the
  action (a marker access key id, not moto's IAM emulation: one line of configuration instead
  of users, policies and INITIAL_NO_AUTH_ACTION_COUNT).

Usage: kms_peer.py CONFIG_JSON, where CONFIG_JSON is
  {"keys": {AKID: {"secret": S, "token": T or null, "denied": [ACTION, ...]}},
   "region": REGION, "create": [{"alias": "alias/NAME", "spec": KEY_SPEC, "usage": KEY_USAGE}]}
It creates the keys of "create" (through its own KMS API, with boto3, signed with the first key),
prints one JSON line {"url": "http://127.0.0.1:PORT", "created": {ALIAS: {"id": KEY_ID,
"arn": ARN, "public_key": SPKI DER in base64}}} and serves until stdin closes.
"""

import base64
import io
import json
import os
import sys
import threading

from cryptography.hazmat.primitives.asymmetric import padding, utils
from moto.kms import responses as kms_responses
from moto.kms import utils as kms_utils
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import WSGIRequestHandler, make_server

from sigv4_check import expected_signature, parse_authorization

CONFIG = json.loads(sys.argv[1])
KEYS = CONFIG["keys"]

# Whether the request being served asked for MessageType=DIGEST (moto serves one thread per
# request; the backend's sign() is not told the message type).
REQUEST = threading.local()

_padding_and_hash = kms_utils.RSAPrivateKey._RSAPrivateKey__padding_and_hash_algorithm


def padding_and_hash(self, signing_algorithm):
    pad, algorithm = _padding_and_hash(self, signing_algorithm)
    if isinstance(pad, padding.PSS):
        pad = padding.PSS(mgf=padding.MGF1(algorithm), salt_length=padding.PSS.DIGEST_LENGTH)
    return pad, algorithm


def rsa_sign(self, message, signing_algorithm):
    kms_utils.validate_signing_algorithm(
        signing_algorithm, kms_utils.SigningAlgorithm.rsa_signing_algorithms()
    )
    pad, algorithm = padding_and_hash(self, signing_algorithm)
    if getattr(REQUEST, "digest", False):
        if len(message) != algorithm.digest_size:
            raise kms_utils.ValidationException(
                "Digest is invalid length for algorithm " + signing_algorithm + "."
            )
        algorithm = utils.Prehashed(algorithm)
    return self.private_key.sign(message, pad, algorithm)


kms_utils.RSAPrivateKey._RSAPrivateKey__padding_and_hash_algorithm = padding_and_hash
kms_utils.RSAPrivateKey.sign = rsa_sign

_sign_response = kms_responses.KmsResponse.sign


def sign_response(self):
    REQUEST.digest = self._get_param("MessageType") == "DIGEST"
    try:
        return _sign_response(self)
    finally:
        REQUEST.digest = False


kms_responses.KmsResponse.sign = sign_response


def refusal(status, code, message):
    return status, json.dumps({"__type": code, "message": message})


def check(environ, body):
    """None when the request may go to moto, else (status, JSON body)."""
    authorization = parse_authorization(environ.get("HTTP_AUTHORIZATION", ""))
    if authorization is None:
        return refusal(400, "IncompleteSignatureException", "no SigV4 Authorization header")
    key = KEYS.get(authorization["akid"])
    if key is None:
        return refusal(
            400, "UnrecognizedClientException", "The security token included in the request is invalid."
        )
    if authorization["service"] != "kms":
        return refusal(400, "InvalidSignatureException", "Credential should be scoped to correct service: 'kms'.")
    headers = {}
    for name in authorization["signed"]:
        value = environ.get("HTTP_" + name.upper().replace("-", "_"))
        if name == "content-type":
            value = environ.get("CONTENT_TYPE")
        if value is None:
            return refusal(400, "IncompleteSignatureException", f"signed header {name} is missing")
        headers[name] = value
    token = key.get("token")
    if token is not None and headers.get("x-amz-security-token") != token:
        return refusal(
            400, "UnrecognizedClientException", "The security token included in the request is invalid."
        )
    url = f"http://{environ['HTTP_HOST']}{environ.get('PATH_INFO', '/')}"
    expected = expected_signature(
        authorization,
        key["secret"],
        token,
        environ["REQUEST_METHOD"],
        url,
        body,
        headers,
        headers.get("x-amz-date", ""),
    )
    if expected != authorization["signature"]:
        return refusal(
            400,
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided.",
        )
    action = environ.get("HTTP_X_AMZ_TARGET", "").partition(".")[2]
    if action in key.get("denied", []):
        return refusal(
            400,
            "AccessDeniedException",
            f"User: arn:aws:iam::123456789012:user/kliento-test is not authorized to perform: "
            f"kms:{action} because no identity-based policy allows the kms:{action} action",
        )
    return None


MOTO = DomainDispatcherApplication(create_backend_app)


def app(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    refused = check(environ, body)
    if refused is not None:
        status, text = refused
        data = text.encode()
        start_response(
            f"{status} Refused",
            [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(data)))],
        )
        return [data]
    environ["wsgi.input"] = io.BytesIO(body)
    return MOTO(environ, start_response)


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def main():
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    created = {}
    if CONFIG.get("create"):
        import boto3

        akid, key = next(iter(KEYS.items()))
        client = boto3.client(
            "kms",
            endpoint_url=url,
            region_name=CONFIG["region"],
            aws_access_key_id=akid,
            aws_secret_access_key=key["secret"],
            aws_session_token=key.get("token"),
        )
        for spec in CONFIG["create"]:
            metadata = client.create_key(KeySpec=spec["spec"], KeyUsage=spec["usage"])["KeyMetadata"]
            client.create_alias(AliasName=spec["alias"], TargetKeyId=metadata["KeyId"])
            public = client.get_public_key(KeyId=metadata["KeyId"])["PublicKey"]
            created[spec["alias"]] = {
                "id": metadata["KeyId"],
                "arn": metadata["Arn"],
                "public_key": base64.b64encode(public).decode(),
            }
    print(json.dumps({"url": url, "created": created}), flush=True)
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    main()
