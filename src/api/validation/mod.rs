//! Input rules shared by the server (authoritative) and the client (instant feedback), so
//! both sides say exactly the same thing.
mod account;
mod chars;
mod key_name;

pub use account::*;
pub use chars::visible_text;
pub use key_name::*;
