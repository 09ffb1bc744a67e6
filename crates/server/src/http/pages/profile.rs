//! Public profiles (`/u/{username}`) and avatar images (`/avatars/{id}/{version}.png`).
//! A private profile and an unknown username get the same "not found" page, so the
//! page does not reveal which usernames exist beyond the public ones.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;

use super::PageError;
use super::layout::page;
use crate::profile;
use crate::state::AppState;

fn not_found() -> PageError {
    PageError::new(
        StatusCode::NOT_FOUND,
        "Profile not found",
        "There is no public Courier profile at this address.",
    )
}

/// Up to two letters for the avatar placeholder.
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// `GET /u/{username}`.
pub async fn show(
    State(state): State<AppState>,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    let record = state.store.profile_by_username(&username).await?;
    let Some(public) = record
        .as_ref()
        .and_then(|record| profile::public_view(&state.issuer, record))
    else {
        return Err(not_found());
    };
    // Served from this origin (CSP `img-src 'self'`), under the same versioned path.
    let avatar = record.as_ref().and_then(|record| {
        record
            .avatar_version
            .as_deref()
            .map(|version| profile::avatar_path(&record.id, version))
    });
    let display_name = public
        .name
        .clone()
        .unwrap_or_else(|| public.username.clone());
    let links: Vec<&String> = public.website.iter().chain(public.links.iter()).collect();
    let markup = page(
        &display_name,
        html! {
            div class="profile" {
                @if let Some(src) = &avatar {
                    img class="avatar" src=(src) alt="" width="96" height="96";
                } @else {
                    div class="avatar initials" aria-hidden="true" { (initials(&display_name)) }
                }
                p class="muted" { "@" (public.username) }
            }
            @if let Some(bio) = &public.bio {
                p class="bio" { (bio) }
            }
            @if !links.is_empty() {
                ul class="profile-links" {
                    @for link in links {
                        li { a href=(link) rel="nofollow noopener noreferrer ugc" { (link) } }
                    }
                }
            }
        },
    );
    Ok(markup.into_response())
}

/// `GET /avatars/{user_id}/{version}.png`: immutable, so cached for a year; a
/// replaced version is gone (404).
pub async fn avatar(
    State(state): State<AppState>,
    Path((user_id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let Some(version) = file.strip_suffix(".png") else {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            "Image not found",
            "There is no image at this address.",
        ));
    };
    match state.store.avatar_png(&user_id, version).await? {
        Some(png) => {
            let mut response = png.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            Ok(response)
        }
        None => Err(PageError::new(
            StatusCode::NOT_FOUND,
            "Image not found",
            "There is no image at this address.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("ada"), "A");
        assert_eq!(initials("émile zola king"), "ÉZ");
    }
}
