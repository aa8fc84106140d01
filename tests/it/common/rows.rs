//! What the test's database holds, read directly: users, sessions, key rows.
use keyward::server::entities::{api_keys, sessions, users};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::app::TestApp;

impl TestApp {
    pub async fn user_by_email(&self, email: &str) -> users::Model {
        users::Entity::find()
            .filter(users::Column::Email.eq(email))
            .one(&self.db)
            .await
            .expect("query users")
            .unwrap_or_else(|| panic!("no user row with email {email:?}"))
    }

    pub async fn user_id(&self, email: &str) -> Uuid {
        self.user_by_email(email).await.id
    }

    pub async fn count_users(&self) -> u64 {
        users::Entity::find()
            .count(&self.db)
            .await
            .expect("count users")
    }

    pub async fn sessions_of(&self, user_id: Uuid) -> Vec<sessions::Model> {
        sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(user_id))
            .all(&self.db)
            .await
            .expect("query sessions")
    }

    pub async fn key_row(&self, id: &str) -> api_keys::Model {
        let id = Uuid::parse_str(id).unwrap_or_else(|err| panic!("{id:?} is not a uuid: {err}"));
        api_keys::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .expect("query api_keys")
            .unwrap_or_else(|| panic!("no api_keys row with id {id}"))
    }

    /// Every row (live or replaced) of `user_id`'s keys.
    pub async fn key_rows_of(&self, user_id: Uuid) -> Vec<api_keys::Model> {
        api_keys::Entity::find()
            .filter(api_keys::Column::UserId.eq(user_id))
            .all(&self.db)
            .await
            .expect("query api_keys")
    }

    pub async fn all_key_rows(&self) -> Vec<api_keys::Model> {
        api_keys::Entity::find()
            .all(&self.db)
            .await
            .expect("query api_keys")
    }
}
