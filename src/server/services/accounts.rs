//! Registration and sign-in, each ending in a new session, and the password change. The
//! REST API, the server functions and the HTML forms all come here through
//! `AppState::accounts`, so the rules and the session are the same whichever door a person
//! uses, and each of them lands in the security log.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
};
use uuid::Uuid;

use super::login_throttle::{self, Limits};
use super::passwords::{dummy_hash, hash_password, verify_password, Hashing};
use super::security_log;
use super::sessions;
use super::sign_up_throttle::{self, SignUpLimits};
use crate::api::account::EventKind;
use crate::api::validation::{normalize_email, validate_new_password};
use crate::api::AppError;
use crate::server::actor::Actor;
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
        actor: &Actor,
        email: &str,
        password: &str,
    ) -> Result<SignedIn, AppError> {
        let email = normalize_email(email).map_err(AppError::bad_request)?;
        validate_new_password(password).map_err(AppError::bad_request)?;
        let client = actor.throttle_bucket();
        let reservation = sign_up_throttle::reserve(self.db, self.sign_up, &client).await?;
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
        self.start_session(user, actor).await
    }

    /// Checks credentials and signs in, throttled per email and per client address: the
    /// attempt is reserved before argon2 runs (see `login_throttle`), so a refused one never
    /// reaches it. An unknown email is verified against a dummy hash so that it costs the same
    /// time as a wrong password and gives the same error.
    pub async fn login(
        &self,
        actor: &Actor,
        email: &str,
        password: &str,
    ) -> Result<SignedIn, AppError> {
        let throttle_key = normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
        let client = actor.throttle_bucket();
        let reservation =
            login_throttle::reserve(self.db, self.sign_in, &throttle_key, &client).await?;
        match self.check_credentials(email, password).await {
            Ok(user) => {
                login_throttle::reset_email(self.db, &throttle_key).await?;
                self.start_session(user, actor).await
            }
            // The reservation stays behind as the recorded failure; the account, if there is
            // one, learns of the attempt from its log. Written after answering, so an unknown
            // email and a wrong password still take the same time.
            Err(AppError::InvalidCredentials) => {
                self.log_failed_sign_in(email, actor);
                Err(AppError::InvalidCredentials)
            }
            Err(other) => {
                reservation.release(self.db).await;
                Err(other)
            }
        }
    }

    /// Changes `user`'s password, keeping the session `current` (a token hash) and ending
    /// every other. The current password is checked as a sign-in is, under the same throttle,
    /// and a wrong one counts as a failed sign-in.
    pub async fn change_password(
        &self,
        actor: &Actor,
        user: &users::Model,
        current: &str,
        current_password: &str,
        new_password: &str,
    ) -> Result<(), AppError> {
        validate_new_password(new_password).map_err(AppError::bad_request)?;
        let client = actor.throttle_bucket();
        let reservation =
            login_throttle::reserve(self.db, self.sign_in, &user.email, &client).await?;
        let user = match users::Entity::find_by_id(user.id).one(self.db).await {
            Ok(Some(user)) => user,
            Ok(None) => {
                reservation.release(self.db).await;
                return Err(AppError::Unauthorized);
            }
            Err(err) => {
                reservation.release(self.db).await;
                return Err(err.into());
            }
        };
        let checked = verify_password(
            self.hashing,
            current_password.to_owned(),
            user.password_hash.clone(),
        )
        .await;
        match checked {
            Ok(true) => {}
            // The reservation stays behind as the recorded failure.
            Ok(false) => return Err(AppError::WrongCurrentPassword),
            Err(err) => {
                reservation.release(self.db).await;
                return Err(err);
            }
        }
        login_throttle::reset_email(self.db, &user.email).await?;
        let password_hash = hash_password(self.hashing, new_password.to_owned()).await?;
        let user_id = user.id;
        let txn = crate::server::db::begin_write(self.db).await?;
        let mut active = user.into_active_model();
        active.password_hash = Set(password_hash);
        active.update(&txn).await?;
        sessions::end_all_but(&txn, user_id, Some(current)).await?;
        security_log::record(&txn, user_id, EventKind::PasswordChanged, actor, None).await?;
        txn.commit().await?;
        Ok(())
    }

    async fn start_session(&self, user: users::Model, actor: &Actor) -> Result<SignedIn, AppError> {
        let session_token =
            sessions::create(self.db, self.session_lifetime_days, user.id, actor).await?;
        security_log::record(self.db, user.id, EventKind::SignIn, actor, None).await?;
        Ok(SignedIn {
            user,
            session_token,
        })
    }

    fn log_failed_sign_in(&self, email: &str, actor: &Actor) {
        let (accounts_db, email, actor) = (self.db.clone(), email.to_owned(), actor.clone());
        tokio::spawn(async move {
            let logged = match find_by_email(&accounts_db, &email).await {
                Ok(Some(user)) => {
                    security_log::record(
                        &accounts_db,
                        user.id,
                        EventKind::SignInFailed,
                        &actor,
                        None,
                    )
                    .await
                }
                Ok(None) => Ok(()),
                Err(err) => Err(err),
            };
            if let Err(err) = logged {
                tracing::warn!(error = %err, "could not log a failed sign-in");
            }
        });
    }

    async fn check_credentials(
        &self,
        email: &str,
        password: &str,
    ) -> Result<users::Model, AppError> {
        let user = find_by_email(self.db, email).await?;
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

async fn find_by_email(
    db: &DatabaseConnection,
    email: &str,
) -> Result<Option<users::Model>, AppError> {
    let Ok(email) = normalize_email(email) else {
        return Ok(None);
    };
    Ok(users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(db)
        .await?)
}
