//! The API key format: `pk_live_` + 32 random base62 characters + a 6-character base62
//! CRC32 of those 32 characters. The checksum lets us (and secret scanners) reject a typo or
//! a made-up key without a database query; the randomness (~190 bits) is what protects.
use subtle::ConstantTimeEq;

pub use super::crypto::RandomnessUnavailable;
use super::crypto::{random_bytes, sha256_hex};

pub const KEY_PREFIX: &str = "pk_live_";
const RANDOM_LEN: usize = 32;
const CHECKSUM_LEN: usize = 6;
pub const KEY_LEN: usize = KEY_PREFIX.len() + RANDOM_LEN + CHECKSUM_LEN;
/// How much of a key we keep for display: the fixed prefix plus four random characters.
pub const DISPLAY_PREFIX_LEN: usize = KEY_PREFIX.len() + 4;
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A freshly generated key. The full key lives only here, on its way to the one response
/// that reveals it; `Debug` never prints it.
pub struct GeneratedKey {
    full: String,
    pub hash: String,
    pub prefix: String,
}

impl GeneratedKey {
    pub fn expose(&self) -> &str {
        &self.full
    }

    pub fn into_full_key(self) -> String {
        self.full
    }
}

impl std::fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// Draws a new key from the OS CSPRNG.
pub fn generate() -> Result<GeneratedKey, RandomnessUnavailable> {
    let mut random = String::with_capacity(RANDOM_LEN);
    let mut buf = [0u8; 64];
    while random.len() < RANDOM_LEN {
        random_bytes(&mut buf)?;
        // Rejection sampling: 248 = 4 × 62, so accepted bytes map uniformly onto base62.
        for &b in buf.iter().filter(|&&b| b < 248) {
            if random.len() == RANDOM_LEN {
                break;
            }
            random.push(BASE62[(b % 62) as usize] as char);
        }
    }
    let full = format!("{KEY_PREFIX}{random}{}", checksum(random.as_bytes()));
    Ok(GeneratedKey {
        hash: hash_key(&full),
        prefix: display_prefix(&full).to_owned(),
        full,
    })
}

fn checksum(random: &[u8]) -> String {
    let mut n = crc32fast::hash(random) as u64;
    let mut out = [b'0'; CHECKSUM_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    // CRC32 < 62^6, so six digits always suffice and the string is pure ASCII.
    String::from_utf8_lossy(&out).into_owned()
}

/// True when `key` has our shape and its checksum matches. Cheap and database-free.
pub fn is_well_formed(key: &str) -> bool {
    let Some(body) = key.strip_prefix(KEY_PREFIX) else {
        return false;
    };
    if body.len() != RANDOM_LEN + CHECKSUM_LEN || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (random, check) = body.split_at(RANDOM_LEN);
    checksum(random.as_bytes())
        .as_bytes()
        .ct_eq(check.as_bytes())
        .into()
}

/// Lower-case hex SHA-256 of the full key: the only form in which a key is stored.
pub fn hash_key(full_key: &str) -> String {
    sha256_hex(full_key)
}

pub fn display_prefix(full_key: &str) -> &str {
    &full_key[..DISPLAY_PREFIX_LEN.min(full_key.len())]
}

/// `pk_live_abc1` → `pk_live_abc1****`.
pub fn mask(prefix: &str) -> String {
    format!("{prefix}****")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn looks_right(key: &str) -> bool {
        key.len() == 46
            && key.starts_with("pk_live_")
            && key[8..].bytes().all(|b| b.is_ascii_alphanumeric())
    }

    #[test]
    fn generated_keys_match_the_format_and_verify() {
        for _ in 0..200 {
            let key = generate().unwrap();
            assert!(looks_right(key.expose()), "{}", key.expose());
            assert!(is_well_formed(key.expose()));
            assert_eq!(key.prefix, &key.expose()[..12]);
            assert_eq!(key.hash, hash_key(key.expose()));
            assert_eq!(key.hash.len(), 64);
        }
    }

    #[test]
    fn keys_are_distinct() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a.expose(), b.expose());
    }

    #[test]
    fn every_single_character_flip_is_rejected() {
        let key = generate().unwrap().into_full_key();
        for i in KEY_PREFIX.len()..key.len() {
            let mut bytes = key.clone().into_bytes();
            bytes[i] = if bytes[i] == b'a' { b'b' } else { b'a' };
            let flipped = String::from_utf8(bytes).unwrap();
            assert!(!is_well_formed(&flipped), "flip at {i} accepted");
        }
    }

    #[test]
    fn malformed_keys_are_rejected() {
        let key = generate().unwrap().into_full_key();
        assert!(!is_well_formed(""));
        assert!(!is_well_formed(&key[..45]));
        assert!(!is_well_formed(&format!("{key}0")));
        assert!(!is_well_formed(&key.replace("pk_live_", "pk_test_")));
        assert!(!is_well_formed(&format!("pk_live_{}", "-".repeat(38))));
        assert!(!is_well_formed(&format!("pk_live_{}é", &key[8..44])));
    }

    #[test]
    fn checksum_is_six_base62_digits() {
        assert_eq!(checksum(b""), "000000");
        let c = checksum(b"abcdefghijklmnopqrstuvwxyz012345");
        assert_eq!(c.len(), 6);
        assert!(c.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn masking_keeps_twelve_characters() {
        let key = generate().unwrap();
        let masked = mask(&key.prefix);
        assert_eq!(masked.len(), 16);
        assert!(masked.ends_with("****"));
        assert_eq!(&masked[..12], &key.expose()[..12]);
        assert_eq!(mask("pk_live_abc1"), "pk_live_abc1****");
    }

    #[test]
    fn debug_never_prints_the_key() {
        let key = generate().unwrap();
        assert!(!format!("{key:?}").contains(key.expose()));
    }
}
