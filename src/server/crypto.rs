//! The cryptographic primitives that keys, sessions and (later) one-time tokens share: the OS
//! random generator, SHA-256 as stored, and constant-time comparison.
use rand::rngs::SysRng;
use rand::TryRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

#[derive(Debug, thiserror::Error)]
#[error("the operating system's random number generator failed")]
pub struct RandomnessUnavailable;

/// Fills `buf` from the OS CSPRNG.
pub fn random_bytes(buf: &mut [u8]) -> Result<(), RandomnessUnavailable> {
    SysRng
        .try_fill_bytes(buf)
        .map_err(|_| RandomnessUnavailable)
}

/// A random token of `BYTES` bytes, hex-encoded (a session cookie, a reset link).
pub fn random_token<const BYTES: usize>() -> Result<String, RandomnessUnavailable> {
    let mut raw = [0u8; BYTES];
    random_bytes(&mut raw)?;
    Ok(hex::encode(raw))
}

/// Lower-case hex SHA-256: the only form in which keys and tokens are stored.
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Constant-time equality for secrets and their hashes.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_of_the_asked_length() {
        let a = random_token::<32>().unwrap();
        let b = random_token::<32>().unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(secrets_equal("same", "same") && !secrets_equal("same", "sane"));
    }
}
