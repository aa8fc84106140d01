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
use crate::server::hashing;
use crate::server::services::login_throttle::{self, Limits};
use crate::server::time::now;

pub async fn register(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
) -> Result<users::Model, AppError> {
    let email = normalize_email(email).map_err(AppError::bad_request)?;
    validate_new_password(password).map_err(AppError::bad_request)?;
    let password_hash = hash_password(password.to_owned()).await?;
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

/// Checks credentials, throttled per email and per client IP. An unknown email is verified
/// against a dummy hash so that it costs the same time as a wrong password and gives the
/// same error.
pub async fn login(
    db: &DatabaseConnection,
    limits: Limits,
    client_ip: &str,
    email: &str,
    password: &str,
) -> Result<users::Model, AppError> {
    let throttle_key = normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
    login_throttle::check(db, limits, &throttle_key, client_ip).await?;
    match check_credentials(db, email, password).await {
        Ok(user) => {
            login_throttle::reset_email(db, &throttle_key).await?;
            Ok(user)
        }
        Err(AppError::InvalidCredentials) => {
            login_throttle::record_failure(db, &throttle_key, client_ip).await?;
            Err(AppError::InvalidCredentials)
        }
        Err(other) => Err(other),
    }
}

async fn check_credentials(
    db: &DatabaseConnection,
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
    let matches = verify_password(password.to_owned(), stored).await?;
    match user {
        Some(user) if matches => Ok(user),
        _ => Err(AppError::InvalidCredentials),
    }
}

async fn hash_password(password: String) -> Result<String, AppError> {
    hashing::run(move || {
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

async fn verify_password(password: String, stored: String) -> Result<bool, AppError> {
    hashing::run(move || {
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
        let hash = hash_password("correct horse battery staple".into())
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            verify_password("correct horse battery staple".into(), hash.clone())
                .await
                .unwrap()
        );
        assert!(!verify_password("wrong horse battery staple".into(), hash)
            .await
            .unwrap());
    }

    #[test]
    fn dummy_hash_is_a_real_argon2id_hash() {
        assert!(dummy_hash().starts_with("$argon2id$"));
    }
}
