//! Registration and sign-in. Password hashing runs on the dedicated low-priority threads of
//! `server::hashing`, so argon2id's CPU cost never stalls the async runtime or key checks.
use std::sync::OnceLock;

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::api::validation::{normalize_email, validate_new_password};
use crate::api::AppError;
use crate::server::entities::users;
use crate::server::error::is_unique_violation;
use crate::server::hashing::{Hashing, Lane};
use crate::server::services::login_throttle::{self, Limits};
use crate::server::services::sign_up_throttle::{self, SignUpLimits};
use crate::server::time::now;

/// Creates an account. Malformed input is refused before anything is counted; every
/// registration that gets as far as hashing counts against the client's IP, including one
/// that ends in 409, so probing which emails have accounts costs a registration slot each.
pub async fn register(
    db: &DatabaseConnection,
    hashing: &Hashing,
    limits: SignUpLimits,
    client_ip: &str,
    email: &str,
    password: &str,
) -> Result<users::Model, AppError> {
    let email = normalize_email(email).map_err(AppError::bad_request)?;
    validate_new_password(password).map_err(AppError::bad_request)?;
    let reservation = sign_up_throttle::reserve(db, limits, client_ip).await?;
    let password_hash = match hash_password(hashing, password.to_owned()).await {
        Ok(hash) => hash,
        Err(err) => {
            reservation.release(db).await;
            return Err(err);
        }
    };
    let user = users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        password_hash: Set(password_hash),
        created_at: Set(now()),
    };
    match user.insert(db).await {
        Ok(user) => Ok(user),
        Err(err) if is_unique_violation(&err) => Err(AppError::EmailTaken),
        Err(err) => Err(err.into()),
    }
}

/// Checks credentials, throttled per email and per client IP: the attempt is reserved before
/// argon2 runs (see `login_throttle`), so a refused one never reaches it. An unknown email
/// is verified against a dummy hash so that it costs the same time as a wrong password and
/// gives the same error.
pub async fn login(
    db: &DatabaseConnection,
    hashing: &Hashing,
    limits: Limits,
    client_ip: &str,
    email: &str,
    password: &str,
) -> Result<users::Model, AppError> {
    let throttle_key = normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
    let reservation = login_throttle::reserve(db, limits, &throttle_key, client_ip).await?;
    match check_credentials(db, hashing, email, password).await {
        Ok(user) => {
            login_throttle::reset_email(db, &throttle_key).await?;
            Ok(user)
        }
        // The reservation stays behind as the recorded failure.
        Err(AppError::InvalidCredentials) => Err(AppError::InvalidCredentials),
        Err(other) => {
            reservation.release(db).await;
            Err(other)
        }
    }
}

async fn check_credentials(
    db: &DatabaseConnection,
    hashing: &Hashing,
    email: &str,
    password: &str,
) -> Result<users::Model, AppError> {
    let email = normalize_email(email).ok();
    let user = match &email {
        Some(email) => {
            users::Entity::find()
                .filter(users::Column::Email.eq(email.as_str()))
                .one(db)
                .await?
        }
        None => None,
    };
    let stored = match &user {
        Some(user) => user.password_hash.clone(),
        None => dummy_hash().to_owned(),
    };
    let matches = verify_password(hashing, password.to_owned(), stored).await?;
    match user {
        Some(user) if matches => Ok(user),
        _ => Err(AppError::InvalidCredentials),
    }
}

async fn hash_password(hashing: &Hashing, password: String) -> Result<String, AppError> {
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

async fn verify_password(
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
fn dummy_hash() -> &'static str {
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
