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
///
/// It is held as the HMAC state after absorbing the key, so each `traveller_key` clones
/// that state instead of hashing the key again (half the work per record).
#[derive(Clone)]
pub struct PseudonymKey(Hmac<Sha256>);

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
        let mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
            .map_err(|e| IngestError::Config(format!("the pseudonymisation key: {e}")))?;
        Ok(PseudonymKey(mac))
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
        let mut buffer = [0u8; 32];
        self.write_traveller_key(issuing_country, passport_number, &mut buffer)
            .to_string()
    }

    /// The traveller key written into `buffer`, for callers that convert millions of
    /// records and would rather not allocate for each.
    pub fn write_traveller_key<'b>(
        &self,
        issuing_country: &str,
        passport_number: &str,
        buffer: &'b mut [u8; 32],
    ) -> &'b str {
        let mut mac = self.0.clone();
        mac.update(b"passport\x1f");
        update_upper(&mut mac, issuing_country.trim(), false);
        mac.update(b"\x1f");
        update_upper(&mut mac, passport_number, true);
        let digest = mac.finalize().into_bytes();
        hex::encode_to_slice(&digest[..16], buffer).expect("16 bytes are 32 hex digits");
        std::str::from_utf8(buffer).expect("hex digits are ASCII")
    }
}

/// Feeds `text` upper-cased (and without whitespace when `drop_whitespace`) to `mac`
/// through a small buffer, without allocating: the same bytes as
/// `text.to_uppercase()`.
fn update_upper(mac: &mut Hmac<Sha256>, text: &str, drop_whitespace: bool) {
    let mut buffer = [0u8; 64];
    let mut used = 0;
    for c in text.chars() {
        if drop_whitespace && c.is_whitespace() {
            continue;
        }
        for upper in c.to_uppercase() {
            if used + 4 > buffer.len() {
                mac.update(&buffer[..used]);
                used = 0;
            }
            used += upper.encode_utf8(&mut buffer[used..]).len();
        }
    }
    mac.update(&buffer[..used]);
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

    /// The reference definition: HMAC-SHA256 over `passport`, the trimmed upper-cased
    /// country and the upper-cased passport number without whitespace, 0x1F between.
    fn reference(key: &str, country: &str, passport: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
        let passport: String = passport.chars().filter(|c| !c.is_whitespace()).collect();
        let message = format!(
            "passport\x1f{}\x1f{}",
            country.trim().to_uppercase(),
            passport.to_uppercase()
        );
        mac.update(message.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    #[test]
    fn pseudonyms_stay_what_earlier_lakes_hold() {
        let key = PseudonymKey::new(KEY).unwrap();
        // Computed independently: Python's hmac.new(KEY, b"passport\x1fAUS\x1fPA1234567",
        // sha256).hexdigest()[:32].
        assert_eq!(
            key.traveller_key("AUS", "PA1234567"),
            "0bf030f02983a9c4c1ff4120c0113feb"
        );
        let long = "ß x".repeat(40) + "ǆ\u{1F600}ﬃ";
        for (country, passport) in [
            (" aus ", "pa 123 4567"),
            ("dEu", long.as_str()),
            ("", ""),
            ("ÖST", "ıi\tİ"),
        ] {
            assert_eq!(
                key.traveller_key(country, passport),
                reference(KEY, country, passport),
                "{country:?} {passport:?}"
            );
        }
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
