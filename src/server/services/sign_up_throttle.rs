//! Registration throttling: at most `per_ip` registrations from one client IP within the
//! window. It bounds how fast anyone can create accounts, spend our argon2 budget, or ask
//! "does this email have an account?" through the 409 answer. The default (30 an hour) lets
//! an office behind one address sign up together.
//!
//! Same reserve-then-count scheme as `login_throttle`, for the same reason: the attempt is
//! committed before it is counted, so concurrent registrations cannot all slip under the
//! limit. Every attempt that reaches the hashing step counts, whether it ends in 201 or 409.
//!
//! Unlike a refused sign-in, a refused registration withdraws its row. Alone, that would let a
//! burst refuse itself entirely: sixty concurrent requests insert sixty rows, each counts
//! sixty, and all sixty withdraw, so nobody registers. Reservations for one IP are therefore
//! taken one at a time within an instance (the first `per_ip` of a burst pass, the rest are
//! refused); across instances the insert-then-count order still keeps the limit, and only
//! then can a burst be refused more than strictly needed.
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::api::AppError;
use crate::server::config::Config;
use crate::server::entities::sign_up_attempts;
use crate::server::time::now;

#[derive(Clone, Copy, Debug)]
pub struct SignUpLimits {
    pub per_ip: u32,
    pub window: Duration,
}

impl SignUpLimits {
    pub fn from_config(config: &Config) -> SignUpLimits {
        SignUpLimits {
            per_ip: config.sign_up_max_per_ip,
            window: Duration::seconds(config.sign_up_window_secs),
        }
    }
}

/// A reserved registration; `release` withdraws it when it was never carried out.
#[must_use = "an unreleased reservation counts against the IP"]
pub struct SignUpReservation {
    id: Uuid,
}

impl SignUpReservation {
    pub async fn release(self, db: &DatabaseConnection) {
        if let Err(err) = sign_up_attempts::Entity::delete_by_id(self.id)
            .exec(db)
            .await
        {
            tracing::warn!(error = %err, "could not withdraw a registration reservation");
        }
    }
}

/// Striped locks: two IPs share a stripe rarely, and then only wait a few milliseconds.
const STRIPES: usize = 64;
static RESERVING: LazyLock<Vec<tokio::sync::Mutex<()>>> =
    LazyLock::new(|| (0..STRIPES).map(|_| tokio::sync::Mutex::new(())).collect());

fn stripe(ip: &str) -> &'static tokio::sync::Mutex<()> {
    let mut hasher = DefaultHasher::new();
    ip.hash(&mut hasher);
    &RESERVING[(hasher.finish() % STRIPES as u64) as usize]
}

/// Reserves one registration from `ip`, or refuses with `TooManySignUps`.
pub async fn reserve(
    db: &DatabaseConnection,
    limits: SignUpLimits,
    ip: &str,
) -> Result<SignUpReservation, AppError> {
    let _one_at_a_time = stripe(ip).lock().await;
    let id = Uuid::now_v7();
    sign_up_attempts::ActiveModel {
        id: Set(id),
        ip: Set(ip.to_owned()),
        created_at: Set(now()),
    }
    .insert(db)
    .await?;
    let reservation = SignUpReservation { id };
    let in_window = || {
        sign_up_attempts::Entity::find()
            .filter(sign_up_attempts::Column::Ip.eq(ip))
            .filter(sign_up_attempts::Column::CreatedAt.gt(now() - limits.window))
    };
    let counted = match in_window().count(db).await {
        Ok(counted) => counted,
        Err(err) => {
            reservation.release(db).await;
            return Err(err.into());
        }
    };
    if counted <= u64::from(limits.per_ip) {
        return Ok(reservation);
    }
    reservation.release(db).await;
    // A slot frees when the oldest of the `per_ip` most recent registrations leaves the window.
    let oldest_counted = in_window()
        .order_by_desc(sign_up_attempts::Column::CreatedAt)
        .offset(u64::from(limits.per_ip.saturating_sub(1)))
        .one(db)
        .await?;
    let retry_at = oldest_counted.map_or(now() + limits.window, |a| a.created_at + limits.window);
    Err(AppError::TooManySignUps {
        retry_after_secs: (retry_at - now()).num_seconds().max(1) as u64,
    })
}

/// Drops attempts older than the window; run periodically.
pub async fn purge_expired(db: &DatabaseConnection, limits: SignUpLimits) -> Result<u64, AppError> {
    let result = sign_up_attempts::Entity::delete_many()
        .filter(sign_up_attempts::Column::CreatedAt.lte(now() - limits.window))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
