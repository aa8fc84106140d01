//! Registration: what an account needs, and the limit on new accounts per address.
mod account;
mod input_rules;
mod per_address_limit;
