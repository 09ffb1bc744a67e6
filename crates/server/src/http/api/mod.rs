//! The JSON API under `/api/v1`, for Courier's apps: bearer-token authentication
//! ([`auth::Authenticated`]), `{kind, message, fields}` errors
//! ([`error::ApiError`]), one module per resource, and the OpenAPI document
//! built from the handlers' own annotations, served at `/api/v1/openapi.json`.

mod auth;
mod billing;
mod email;
pub(crate) mod error;
mod event_channel;
mod json;
mod notifications;
mod password;
mod profile;
mod sessions;
mod support;
mod sync_keys;
mod team_discovery;
mod teams;
mod workspaces;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouterExt as _;
use utoipa_axum::routes;

use crate::state::AppState;

/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Courier account API",
        description = "Accounts, sessions, teams, plans and billing, support, workspace sync and its end-to-end keys for Courier's apps. Every call takes \
                       an OAuth 2.0 access token from this server as `Authorization: Bearer`, \
                       granted the `profile` and `email` scopes; a token granted less gets \
                       403 `forbidden` on every operation."
    ),
    modifiers(&BearerScheme),
    components(schemas(courier_proto::ErrorBody, courier_proto::ErrorKind, courier_proto::FieldError))
)]
struct ApiDoc;

/// Declares the `bearer` security scheme the handlers refer to.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's routes and its OpenAPI document, which lists exactly these routes.
pub fn routes() -> Router<AppState> {
    let (router, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(sessions::list))
        .routes(routes!(sessions::revoke))
        .routes(routes!(sessions::revoke_others))
        .routes(routes!(event_channel::channel))
        .routes(routes!(password::change))
        .routes(routes!(profile::show, profile::update))
        .routes(
            routes!(profile::upload_avatar, profile::delete_avatar).layer(DefaultBodyLimit::max(
                crate::profile::avatar::MAX_UPLOAD_BYTES,
            )),
        )
        .routes(routes!(profile::public))
        .routes(routes!(email::change, email::cancel))
        .routes(routes!(notifications::show, notifications::replace))
        .routes(routes!(support::submit, support::list))
        .routes(routes!(teams::list, teams::create))
        .routes(routes!(teams::url_suggestion))
        .routes(routes!(teams::show, teams::update))
        .routes(routes!(teams::members))
        .routes(routes!(teams::set_role))
        .routes(routes!(teams::remove_member))
        .routes(routes!(teams::invitations, teams::invite))
        .routes(routes!(teams::resend_invitation))
        .routes(routes!(teams::cancel_invitation))
        .routes(routes!(teams::accept))
        .routes(routes!(team_discovery::show, team_discovery::update))
        .routes(routes!(team_discovery::discoverable))
        .routes(routes!(team_discovery::join, team_discovery::withdraw))
        .routes(routes!(team_discovery::requests))
        .routes(routes!(team_discovery::approve))
        .routes(routes!(team_discovery::decline))
        .routes(routes!(billing::plans))
        .routes(routes!(billing::webhook))
        .routes(routes!(billing::overview))
        .routes(routes!(billing::preview))
        .routes(routes!(billing::change_plan))
        .routes(routes!(billing::replace_card))
        .routes(routes!(billing::billing_email))
        .routes(routes!(billing::invoices))
        .routes(routes!(billing::invoice))
        .routes(routes!(billing::invoice_as_html))
        .routes(routes!(billing::invoice_as_pdf))
        .routes(routes!(workspaces::list, workspaces::create))
        .routes(routes!(workspaces::show, workspaces::delete))
        .routes(routes!(workspaces::pull, workspaces::push).layer(workspaces::push_body_limit()))
        .routes(routes!(
            sync_keys::show_account_key,
            sync_keys::put_account_key
        ))
        .routes(
            routes!(
                sync_keys::show_workspace_keys,
                sync_keys::publish_workspace_key
            )
            .layer(sync_keys::publish_body_limit()),
        )
        .split_for_parts();
    let document = std::sync::Arc::new(document);
    router.route(
        OPENAPI_PATH,
        get(move || {
            let document = std::sync::Arc::clone(&document);
            async move { Json(document.as_ref().clone()) }
        }),
    )
}
