//! souk turns a cooperative's catalogue into a static, multilingual shop.
pub mod build;
pub mod config;
pub mod diagnostics;
pub mod format;
pub mod fs;
pub mod images;
pub mod lang;
pub mod markdown;
pub mod model;
pub mod money;
pub mod render;
pub mod serve;
pub mod source;
pub mod theme;
pub mod urls;
pub mod write;
pub mod yaml;
