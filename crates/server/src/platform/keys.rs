//! The server's signing key (Ed25519, kept as a PKCS#8 file readable only by the
//! server's user in the data folder), its public JWK set, and compact JWS signing of
//! ID tokens. Created on first start; replacing the file rotates the key.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use ed25519_dalek::{Signer as _, SigningKey};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};

pub struct SigningKeys {
    key: SigningKey,
    kid: String,
}

const KEY_FILE: &str = "signing-key.pem";

impl SigningKeys {
    /// Loads `DATA/signing-key.pem`, creating it on first start.
    pub fn load_or_create(data_dir: &Path) -> Result<Self> {
        let path = data_dir.join(KEY_FILE);
        let key = if path.exists() {
            let pem = std::fs::read_to_string(&path)?;
            SigningKey::from_pkcs8_pem(&pem)
                .map_err(|error| Error::Key(format!("{}: {error}", path.display())))?
        } else {
            let key = SigningKey::generate(&mut rand::rngs::OsRng);
            let pem = key
                .to_pkcs8_pem(Default::default())
                .map_err(|error| Error::Key(error.to_string()))?;
            write_private(&path, pem.as_bytes())?;
            key
        };
        Ok(Self::from_key(key))
    }

    fn from_key(key: SigningKey) -> Self {
        let public = key.verifying_key().to_bytes();
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(public)[..12]);
        Self { key, kid }
    }

    /// The JWK set published at the `jwks_uri`.
    pub fn jwks(&self) -> Value {
        json!({
            "keys": [{
                "kty": "OKP",
                "crv": "Ed25519",
                "alg": "EdDSA",
                "use": "sig",
                "kid": self.kid,
                "x": URL_SAFE_NO_PAD.encode(self.key.verifying_key().to_bytes()),
            }]
        })
    }

    /// Signs `claims` as a compact JWS (`header.payload.signature`).
    pub fn sign_jwt(&self, claims: &impl Serialize) -> Result<String> {
        let header = json!({ "alg": "EdDSA", "typ": "JWT", "kid": self.kid });
        let signing_input = format!("{}.{}", base64_json(&header)?, base64_json(claims)?);
        let signature = self.key.sign(signing_input.as_bytes());
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        ))
    }
}

fn base64_json(value: &impl Serialize) -> Result<String> {
    let json = serde_json::to_vec(value).map_err(|error| Error::Key(error.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}

#[cfg(unix)]
pub(crate) fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
pub(crate) fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    Ok(std::fs::write(path, contents)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};

    #[test]
    fn key_persists_and_signatures_verify_against_the_jwks() {
        let dir = tempfile::tempdir().unwrap();
        let first = SigningKeys::load_or_create(dir.path()).unwrap();
        let again = SigningKeys::load_or_create(dir.path()).unwrap();
        assert_eq!(first.kid, again.kid, "the key survives a restart");

        let token = first.sign_jwt(&json!({ "sub": "u1" })).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let jwks = again.jwks();
        let x = URL_SAFE_NO_PAD
            .decode(jwks["keys"][0]["x"].as_str().unwrap())
            .unwrap();
        let public = VerifyingKey::from_bytes(&x.try_into().unwrap()).unwrap();
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).unwrap();
        let input = format!("{}.{}", parts[0], parts[1]);
        assert!(public.verify(input.as_bytes(), &signature).is_ok());
        assert!(public.verify(b"tampered", &signature).is_err());
    }
}
