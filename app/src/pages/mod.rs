//! One file per route.

pub mod home;
pub mod login;
pub mod not_found;
pub mod register;

pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use register::RegisterPage;
