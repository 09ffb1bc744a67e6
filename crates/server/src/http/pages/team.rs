//! Team pages (`/t/{slug}`): the team's public name and URL, which invitation and
//! join pages link to. Nothing else about a team is public: no members, no
//! addresses, not even how many there are. An unknown URL and a malformed one get
//! the same "page not found" as any address that leads nowhere. The page is there for
//! people following an invitation, not for search engines: it asks not to be indexed.

use axum::extract::{Path, State};
use axum::http::HeaderName;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::PageError;
use super::layout::page;
use crate::state::AppState;
use crate::teams::slug;

/// The path of the page of the team whose URL is `slug`.
pub fn page_path(slug: &str) -> String {
    format!("/t/{slug}")
}

/// `GET /t/{slug}`.
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    // Not a team URL at all: no need to ask the store.
    let Ok(slug) = slug::checked(&slug) else {
        return Err(PageError::not_found());
    };
    let Some(team) = state.store.team_by_slug(&slug).await? else {
        return Err(PageError::not_found());
    };
    let url = state.issuer.url(&page_path(&team.slug));
    let markup = page(
        &team.name,
        html! {
            p class="muted" { "A team on Courier" }
            p class="team-url" { a href=(page_path(&team.slug)) { (url) } }
            p { "Members join by an invitation from one of the team's admins." }
        },
    );
    Ok((
        [(HeaderName::from_static("x-robots-tag"), "noindex")],
        markup,
    )
        .into_response())
}
