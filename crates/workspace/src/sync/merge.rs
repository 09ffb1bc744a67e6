//! The three-way merge of one entity (a collection, folder, request, environment or
//! variable set) changed on this device ("mine") and on the server ("theirs") since
//! the revision both started from ("base"). Fields are compared one by one: edits to
//! different fields merge silently, and only a field both sides changed to different
//! values is a conflict. Until the person decides, the entity holds the server's value
//! of a conflicting field (everyone else already sees it) and the conflict keeps
//! theirs and mine, so nothing typed is lost and the app need not stop.
//!
//! Whole-entity cases, with `-` for "unchanged since base":
//!
//! | # | base | mine | theirs | result |
//! |---|---|---|---|---|
//! | 1 | yes | - | - | unchanged |
//! | 2 | yes | updated | - | mine |
//! | 3 | yes | - | updated | theirs |
//! | 4 | yes | updated | updated | fields merged; a conflict per field changed differently |
//! | 5 | yes | deleted | - | deleted |
//! | 6 | yes | - | deleted | deleted |
//! | 7 | yes | deleted | deleted | deleted |
//! | 8 | yes | updated | deleted | deleted for now; conflict "deleted there": keep mine restores it |
//! | 9 | yes | deleted | updated | theirs for now; conflict "changed there": keep mine deletes it |
//! | 10 | no | created | absent | mine |
//! | 11 | no | absent | created | theirs |
//! | 12 | no | created | created | one entity (the same id): fields merged against nothing, a conflict per field that differs |
//!
//! Fields marked [`FieldRule::TheirsWin`] never conflict: when both sides changed one,
//! the server's value stays. That is for an item's place (its parent and order key):
//! two devices moving the same request is not worth a question; the last move to
//! reach the server wins, as on a shared whiteboard.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// An entity's fields by name. A field missing from the map is unset.
pub type Fields = BTreeMap<String, Value>;

/// How a field both sides changed is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRule {
    /// A conflict for the person to settle.
    Ask,
    /// The server's value stays, without asking.
    TheirsWin,
}

/// One field both sides changed to different values.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FieldConflict {
    pub field: String,
    /// `None`: the field was cleared on that side.
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub mine: Option<Value>,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub theirs: Option<Value>,
}

/// What one side did to the entity since base.
#[derive(Debug, Clone, PartialEq)]
pub enum Side {
    /// Nothing (or, with no base, the entity does not exist on that side).
    Unchanged,
    /// Created (no base) or updated (with one): the fields now.
    Written(Fields),
    Deleted,
}

/// The merged entity, and what is left for the person to decide.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The entity as it stands after the merge (`None`: it does not exist).
    Settled(Option<Fields>),
    /// Both changed it: the merged fields (theirs where they conflict), and the
    /// conflicting fields.
    Fields {
        merged: Fields,
        conflicts: Vec<FieldConflict>,
    },
    /// Edited here, deleted on the server: gone for now; keeping mine restores `mine`.
    DeletedThere { mine: Fields },
    /// Deleted here, changed on the server: `theirs` for now; keeping mine deletes it.
    ChangedThere { theirs: Fields },
}

/// Merges what happened to one entity on both sides (the table above). `rule` says how
/// each field is settled when both changed it.
pub fn merge_entity(
    base: Option<&Fields>,
    mine: Side,
    theirs: Side,
    rule: impl Fn(&str) -> FieldRule,
) -> Outcome {
    match (mine, theirs) {
        (Side::Unchanged, Side::Unchanged) => Outcome::Settled(base.cloned()),
        (Side::Written(fields), Side::Unchanged) | (Side::Unchanged, Side::Written(fields)) => {
            Outcome::Settled(Some(fields))
        }
        (Side::Deleted, Side::Unchanged | Side::Deleted) | (Side::Unchanged, Side::Deleted) => {
            Outcome::Settled(None)
        }
        (Side::Written(mine), Side::Deleted) => Outcome::DeletedThere { mine },
        (Side::Deleted, Side::Written(theirs)) => Outcome::ChangedThere { theirs },
        (Side::Written(mine), Side::Written(theirs)) => {
            let empty = Fields::new();
            let (merged, conflicts) = merge_fields(base.unwrap_or(&empty), &mine, &theirs, rule);
            if conflicts.is_empty() {
                Outcome::Settled(Some(merged))
            } else {
                Outcome::Fields { merged, conflicts }
            }
        }
    }
}

/// Field by field: a field only one side changed takes that side's value; a field both
/// changed alike takes it; a field both changed differently keeps theirs and, under
/// [`FieldRule::Ask`], is a conflict. Conflicts come in field-name order.
pub fn merge_fields(
    base: &Fields,
    mine: &Fields,
    theirs: &Fields,
    rule: impl Fn(&str) -> FieldRule,
) -> (Fields, Vec<FieldConflict>) {
    let names: BTreeSet<&String> = base
        .keys()
        .chain(mine.keys())
        .chain(theirs.keys())
        .collect();
    let mut merged = Fields::new();
    let mut conflicts = Vec::new();
    for name in names {
        let (was, mine_now, theirs_now) = (base.get(name), mine.get(name), theirs.get(name));
        let value = if mine_now == theirs_now || mine_now == was {
            theirs_now
        } else if theirs_now == was {
            mine_now
        } else {
            if rule(name) == FieldRule::Ask {
                conflicts.push(FieldConflict {
                    field: name.clone(),
                    mine: mine_now.cloned(),
                    theirs: theirs_now.cloned(),
                });
            }
            theirs_now
        };
        if let Some(value) = value {
            merged.insert(name.clone(), value.clone());
        }
    }
    (merged, conflicts)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(value: Value) -> Fields {
        match value {
            Value::Object(map) => map.into_iter().collect(),
            other => panic!("not an object: {other}"),
        }
    }

    /// A request as the tests write it.
    fn request() -> Fields {
        fields(json!({
            "name": "Health",
            "method": "GET",
            "url": "http://localhost/health",
            "parent": "folder-1",
            "order": "V",
        }))
    }

    fn with(mut entity: Fields, changes: Value) -> Fields {
        for (name, value) in fields(changes) {
            if value.is_null() {
                entity.remove(&name);
            } else {
                entity.insert(name, value);
            }
        }
        entity
    }

    /// The place of an item settles without asking; everything else asks.
    fn place_wins(field: &str) -> FieldRule {
        if field == "parent" || field == "order" {
            FieldRule::TheirsWin
        } else {
            FieldRule::Ask
        }
    }

    fn merge(base: Option<&Fields>, mine: Side, theirs: Side) -> Outcome {
        merge_entity(base, mine, theirs, place_wins)
    }

    #[test]
    fn edits_to_different_fields_merge_without_a_conflict() {
        let base = request();
        let mine = with(base.clone(), json!({"url": "http://localhost/ready"}));
        let theirs = with(base.clone(), json!({"name": "Readiness", "method": "HEAD"}));
        assert_eq!(
            merge(Some(&base), Side::Written(mine), Side::Written(theirs)),
            Outcome::Settled(Some(with(
                base,
                json!({"url": "http://localhost/ready", "name": "Readiness", "method": "HEAD"})
            )))
        );
    }

    #[test]
    fn only_a_field_changed_differently_on_both_sides_is_a_conflict_and_theirs_stays_meanwhile() {
        let base = request();
        let mine = with(base.clone(), json!({"name": "Mine", "url": "http://a/"}));
        let theirs = with(base.clone(), json!({"name": "Theirs", "url": "http://a/"}));
        let Outcome::Fields { merged, conflicts } =
            merge(Some(&base), Side::Written(mine), Side::Written(theirs))
        else {
            panic!("a conflict was expected");
        };
        assert_eq!(
            merged,
            with(base, json!({"name": "Theirs", "url": "http://a/"}))
        );
        assert_eq!(
            conflicts,
            vec![FieldConflict {
                field: "name".into(),
                mine: Some(json!("Mine")),
                theirs: Some(json!("Theirs")),
            }]
        );
    }

    #[test]
    fn a_field_cleared_on_one_side_and_changed_on_the_other_is_a_conflict() {
        let base = with(request(), json!({"description": "old"}));
        let mine = with(base.clone(), json!({"description": null}));
        let theirs = with(base.clone(), json!({"description": "new"}));
        let Outcome::Fields { merged, conflicts } =
            merge(Some(&base), Side::Written(mine), Side::Written(theirs))
        else {
            panic!("a conflict was expected");
        };
        assert_eq!(merged["description"], json!("new"));
        assert_eq!(conflicts[0].mine, None);
        assert_eq!(conflicts[0].theirs, Some(json!("new")));
        // Cleared on one side only: cleared.
        let cleared = with(base.clone(), json!({"description": null}));
        assert_eq!(
            merge(
                Some(&base),
                Side::Written(cleared.clone()),
                Side::Written(base.clone())
            ),
            Outcome::Settled(Some(cleared))
        );
    }

    #[test]
    fn two_moves_of_one_item_settle_on_theirs_without_asking() {
        let base = request();
        let mine = with(base.clone(), json!({"parent": "folder-2", "order": "k"}));
        let theirs = with(base.clone(), json!({"parent": "folder-3", "order": "F"}));
        assert_eq!(
            merge(
                Some(&base),
                Side::Written(mine),
                Side::Written(theirs.clone())
            ),
            Outcome::Settled(Some(theirs))
        );
    }

    #[test]
    fn every_case_of_the_table() {
        let base = request();
        let mine = with(base.clone(), json!({"name": "Mine"}));
        let theirs = with(base.clone(), json!({"url": "http://theirs/"}));
        use Side::{Deleted, Unchanged, Written};
        let cases = [
            (
                1,
                Some(&base),
                Unchanged,
                Unchanged,
                Outcome::Settled(Some(base.clone())),
            ),
            (
                2,
                Some(&base),
                Written(mine.clone()),
                Unchanged,
                Outcome::Settled(Some(mine.clone())),
            ),
            (
                3,
                Some(&base),
                Unchanged,
                Written(theirs.clone()),
                Outcome::Settled(Some(theirs.clone())),
            ),
            (
                4,
                Some(&base),
                Written(mine.clone()),
                Written(theirs.clone()),
                Outcome::Settled(Some(with(mine.clone(), json!({"url": "http://theirs/"})))),
            ),
            (5, Some(&base), Deleted, Unchanged, Outcome::Settled(None)),
            (6, Some(&base), Unchanged, Deleted, Outcome::Settled(None)),
            (7, Some(&base), Deleted, Deleted, Outcome::Settled(None)),
            (
                8,
                Some(&base),
                Written(mine.clone()),
                Deleted,
                Outcome::DeletedThere { mine: mine.clone() },
            ),
            (
                9,
                Some(&base),
                Deleted,
                Written(theirs.clone()),
                Outcome::ChangedThere {
                    theirs: theirs.clone(),
                },
            ),
            (
                10,
                None,
                Written(mine.clone()),
                Unchanged,
                Outcome::Settled(Some(mine)),
            ),
            (
                11,
                None,
                Unchanged,
                Written(theirs.clone()),
                Outcome::Settled(Some(theirs)),
            ),
            (
                12,
                None,
                Written(base.clone()),
                Written(base.clone()),
                Outcome::Settled(Some(base.clone())),
            ),
        ];
        for (case, base, mine, theirs, expected) in cases {
            assert_eq!(merge(base, mine, theirs), expected, "case {case}");
        }
    }

    #[test]
    fn the_same_entity_created_differently_on_both_sides_conflicts_where_it_differs() {
        let mine = request();
        let theirs = with(request(), json!({"name": "Other"}));
        let Outcome::Fields { merged, conflicts } =
            merge(None, Side::Written(mine), Side::Written(theirs.clone()))
        else {
            panic!("a conflict was expected");
        };
        assert_eq!(merged, theirs);
        let names: Vec<&str> = conflicts.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(names, ["name"]);
    }
}
