//! Keyed pseudonymisation of personal identifiers.
//!
//! Passport numbers never land in the lake in clear, and names not at all. A traveller is
//! known only by `traveller_key`, an HMAC-SHA256 of the issuing country and passport number
//! under a secret key. The same key in every run and every agency's feed lets analysts
//! follow one traveller across agencies without anyone seeing who it is; without the key
//! the hash cannot be reversed or recomputed from a guessed passport number.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{IngestError, Result};

/// Environment variable the key is read from when the configuration file has none.
pub const KEY_ENV: &str = "GERBANG_PSEUDONYM_KEY";

/// Shortest key accepted: 32 characters, i.e. at least 128 bits of a random hex string.
pub const MIN_KEY_LEN: usize = 32;

/// The secret key for `traveller_key`. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct PseudonymKey(Vec<u8>);

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(<secret>)")
    }
}

impl PseudonymKey {
    /// Accepts a key of at least [`MIN_KEY_LEN`] characters.
    pub fn new(key: &str) -> Result<PseudonymKey> {
        let key = key.trim();
        if key.chars().count() < MIN_KEY_LEN {
            return Err(IngestError::Config(format!(
                "the pseudonymisation key is {} characters long; use at least {MIN_KEY_LEN} \
                 random characters (for example the output of `openssl rand -hex 32`)",
                key.chars().count()
            )));
        }
        Ok(PseudonymKey(key.as_bytes().to_vec()))
    }

    /// The key from the configuration (`configured`) or else from [`KEY_ENV`]; `None` when
    /// neither is set.
    pub fn from_config_or_env(configured: Option<&str>) -> Result<Option<PseudonymKey>> {
        match configured {
            Some(key) => PseudonymKey::new(key).map(Some),
            None => match std::env::var(KEY_ENV) {
                Ok(key) if !key.trim().is_empty() => PseudonymKey::new(&key).map(Some),
                _ => Ok(None),
            },
        }
    }

    /// The traveller key for a passport: 32 hex characters (128 bits of the HMAC).
    pub fn traveller_key(&self, issuing_country: &str, passport_number: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        mac.update(b"passport\x1f");
        mac.update(issuing_country.trim().to_uppercase().as_bytes());
        mac.update(b"\x1f");
        let normalised: String = passport_number
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        mac.update(normalised.as_bytes());
        let digest = mac.finalize().into_bytes();
        hex::encode(&digest[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn same_passport_same_key_whatever_the_spacing_and_case() {
        let key = PseudonymKey::new(KEY).unwrap();
        let a = key.traveller_key("AUS", "pa1234567");
        assert_eq!(a, key.traveller_key("aus", " PA 1234567 "));
        assert_eq!(a.len(), 32);
        assert_ne!(a, key.traveller_key("NZL", "PA1234567"));
        assert!(!a.contains("1234567"));
    }

    #[test]
    fn another_key_gives_another_pseudonym() {
        let one = PseudonymKey::new(KEY).unwrap();
        let two = PseudonymKey::new("fedcba9876543210fedcba9876543210").unwrap();
        assert_ne!(
            one.traveller_key("AUS", "PA1"),
            two.traveller_key("AUS", "PA1")
        );
    }

    #[test]
    fn short_key_is_refused_and_never_printed() {
        let err = PseudonymKey::new("short").unwrap_err().to_string();
        assert!(err.contains("at least 32"), "{err}");
        let key = PseudonymKey::new(KEY).unwrap();
        assert!(!format!("{key:?}").contains("0123"));
    }
}
