"""Certificates of a stand-in's own, for what Microsoft would sign in production: a
certificate authority, and certificates it issues for a host (the stand-in Partner
Center's HTTPS, Partner Center's notification signer). Nothing here is trusted
outside the settings that name its CA file."""

import base64
import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

# Long enough for a development database's lifetime; the files are made anew each start.
VALID_DAYS = 30


@dataclass(frozen=True)
class Signer:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    def sign(self, body: bytes) -> str:
        """rsa-sha256 over `body`, base64: Partner Center's notification signature."""
        return base64.b64encode(self.key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Partner Connect stand-in"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(subject: str, issuer: x509.Name, key: rsa.RSAPrivateKey) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
    )


def authority(name: str = "Partner Connect stand-in CA", *, issuer: Signer | None = None) -> Signer:
    """A root CA; or, signed by `issuer`, an intermediate one (issuing certificates
    only), as Microsoft's issuing CAs are under their roots."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signing_key = issuer.key if issuer else key
    builder = _builder(name, issuer.certificate.subject if issuer else _name(name), key)
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    certificate = (
        builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=0 if issuer else None), critical=True
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(signing_key, hashes.SHA256())
    )
    return Signer(key, certificate)


def issued(issuer: Signer, host: str, *, issuer_url: str | None = None) -> Signer:
    """A certificate for `host` (a DNS name, or an IP address with localhost beside
    it), issued by `issuer`; with `issuer_url`, the address its issuer's certificate
    is served at (Authority Information Access, "CA Issuers")."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    try:
        names: list[x509.GeneralName] = [
            x509.IPAddress(ipaddress.ip_address(host)),
            x509.DNSName("localhost"),
        ]
    except ValueError:
        names = [x509.DNSName(host)]
    builder = _builder(host, issuer.certificate.subject, key)
    if issuer_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(issuer_url),
                    )
                ]
            ),
            critical=False,
        )
    certificate = (
        builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
        .sign(issuer.key, hashes.SHA256())
    )
    return Signer(key, certificate)


def write(directory: Path, name: str, signer: Signer) -> tuple[Path, Path]:
    """`signer`'s certificate and key as PEM files `<name>.pem` and `<name>.key`."""
    directory.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = directory / f"{name}.pem", directory / f"{name}.key"
    cert_file.write_bytes(signer.certificate_pem())
    key_file.write_bytes(signer.key_pem())
    return cert_file, key_file
