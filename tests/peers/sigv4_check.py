"""What the loopback AWS peers (sts_peer.py, kms_peer.py) share: reading a SigV4 Authorization
header, and the signature botocore computes for a request, to compare with the one sent."""

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def parse_authorization(value):
    """AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
    SignedHeaders=a;b, Signature=HEX -> dict, or None when it is not one."""
    algorithm, _, rest = value.partition(" ")
    if algorithm != "AWS4-HMAC-SHA256":
        return None
    fields = {}
    for part in rest.split(","):
        name, _, field = part.strip().partition("=")
        fields[name] = field
    scope = fields.get("Credential", "").split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        return None
    return {
        "akid": scope[0],
        "date": scope[1],
        "region": scope[2],
        "service": scope[3],
        "signed": fields.get("SignedHeaders", "").split(";"),
        "signature": fields.get("Signature", ""),
    }


def expected_signature(authorization, secret, token, method, url, body, headers, timestamp):
    """The signature botocore computes for the request with the signed `headers`, under the
    credential scope of `authorization`."""
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    request.context["timestamp"] = timestamp
    signer = SigV4Auth(
        Credentials(authorization["akid"], secret, token),
        authorization["service"],
        authorization["region"],
    )
    canonical = signer.canonical_request(request)
    return signer.signature(signer.string_to_sign(request, canonical), request)
