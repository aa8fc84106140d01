//! Passwords: argon2id hashes, made and checked on the dedicated low-priority threads of
//! `threads`, so argon2id's CPU cost never stalls the async runtime or key checks.
mod threads;

use std::sync::OnceLock;

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use uuid::Uuid;

pub use threads::{Hashing, Lane};

use crate::api::AppError;

pub async fn hash_password(hashing: &Hashing, password: String) -> Result<String, AppError> {
    hashing
        .run(Lane::Registration, move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|err| {
                    tracing::error!(error = %err, "password hashing failed");
                    AppError::Internal
                })
        })
        .await?
}

pub async fn verify_password(
    hashing: &Hashing,
    password: String,
    stored: String,
) -> Result<bool, AppError> {
    hashing
        .run(Lane::SignIn, move || {
            let Ok(parsed) = PasswordHash::new(&stored) else {
                tracing::error!("a stored password hash does not parse");
                return false;
            };
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .await
}

/// An argon2id hash of a random password, with the same parameters as real ones.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(Uuid::new_v4().to_string().as_bytes())
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Computes the dummy hash ahead of the first sign-in, so that first unknown-email attempt
/// is not slower than the others.
pub fn warm_up() {
    let _ = dummy_hash();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let hashing = Hashing::new();
        let hash = hash_password(&hashing, "correct horse battery staple".into())
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password(
            &hashing,
            "correct horse battery staple".into(),
            hash.clone()
        )
        .await
        .unwrap());
        assert!(
            !verify_password(&hashing, "wrong horse battery staple".into(), hash)
                .await
                .unwrap()
        );
    }

    #[test]
    fn dummy_hash_is_a_real_argon2id_hash() {
        assert!(dummy_hash().starts_with("$argon2id$"));
    }
}
