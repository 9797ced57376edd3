//! The hostile schema compiles (that is the build), and its odd names and
//! values behave: wire names survive renaming, unknown selection values are
//! kept, `false` is `None`, a wrong type is an error naming the field.

use codegen_example::hostile::x_hostile::{self, State, XHostile, XHostileUpdate};
use runtime::Model;
use runtime::odoo::wire::Selection;
use serde_json::json;

fn record() -> serde_json::Value {
    json!({
        "id": 7, "type": "t", "self": false, "Self": 3, "super": true, "crate": "c",
        "move": [7, "Itself"], "ref": false, "async": "2024-02-29", "gen": "2024-02-29 23:59:59",
        "prénom": "Zoë", "prçnom": false, "日本": "にほん", "1st_line": "one", "fooBar": "camel",
        "foo_bar": "snake", "new": "n", "clear": false, "evil_help": "*/ #[x]",
        "state": "Draft", "option": "b", "x_hostile": "yes", "missing_id": [99, "Gone"],
        "missing_ids": [1, 2], "tag_ids": [], "amount": 1.5, "ratio": 0.25, "count": 2,
        "flag": true, "day": false, "moment": false, "res_ref": "res.partner,3", "res_id": 5,
        "data": {"k": [1]}, "props": [], "computed_name": false, "required_readonly": "r"
    })
}

#[test]
fn hostile_names_map_back_to_wire_names() {
    let r: XHostile = serde_json::from_value(record()).unwrap();
    assert_eq!(r.r#type.as_deref(), Some("t"));
    assert_eq!(r.self_, None);
    assert_eq!(r.Self_, 3);
    assert!(r.super_);
    assert_eq!(r.r#move.as_ref().map(|m| m.id), Some(7));
    assert_eq!(r.pr_u00e9_nom.as_deref(), Some("Zoë"));
    assert_eq!(r.empty.as_deref(), Some("にほん"));
    assert_eq!(r._1st_line.as_deref(), Some("one"));
    assert_eq!(
        (r.fooBar.as_deref(), r.foo_bar.as_deref()),
        (Some("camel"), Some("snake"))
    );
    assert_eq!(r.state, Some(State::Draft));
    assert_eq!(r.missing_id.as_ref().and_then(|m| m.name()), Some("Gone"));
    assert_eq!(
        r.res_ref.as_ref().map(|x| (x.model.as_str(), x.id)),
        Some(("res.partner", 3))
    );
    assert_eq!(
        r.r#async.map(|d| d.to_string()).as_deref(),
        Some("2024-02-29")
    );
    assert!(r.day.is_none() && r.moment.is_none());
    for f in XHostile::FIELDS {
        assert!(
            record().get(f).is_some(),
            "FIELDS lists {f}, not a wire name"
        );
    }
}

#[test]
fn selection_values_that_collide_stay_distinct() {
    let all = [
        "draft", "Draft", "", "1", "unknown", "other", "Self", "type",
    ];
    assert_eq!(State::VALUES, all);
    for v in all {
        assert_eq!(State::from_wire(v).as_wire(), v);
        assert!(!matches!(State::from_wire(v), State::Unknown(_)), "{v:?}");
    }
    assert_eq!(State::from_wire("later"), State::Unknown("later".into()));
    let mut r = record();
    r["state"] = json!("cancelled_in_v20");
    let x: XHostile = serde_json::from_value(r).unwrap();
    assert_eq!(x.state, Some(State::Unknown("cancelled_in_v20".into())));
}

#[test]
fn wrong_types_are_errors_naming_the_field() {
    let mut r = record();
    r["count"] = json!("three");
    let e = serde_json::from_value::<XHostile>(r)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("field `count`: "), "{e}");
    let mut r = record();
    r["move"] = json!({"no": "id"});
    let e = serde_json::from_value::<XHostile>(r)
        .unwrap_err()
        .to_string();
    assert!(e.contains("field `move`"), "{e}");
    let e = serde_json::from_value::<XHostile>(json!({"type": "x"}))
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing field `id`"), "{e}");
    assert!(serde_json::from_value::<XHostile>(json!([1, 2])).is_err());
}

#[test]
fn values_use_wire_names_and_typed_commands() {
    let u = XHostileUpdate::new()
        .r#type("t")
        .set_new("n")
        .state(State::Unknown("custom".into()))
        .pr_u00e9_nom("é")
        .missing_ids([
            runtime::odoo::wire::Command::link(4),
            runtime::odoo::wire::Command::clear(),
        ])
        .clear(x_hostile::fields::r#ref());
    assert_eq!(
        serde_json::to_value(&u).unwrap(),
        json!({"type": "t", "new": "n", "state": "custom", "prénom": "é",
               "missing_ids": [[4, 4, 0], [5, 0, 0]], "ref": false})
    );
    let d = x_hostile::fields::state().in_([State::draft, State::Empty])
        & x_hostile::fields::r#move().child_of(1);
    assert_eq!(
        d.into_value(),
        json!(["&", ["state", "in", ["draft", ""]], ["move", "child_of", 1]])
    );
}
