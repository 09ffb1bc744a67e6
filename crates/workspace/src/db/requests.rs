//! Saved requests: created, edited, duplicated beside the original, and moved to
//! another folder, collection or position of the same workspace.

use super::changes::{bump, created, expect_revision};
use super::folders::{check_place, same_workspace};
use super::order::{Place, child_position, place_after, put_at};
use super::rows::{RequestRow, fetch, insert_request, new_meta, to_json, workspace_of};
use super::{Error, Result, WorkspaceDb, Write, clean_name, new_id};
use crate::model::{EntityKind, Request, RequestSpec, Scripts};

/// A spec as stored: JSON, its method checked.
pub(super) fn spec_json(spec: &RequestSpec) -> Result<String> {
    let method = spec.method.as_str();
    if method.is_empty() || method.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid("a method is one word, like GET or POST"));
    }
    to_json(spec)
}

async fn request_row(w: &mut Write, id: &str) -> Result<RequestRow> {
    fetch(w.conn(), id).await
}

impl WorkspaceDb {
    pub async fn request(&self, id: &str) -> Result<Request> {
        let row: RequestRow = fetch(&mut *self.read().await?, id).await?;
        row.into_model()
    }

    /// A new request at `place`.
    pub async fn create_request(
        &self,
        place: &Place,
        name: &str,
        spec: &RequestSpec,
    ) -> Result<Request> {
        let name = clean_name(name)?;
        let spec = spec_json(spec)?;
        let (mut w, workspace_id, position) = self.adding_at(place).await?;
        let row = RequestRow {
            meta: new_meta(new_id(), w.now),
            collection_id: place.collection_id.clone(),
            folder_id: place.folder_id.clone(),
            name,
            description: None,
            spec,
            scripts: to_json(&Scripts::default())?,
            position,
        };
        insert_request(w.conn(), &row).await?;
        let id = &row.meta.id;
        created(&mut w, &workspace_id, EntityKind::Request, id).await?;
        w.commit().await?;
        row.into_model()
    }

    pub async fn rename_request(&self, id: &str, name: &str) -> Result<Request> {
        let mut w = self.renamed(EntityKind::Request, id, name).await?;
        let row = request_row(&mut w, id).await?;
        w.commit().await?;
        row.into_model()
    }

    /// Saves a request's name, description, spec and scripts.
    /// `request.meta.revision` must be the stored one ([`Error::Conflict`] otherwise).
    /// Where it is does not change here: see [`move_request`](Self::move_request).
    pub async fn update_request(&self, request: &Request) -> Result<Request> {
        let name = clean_name(&request.name)?;
        let spec = spec_json(&request.spec)?;
        let id = request.meta.id.as_str();
        let mut w = self.write().await?;
        expect_revision(&mut w, EntityKind::Request, id, request.meta.revision).await?;
        let workspace_id = workspace_of(w.conn(), EntityKind::Request, id).await?;
        sqlx::query(
            "UPDATE requests SET name = ?, description = ?, spec = ?, scripts = ?, method = ?, \
             url = ? WHERE id = ?",
        )
        .bind(&name)
        .bind(&request.description)
        .bind(&spec)
        .bind(to_json(&request.scripts)?)
        .bind(&request.spec.method)
        .bind(&request.spec.url)
        .bind(id)
        .execute(w.conn())
        .await?;
        bump(&mut w, &workspace_id, EntityKind::Request, id).await?;
        let row = request_row(&mut w, id).await?;
        w.commit().await?;
        row.into_model()
    }

    /// A copy of a request, named "… copy", right after it.
    pub async fn duplicate_request(&self, id: &str) -> Result<Request> {
        let mut w = self.write().await?;
        let original = request_row(&mut w, id).await?;
        let workspace_id = workspace_of(w.conn(), EntityKind::Request, id).await?;
        let place = place_after(
            &mut w,
            &original.collection_id,
            original.folder_id.as_deref(),
            original.position,
            id,
        )
        .await?;
        let position = child_position(&mut w, &workspace_id, &place, None).await?;
        let copy = RequestRow {
            meta: new_meta(new_id(), w.now),
            name: clean_name(&format!("{} copy", original.name))
                .unwrap_or_else(|_| original.name.clone()),
            position,
            ..original
        };
        insert_request(w.conn(), &copy).await?;
        let copy_id = &copy.meta.id;
        created(&mut w, &workspace_id, EntityKind::Request, copy_id).await?;
        w.commit().await?;
        copy.into_model()
    }

    /// Moves a request to `place` (another folder or collection of the same
    /// workspace, or another position among its siblings).
    pub async fn move_request(&self, id: &str, place: &Place) -> Result<Request> {
        let mut w = self.write().await?;
        let workspace_id = workspace_of(w.conn(), EntityKind::Request, id).await?;
        same_workspace(&workspace_id, &check_place(&mut w, place).await?)?;
        put_at(&mut w, &workspace_id, EntityKind::Request, id, place).await?;
        let row = request_row(&mut w, id).await?;
        w.commit().await?;
        row.into_model()
    }
}
