//! Registration throttling: at most `per_ip` registrations from one client address (an IPv6
//! client's /64) within the window. It bounds how fast anyone can create accounts, spend our
//! argon2 budget, or ask "does this email have an account?" through the 409 answer. The
//! default (30 an hour) lets an office behind one address sign up together. Every attempt
//! that reaches the hashing step counts, whether it ends in 201 or 409 (`throttle` has the
//! counting).
use chrono::Duration;
use sea_orm::DatabaseConnection;

use super::throttle::{self, Granted, Limit, Reservation};
use crate::api::AppError;
use crate::server::config::Config;

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

/// Reserves one registration from the client address `ip_bucket`, or refuses with
/// `TooManySignUps`. Release the grant when the registration never got to hashing.
pub async fn reserve(
    db: &DatabaseConnection,
    limits: SignUpLimits,
    ip_bucket: &str,
) -> Result<Granted, AppError> {
    let limit = Limit {
        limit: limits.per_ip,
        window: limits.window,
    };
    match throttle::reserve(db, &format!("sign-up:{ip_bucket}"), limit).await? {
        Reservation::Granted(granted) => Ok(granted),
        Reservation::Refused { retry_after_secs } => {
            Err(AppError::TooManySignUps { retry_after_secs })
        }
    }
}
