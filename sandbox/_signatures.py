"""XML-DSig verification of the signature shapes SAT accepts, written apart from `etl.sat`'s signing.

It uses cryptography over lxml's canonicalisation, never the client's code, so that a bug in how the
client signs cannot be mirrored here and go unnoticed.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from sandbox._xml import DS, WSSE, WSU

__all__ = ["SignatureError", "SignedTimestamp", "verify_request_signature", "verify_security_header"]

_EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
_C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
_ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
_DIGESTS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": hashlib.sha1,
    "http://www.w3.org/2001/04/xmlenc#sha256": hashlib.sha256,
}
_SIGNATURES: dict[str, hashes.HashAlgorithm] = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": hashes.SHA1(),  # noqa: S303 -- SAT's protocol mandates it
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": hashes.SHA256(),
}


class SignatureError(ValueError):
    """The signature is missing, malformed, or does not verify."""


@dataclass(frozen=True)
class SignedTimestamp:
    """What a verified WS-Security header proves: who signed, and the window they signed."""

    certificate: x509.Certificate
    created: str
    expires: str


def verify_security_header(header: etree._Element | None) -> SignedTimestamp:
    """Verify `o:Security`: the Timestamp's digest, and the signature by the token's certificate."""
    security = None if header is None else header.find(f"{{{WSSE}}}Security")
    if security is None:
        raise SignatureError("no WS-Security header")
    signature = _one(security, f"{{{DS}}}Signature")
    signed_info = _one(signature, f"{{{DS}}}SignedInfo")
    reference = _one(signed_info, f"{{{DS}}}Reference")
    target_id = _fragment(reference.get("URI"))
    timestamp = _one(security, f"{{{WSU}}}Timestamp")
    if timestamp.get(f"{{{WSU}}}Id") != target_id:
        raise SignatureError("the signature does not reference the Timestamp")
    _check_digest(reference, _canonical(timestamp, _exclusive(reference)))

    token_reference = signature.find(f"{{{DS}}}KeyInfo/{{{WSSE}}}SecurityTokenReference/{{{WSSE}}}Reference")
    if token_reference is None:
        raise SignatureError("KeyInfo does not reference a BinarySecurityToken")
    token_id = _fragment(token_reference.get("URI"))
    tokens = [t for t in security.iter(f"{{{WSSE}}}BinarySecurityToken") if t.get(f"{{{WSU}}}Id") == token_id]
    if len(tokens) != 1:
        raise SignatureError("the referenced BinarySecurityToken is not in the header")
    certificate = _certificate(tokens[0].text)
    _check_signature(signature, signed_info, certificate)
    created = _one(timestamp, f"{{{WSU}}}Created").text or ""
    expires = _one(timestamp, f"{{{WSU}}}Expires").text or ""
    return SignedTimestamp(certificate=certificate, created=created.strip(), expires=expires.strip())


def verify_request_signature(request: etree._Element) -> x509.Certificate:
    """Verify the enveloped signature that ends a `des:solicitud` / `des:peticionDescarga`.

    The shapes clients known to work against SAT send are accepted (sandbox/README.md names them):

    - the protocol's recipe (exclusive c14n, no enveloped-signature transform): the digest covers the
      operation element (the request's parent) without the Signature and without whitespace-only text,
      because the recipe digests the form with no whitespace between tags, whatever the wire looks like;
      or with that whitespace as received, as python-cfdiclient digests it (its SignedInfo signed in the
      default namespace, before it takes the envelope's `xd:` prefix);
    - standard XML-DSig with the enveloped-signature transform, in the transforms' c14n (inclusive unless
      an exclusive c14n transform is listed, as XML-DSig says): the digest covers either the whole
      document (SAT's published example) or the operation element in its context, so that inclusive
      c14n carries the envelope's namespace declarations (satcfdi), each without the Signature.
    """
    signature = request[-1] if len(request) else None
    if signature is None or signature.tag != f"{{{DS}}}Signature":
        raise SignatureError("the request does not end with an XML-DSig Signature")
    signed_info = _one(signature, f"{{{DS}}}SignedInfo")
    reference = _one(signed_info, f"{{{DS}}}Reference")
    if reference.get("URI") not in ("", None):
        raise SignatureError('the Reference must cover the whole request (URI="")')
    operation = request.getparent()
    if operation is None:
        raise SignatureError("the request has no operation element around it")
    transforms = _transforms(reference)
    if _ENVELOPED in transforms:
        exclusive = _EXC_C14N in transforms
        document, operation_copy = _without_signature(signature)
        _check_digest(reference, _canonical(document, exclusive), _canonical(operation_copy, exclusive))
    else:
        # The recipe digests the operation with no whitespace between tags; python-cfdiclient digests it
        # as it sends it, whitespace from its templates included.
        exclusive = _exclusive(reference)
        _check_digest(
            reference,
            _canonical(_operation_without(operation, request, blank_text=False), exclusive),
            _canonical(_operation_without(operation, request, blank_text=True), exclusive),
        )

    certificate_text = signature.find(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    if certificate_text is None:
        raise SignatureError("KeyInfo has no X509Certificate")
    certificate = _certificate(certificate_text.text)
    serial = signature.find(
        f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509IssuerSerial/{{{DS}}}X509SerialNumber"
    )
    if serial is not None and (serial.text or "").strip() != str(certificate.serial_number):
        raise SignatureError("X509SerialNumber is not the certificate's serial (it must be decimal)")
    _check_signature(signature, signed_info, certificate)
    return certificate


def _without_signature(signature: etree._Element) -> tuple[etree._Element, etree._Element]:
    """A copy of the whole document without `signature`, as the enveloped-signature transform sees it,
    and the copy's operation element (the signed request's parent), still in its context."""
    steps: list[int] = []
    node = signature
    while (up := node.getparent()) is not None:
        steps.append(up.index(node))
        node = up
    document = copy.deepcopy(node)
    parent, copied = None, document
    for step in reversed(steps):
        parent, copied = copied, copied[step]
    operation = None if parent is None else parent.getparent()
    if parent is None or operation is None:
        raise SignatureError("the Signature is not inside a request inside an operation")
    # The transform removes the Signature element only; lxml would take its tail text along.
    tail, previous = copied.tail, copied.getprevious()
    parent.remove(copied)
    if tail and previous is not None:
        previous.tail = (previous.tail or "") + tail
    elif tail:
        parent.text = (parent.text or "") + tail
    return document, operation


def _operation_without(
    operation: etree._Element, request: etree._Element, *, blank_text: bool
) -> etree._Element:
    """The operation element without the request's Signature, with its whitespace-only text as received
    (`blank_text`) or without it (the recipe's form)."""
    unsigned = copy.deepcopy(operation)
    del unsigned[operation.index(request)][-1]
    if blank_text:
        return unsigned
    for element in unsigned.iter():
        if element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    return unsigned


def _check_digest(reference: etree._Element, *canonical_forms: bytes) -> None:
    """The DigestValue must be the digest of one of `canonical_forms` (the accepted shapes' contents)."""
    method = _one(reference, f"{{{DS}}}DigestMethod").get("Algorithm", "")
    if method not in _DIGESTS:
        raise SignatureError(f"unsupported DigestMethod {method!r}")
    expected = _base64(_one(reference, f"{{{DS}}}DigestValue").text)
    if all(_DIGESTS[method](canonical).digest() != expected for canonical in canonical_forms):
        raise SignatureError("DigestValue does not match the signed content")


def _check_signature(
    signature: etree._Element, signed_info: etree._Element, certificate: x509.Certificate
) -> None:
    c14n = _one(signed_info, f"{{{DS}}}CanonicalizationMethod").get("Algorithm", "")
    if c14n not in (_EXC_C14N, _C14N):
        raise SignatureError(f"unsupported CanonicalizationMethod {c14n!r}")
    method = _one(signed_info, f"{{{DS}}}SignatureMethod").get("Algorithm", "")
    if method not in _SIGNATURES:
        raise SignatureError(f"unsupported SignatureMethod {method!r}")
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("the certificate's key is not RSA")
    value = _base64(_one(signature, f"{{{DS}}}SignatureValue").text)
    exclusive = c14n == _EXC_C14N
    # In context, as XML-DSig says; on its own, as satcfdi signs it (inclusive c14n then leaves out the
    # envelope's namespace declarations); or in the default namespace, as python-cfdiclient signs it before
    # lxml gives it the envelope's `xd:` prefix. Every signed byte of SignedInfo but a prefix is covered.
    forms = {
        _canonical(signed_info, exclusive),
        _canonical(copy.deepcopy(signed_info), exclusive),
        _canonical(_in_default_namespace(signed_info), exclusive),
    }
    for form in forms:
        try:
            key.verify(value, form, padding.PKCS1v15(), _SIGNATURES[method])
        except InvalidSignature:
            continue
        return
    raise SignatureError("SignatureValue does not verify with the certificate's key")


# lxml's key for the default namespace is None, which lxml-stubs' nsmap type leaves out
_DEFAULT_NAMESPACE_DS: Any = {None: DS}


def _in_default_namespace(element: etree._Element) -> etree._Element:
    """A copy of an XML-DSig subtree with its elements unprefixed, `xmlns` declaring the DSig namespace."""
    copied = etree.Element(element.tag, nsmap=_DEFAULT_NAMESPACE_DS)
    for name, value in element.attrib.items():
        copied.set(name, value)
    copied.text = element.text
    for child in element:
        if isinstance(child.tag, str):
            grown = _in_default_namespace(child)
            grown.tail = child.tail
            copied.append(grown)
    return copied


def _transforms(reference: etree._Element) -> list[str]:
    algorithms = [t.get("Algorithm", "") for t in reference.iterfind(f"{{{DS}}}Transforms/{{{DS}}}Transform")]
    unknown = set(algorithms) - {_EXC_C14N, _C14N, _ENVELOPED}
    if unknown:
        raise SignatureError(f"unsupported Transform {sorted(unknown)[0]!r}")
    return algorithms


def _exclusive(reference: etree._Element) -> bool:
    return _C14N not in _transforms(reference)


def _canonical(element: etree._Element, exclusive: bool) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=exclusive, with_comments=False)


def _one(parent: etree._Element, tag: str) -> etree._Element:
    found = parent.find(tag)
    if found is None:
        raise SignatureError(f"missing {etree.QName(tag).localname}")
    return found


def _fragment(uri: str | None) -> str:
    if not uri or not uri.startswith("#"):
        raise SignatureError(f"expected a same-document reference, got {uri!r}")
    return uri[1:]


def _base64(text: str | None) -> bytes:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("a base64 value is malformed") from None


def _certificate(text: str | None) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(_base64(text))
    except ValueError:
        raise SignatureError("the embedded certificate is not an X.509 DER certificate") from None
