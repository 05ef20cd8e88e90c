"""XML-DSig as SAT takes it: exclusive c14n, SHA-1 digest, RSA-SHA1 signature (protocol document, 5 and 6)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import cast

from lxml import etree

from etl.sat._fiel import Fiel

__all__ = [
    "DSIG_NS",
    "EXC_C14N",
    "append_signature",
    "canonical",
    "default_namespace",
    "sha1_digest",
    "x509_key_info",
]

DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
_RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
_SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"

# The wire form of SignedInfo's empty children. The reference clients send them expanded
# (`<DigestMethod ...></DigestMethod>`) and SAT accepts that; one report says SAT once wanted them
# self-closing. The signature does not depend on it (c14n always expands), only the bytes sent do.
_EXPAND_EMPTY_SIGNED_INFO_CHILDREN = True


def default_namespace(uri: str) -> Mapping[str, str]:
    """An `nsmap` declaring `uri` as the default namespace (lxml's key `None`, which lxml-stubs omit)."""
    return cast("Mapping[str, str]", {None: uri})


def canonical(element: etree._Element) -> bytes:
    """The exclusive-c14n form of `element` (no comments, no tail), as SAT computes it."""
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False, with_tail=False)


def sha1_digest(element: etree._Element) -> str:
    """base64(SHA-1(exclusive c14n of `element`)): a `DigestValue`."""
    return base64.b64encode(hashlib.sha1(canonical(element)).digest()).decode("ascii")  # noqa: S324


def append_signature(
    parent: etree._Element,
    fiel: Fiel,
    *,
    reference_uri: str,
    digest: str,
    key_info: etree._Element,
) -> etree._Element:
    """Sign `digest` with the FIEL and append the `Signature` to `parent` as its last child.

    The SignatureValue is computed over the SignedInfo as it sits in the tree, so what is signed is
    exactly what is sent.
    """
    signature = etree.SubElement(parent, _dsig("Signature"), nsmap=default_namespace(DSIG_NS))
    signed_info = etree.SubElement(signature, _dsig("SignedInfo"))
    _empty(signed_info, "CanonicalizationMethod", Algorithm=EXC_C14N)
    _empty(signed_info, "SignatureMethod", Algorithm=_RSA_SHA1)
    reference = etree.SubElement(signed_info, _dsig("Reference"), URI=reference_uri)
    transforms = etree.SubElement(reference, _dsig("Transforms"))
    _empty(transforms, "Transform", Algorithm=EXC_C14N)
    _empty(reference, "DigestMethod", Algorithm=_SHA1)
    etree.SubElement(reference, _dsig("DigestValue")).text = digest
    signature_value = etree.SubElement(signature, _dsig("SignatureValue"))
    signature.append(key_info)
    signature_value.text = base64.b64encode(fiel.sign_sha1(canonical(signed_info))).decode("ascii")
    return signature


def x509_key_info(fiel: Fiel) -> etree._Element:
    """`KeyInfo/X509Data` with the issuer, the decimal serial and the certificate on one line."""
    key_info = etree.Element(_dsig("KeyInfo"), nsmap=default_namespace(DSIG_NS))
    x509_data = etree.SubElement(key_info, _dsig("X509Data"))
    issuer_serial = etree.SubElement(x509_data, _dsig("X509IssuerSerial"))
    etree.SubElement(issuer_serial, _dsig("X509IssuerName")).text = fiel.issuer_name
    etree.SubElement(issuer_serial, _dsig("X509SerialNumber")).text = str(fiel.serial_number)
    etree.SubElement(x509_data, _dsig("X509Certificate")).text = fiel.certificate_base64
    return key_info


def _dsig(name: str) -> str:
    return f"{{{DSIG_NS}}}{name}"


def _empty(parent: etree._Element, name: str, **attributes: str) -> None:
    element = etree.SubElement(parent, _dsig(name), attrib=attributes)
    if _EXPAND_EMPTY_SIGNED_INFO_CHILDREN:
        element.text = ""
