//! Registration and sign-in, each ending in a new session. The REST API and the server
//! functions both come here through `AppState::accounts`, so the rules and the session are
//! the same whichever door a person uses.
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::login_throttle::{self, Limits};
use super::passwords::{dummy_hash, hash_password, verify_password, Hashing};
use super::sessions;
use super::sign_up_throttle::{self, SignUpLimits};
use crate::api::validation::{normalize_email, validate_new_password};
use crate::api::AppError;
use crate::server::entities::users;
use crate::server::error::is_unique_violation;
use crate::server::time::now;

/// What account operations need, borrowed from the app state.
pub struct Accounts<'a> {
    pub db: &'a DatabaseConnection,
    pub hashing: &'a Hashing,
    pub sign_in: Limits,
    pub sign_up: SignUpLimits,
    pub session_lifetime_days: i64,
}

/// A signed-in user and the token of their new session (for the cookie).
pub struct SignedIn {
    pub user: users::Model,
    pub session_token: String,
}

impl Accounts<'_> {
    /// Creates an account and signs it in. Malformed input is refused before anything is
    /// counted; every registration that gets as far as hashing counts against the client's
    /// address, including one that ends in 409, so probing which emails have accounts costs a
    /// registration slot each.
    pub async fn register(
        &self,
        client: &str,
        email: &str,
        password: &str,
    ) -> Result<SignedIn, AppError> {
        let email = normalize_email(email).map_err(AppError::bad_request)?;
        validate_new_password(password).map_err(AppError::bad_request)?;
        let reservation = sign_up_throttle::reserve(self.db, self.sign_up, client).await?;
        let password_hash = match hash_password(self.hashing, password.to_owned()).await {
            Ok(hash) => hash,
            Err(err) => {
                reservation.release(self.db).await;
                return Err(err);
            }
        };
        let user = users::ActiveModel {
            id: Set(Uuid::now_v7()),
            email: Set(email),
            password_hash: Set(password_hash),
            created_at: Set(now()),
        };
        let user = match user.insert(self.db).await {
            Ok(user) => user,
            Err(err) if is_unique_violation(&err) => return Err(AppError::EmailTaken),
            Err(err) => return Err(err.into()),
        };
        self.start_session(user).await
    }

    /// Checks credentials and signs in, throttled per email and per client address: the
    /// attempt is reserved before argon2 runs (see `login_throttle`), so a refused one never
    /// reaches it. An unknown email is verified against a dummy hash so that it costs the same
    /// time as a wrong password and gives the same error.
    pub async fn login(
        &self,
        client: &str,
        email: &str,
        password: &str,
    ) -> Result<SignedIn, AppError> {
        let throttle_key = normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
        let reservation =
            login_throttle::reserve(self.db, self.sign_in, &throttle_key, client).await?;
        match self.check_credentials(email, password).await {
            Ok(user) => {
                login_throttle::reset_email(self.db, &throttle_key).await?;
                self.start_session(user).await
            }
            // The reservation stays behind as the recorded failure.
            Err(AppError::InvalidCredentials) => Err(AppError::InvalidCredentials),
            Err(other) => {
                reservation.release(self.db).await;
                Err(other)
            }
        }
    }

    async fn start_session(&self, user: users::Model) -> Result<SignedIn, AppError> {
        let session_token = sessions::create(self.db, self.session_lifetime_days, user.id).await?;
        Ok(SignedIn {
            user,
            session_token,
        })
    }

    async fn check_credentials(
        &self,
        email: &str,
        password: &str,
    ) -> Result<users::Model, AppError> {
        let email = normalize_email(email).ok();
        let user = match &email {
            Some(email) => {
                users::Entity::find()
                    .filter(users::Column::Email.eq(email.as_str()))
                    .one(self.db)
                    .await?
            }
            None => None,
        };
        let stored = match &user {
            Some(user) => user.password_hash.clone(),
            None => dummy_hash().to_owned(),
        };
        let matches = verify_password(self.hashing, password.to_owned(), stored).await?;
        match user {
            Some(user) if matches => Ok(user),
            _ => Err(AppError::InvalidCredentials),
        }
    }
}
