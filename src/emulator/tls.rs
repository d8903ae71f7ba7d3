//! The emulator's own certificate authority: generated at every start, so no
//! key ever lives on disk longer than the process, and the only thing a client
//! must trust is the CA certificate the emulator writes out. HTTPS is not
//! optional: azure_core's bearer-token policy refuses plain `http`, and the
//! emulator must exercise the production code path.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

/// A freshly generated CA and the server configuration of a leaf it signed.
pub struct Certificates {
    /// The CA certificate in PEM, which clients add to their trust roots.
    pub ca_pem: String,
    /// The rustls configuration serving the leaf (HTTP/1.1 and HTTP/2).
    pub server: Arc<rustls::ServerConfig>,
}

/// Generates a CA and a leaf for `localhost`, `127.0.0.1` and `::1`, valid
/// from a day ago (clock skew) for a year.
pub fn generate() -> Result<Certificates, String> {
    let (not_before, not_after) = validity();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(describe)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "restoreplan emulator CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca_params.not_before = not_before;
    ca_params.not_after = not_after;
    let ca_key = KeyPair::generate().map_err(describe)?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(describe)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let mut leaf_params = CertificateParams::new(vec!["localhost".to_owned()]).map_err(describe)?;
    leaf_params.subject_alt_names.extend([
        SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)),
    ]);
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf_params.use_authority_key_identifier_extension = true;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.not_before = not_before;
    leaf_params.not_after = not_after;
    let leaf_key = KeyPair::generate().map_err(describe)?;
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .map_err(describe)?;

    // Two crypto providers are linked in (reqwest brings aws-lc-rs, others
    // ring), so rustls cannot pick a process default: name one.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let chain = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let mut server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(describe)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(describe)?;
    server.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Certificates {
        ca_pem: ca_cert.pem(),
        server: Arc::new(server),
    })
}

fn validity() -> (time::OffsetDateTime, time::OffsetDateTime) {
    let now = time::OffsetDateTime::now_utc();
    (
        now - time::Duration::days(1),
        now + time::Duration::days(365),
    )
}

fn describe(error: impl std::fmt::Display) -> String {
    format!("cannot generate the emulator's certificate: {error}")
}
