//! Running a collection: its requests in the order the sidebar shows them (folders
//! and requests sharing one order in each parent, depth first), each resolved with
//! the run's variables and its effective auth, sent one after the other, reported as
//! it finishes, and summed up. The CLI's `run` (in the shape of `newman run`) and
//! the app share it. Pre-request and test scripts are never run; the summary counts
//! them as skipped.

use tokio_util::sync::CancellationToken;

use crate::model::{CollectionTree, Folder, Request, SendOptions};
use crate::resolve::Resolver;
use crate::send::{self, PreparedRequest, Response, SendError, Sender};

/// One request of a run, in order.
#[derive(Debug)]
pub struct Step<'a> {
    /// The folders it is in, outermost first.
    pub folders: Vec<&'a str>,
    pub request: &'a Request,
}

/// The requests of `tree` in sidebar order: a parent's folders and requests by
/// position (a folder's contents where the folder is), depth first.
pub fn order(tree: &CollectionTree) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    walk(tree, None, &mut Vec::new(), &mut steps);
    steps
}

enum Child<'a> {
    Folder(&'a Folder),
    Request(&'a Request),
}

impl Child<'_> {
    fn position(&self) -> i64 {
        match self {
            Self::Folder(folder) => folder.position,
            Self::Request(request) => request.position,
        }
    }
}

fn walk<'a>(
    tree: &'a CollectionTree,
    parent: Option<&str>,
    path: &mut Vec<&'a str>,
    steps: &mut Vec<Step<'a>>,
) {
    let folders = tree
        .folders
        .iter()
        .filter(|folder| folder.parent_id.as_deref() == parent)
        .map(Child::Folder);
    let requests = tree
        .requests
        .iter()
        .filter(|request| request.folder_id.as_deref() == parent)
        .map(Child::Request);
    let mut children: Vec<Child<'a>> = folders.chain(requests).collect();
    // Stable: equal positions keep folders first, then file order.
    children.sort_by_key(Child::position);
    for child in children {
        match child {
            // Only folders reachable from the collection are walked, so a folder loop in
            // a broken file is never entered.
            Child::Folder(folder) => {
                path.push(&folder.name);
                walk(tree, Some(&folder.meta.id), path, steps);
                path.pop();
            }
            Child::Request(request) => steps.push(Step {
                folders: path.clone(),
                request,
            }),
        }
    }
}

/// How one request of a run went.
#[derive(Debug)]
pub struct Outcome<'a> {
    pub step: Step<'a>,
    /// What was (or would have been) sent, when the request could be prepared: its
    /// `masked_url` is what may be printed.
    pub prepared: Option<PreparedRequest>,
    pub result: Result<Response, SendError>,
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub requests: usize,
    /// Sent and answered (whatever the status).
    pub answered: usize,
    /// Could not be prepared or sent (unresolved variables, refused, timed out, …).
    pub failed: usize,
    /// Not attempted because the run was cancelled.
    pub not_run: usize,
    /// Scripts kept from an import and not run, over the collection, its folders and
    /// the requests run.
    pub skipped_pre_request_scripts: usize,
    pub skipped_test_scripts: usize,
}

/// Sends the requests of `tree` in order with `resolver`'s variables, calling
/// `report` after each. Stops early when `cancel` fires (the rest count as not run).
pub async fn run_collection<'a>(
    tree: &'a CollectionTree,
    resolver: &Resolver,
    options: &SendOptions,
    sender: &Sender,
    cancel: &CancellationToken,
    mut report: impl FnMut(&Outcome<'a>),
) -> Summary {
    let steps = order(tree);
    let mut summary = Summary {
        requests: steps.len(),
        ..Summary::default()
    };
    let scripts = std::iter::once(&tree.collection.scripts)
        .chain(tree.folders.iter().map(|folder| &folder.scripts))
        .chain(steps.iter().map(|step| &step.request.scripts));
    for scripts in scripts {
        summary.skipped_pre_request_scripts += usize::from(scripts.pre_request.is_some());
        summary.skipped_test_scripts += usize::from(scripts.test.is_some());
    }
    for step in steps {
        if cancel.is_cancelled() {
            summary.not_run += 1;
            continue;
        }
        let chain = send::folder_chain(step.request.folder_id.as_deref(), &tree.folders);
        let auth = send::effective_auth(step.request, chain, &tree.collection);
        let (prepared, result) = match send::prepare(&step.request.spec, auth, resolver) {
            Ok(prepared) => {
                let result = sender.send(&prepared, options, cancel).await;
                (Some(prepared), result)
            }
            Err(error) => (None, Err(error)),
        };
        if result.is_ok() {
            summary.answered += 1;
        } else {
            summary.failed += 1;
        }
        report(&Outcome {
            step,
            prepared,
            result,
        });
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Auth, Collection, Meta, RequestSpec, Scripts};

    fn folder(id: &str, parent: Option<&str>, position: i64) -> Folder {
        Folder {
            meta: Meta::fixed(id),
            collection_id: "c".into(),
            parent_id: parent.map(str::to_owned),
            name: id.to_owned(),
            description: None,
            auth: Auth::Inherit,
            scripts: Scripts::default(),
            position,
        }
    }

    fn request(id: &str, folder: Option<&str>, position: i64) -> Request {
        Request {
            meta: Meta::fixed(id),
            collection_id: "c".into(),
            folder_id: folder.map(str::to_owned),
            name: id.to_owned(),
            description: None,
            spec: RequestSpec::default(),
            scripts: Scripts::default(),
            position,
        }
    }

    #[test]
    fn requests_run_in_sidebar_order_depth_first() {
        let tree = CollectionTree {
            collection: Collection {
                meta: Meta::fixed("c"),
                workspace_id: "w".into(),
                name: "API".into(),
                description: None,
                auth: Auth::None,
                variables: Vec::new(),
                scripts: Scripts::default(),
                position: 0,
            },
            folders: vec![
                folder("users", None, 1),
                folder("admin", Some("users"), 0),
                folder("loop", Some("loop"), 5),
            ],
            requests: vec![
                request("last", None, 2),
                request("first", None, 0),
                request("list-users", Some("users"), 1),
                request("grant", Some("admin"), 0),
            ],
        };
        let steps = order(&tree);
        let names: Vec<(Vec<&str>, &str)> = steps
            .iter()
            .map(|step| (step.folders.clone(), step.request.name.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                (vec![], "first"),
                (vec!["users", "admin"], "grant"),
                (vec!["users"], "list-users"),
                (vec![], "last"),
            ]
        );
    }
}
