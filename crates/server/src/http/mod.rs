//! The HTTP layer: handlers only, depending on the domains and never the other way.
//! [`pages`] are the server's own web pages (with the browser's authorize flow),
//! [`oauth`] the machine-facing OAuth and OpenID endpoints, [`api`] the JSON API under
//! `/api/v1`, [`health`] liveness and readiness; [`router`] puts them together behind the common layers, [`headers`] the
//! headers every response carries, [`serve`] the connections.

pub(crate) mod api;
pub(crate) mod client;
mod headers;
mod health;
pub(crate) mod oauth;
pub(crate) mod pages;
pub(crate) mod router;
pub(crate) mod serve;
