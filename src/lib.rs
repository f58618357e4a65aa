//! souk turns a cooperative's catalogue into a static, multilingual shop.
pub mod diagnostics;
pub mod fs;
pub mod lang;
pub mod money;
pub mod yaml;
