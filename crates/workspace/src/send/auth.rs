//! Which auth a request is sent with: its own, or, when it inherits, its nearest
//! folder's that says something, else its collection's, else none.

use crate::model::{Auth, Collection, Folder, Request};

static NO_AUTH: Auth = Auth::None;

/// The auth `request` is sent with. `folders` is its folder chain from the request's
/// own folder outwards (see [`folder_chain`]); [`Auth::Inherit`] walks up it to the
/// collection and ends at [`Auth::None`], so the result never inherits.
pub fn effective_auth<'a>(
    request: &'a Request,
    folders: impl IntoIterator<Item = &'a Folder>,
    collection: &'a Collection,
) -> &'a Auth {
    std::iter::once(&request.spec.auth)
        .chain(folders.into_iter().map(|folder| &folder.auth))
        .chain(std::iter::once(&collection.auth))
        .find(|auth| !matches!(auth, Auth::Inherit))
        .unwrap_or(&NO_AUTH)
}

/// The folders from `folder_id` out to the collection, innermost first, looked up in
/// `folders` (a collection's folders, in any order). A missing parent ends the chain,
/// and so does a loop.
pub fn folder_chain<'a>(folder_id: Option<&str>, folders: &'a [Folder]) -> Vec<&'a Folder> {
    let mut chain: Vec<&Folder> = Vec::new();
    let mut next = folder_id;
    while let Some(id) = next {
        let Some(folder) = folders.iter().find(|folder| folder.meta.id == id) else {
            break;
        };
        if chain.iter().any(|seen| seen.meta.id == id) {
            break;
        }
        chain.push(folder);
        next = folder.parent_id.as_deref();
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Meta, RequestSpec, Scripts};

    fn folder(id: &str, parent: Option<&str>, auth: Auth) -> Folder {
        Folder {
            meta: Meta::fixed(id),
            collection_id: "c".to_owned(),
            parent_id: parent.map(str::to_owned),
            name: id.to_owned(),
            description: None,
            auth,
            scripts: Scripts::default(),
            position: 0,
        }
    }

    fn bearer(token: &str) -> Auth {
        Auth::Bearer {
            token: token.to_owned(),
        }
    }

    #[test]
    fn inherit_walks_up_the_folders_to_the_collection_and_ends_at_none() {
        let folders = vec![
            folder("outer", None, bearer("outer")),
            folder("middle", Some("outer"), Auth::Inherit),
            folder("inner", Some("middle"), Auth::Inherit),
        ];
        let mut collection = crate::model::Collection {
            meta: Meta::fixed("c"),
            workspace_id: "w".to_owned(),
            name: "c".to_owned(),
            description: None,
            auth: bearer("collection"),
            variables: Vec::new(),
            scripts: Scripts::default(),
            position: 0,
        };
        let mut request = Request {
            meta: Meta::fixed("r"),
            collection_id: "c".to_owned(),
            folder_id: Some("inner".to_owned()),
            name: "r".to_owned(),
            description: None,
            spec: RequestSpec::default(),
            scripts: Scripts::default(),
            position: 0,
        };
        let chain = folder_chain(request.folder_id.as_deref(), &folders);
        let ids: Vec<&str> = chain.iter().map(|f| f.meta.id.as_str()).collect();
        assert_eq!(ids, ["inner", "middle", "outer"]);
        assert_eq!(
            effective_auth(&request, chain.iter().copied(), &collection),
            &bearer("outer")
        );
        assert_eq!(
            effective_auth(&request, folder_chain(None, &folders), &collection),
            &bearer("collection")
        );
        collection.auth = Auth::Inherit;
        assert_eq!(effective_auth(&request, [], &collection), &Auth::None);
        request.spec.auth = Auth::None;
        assert_eq!(
            effective_auth(&request, chain.iter().copied(), &collection),
            &Auth::None
        );
    }

    #[test]
    fn a_loop_of_parents_ends_the_chain() {
        let folders = vec![
            folder("a", Some("b"), Auth::Inherit),
            folder("b", Some("a"), Auth::Inherit),
        ];
        assert_eq!(folder_chain(Some("a"), &folders).len(), 2);
        assert!(folder_chain(Some("missing"), &folders).is_empty());
    }
}
