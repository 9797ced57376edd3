//! The fake's modules: table layouts (what the create service returns as the
//! empty entity), seeded records, and the save-time checks that produce CheckMsgs.
//!
//! Layouts follow the research notes: `employee` (tables `employee`,
//! `employeepic`, `employee_attach`), `cus` (`cus`, contacts in `cust`),
//! `oldso` (`mainso`, lines `sot`, remarks `remso`) and `po` (`mainpo`, `pot`).
//! The aiM18 code generator reads these templates, so keep them stable:
//! column order is the order written here, and nothing depends on the clock.

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// A Java column type as aiM18 reports it in an SqlTable's `fields`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JType {
    Long,
    Integer,
    Double,
    BigDecimal,
    Str,
    Boolean,
    /// `java.sql.Date`, classType 21: javaapi's `Util.getClassType` gives
    /// every `java.util.Date` subclass DateTime (21).
    Date,
    /// `java.util.Date`, classType 21 (as in the official SqlTable example).
    DateTime,
    Timestamp,
    Image,
    /// `byte[]`, classType 99.
    Bytes,
}

impl JType {
    pub(crate) fn field_class(self) -> &'static str {
        match self {
            JType::Long => "java.lang.Long",
            JType::Integer => "java.lang.Integer",
            JType::Double => "java.lang.Double",
            JType::BigDecimal => "java.math.BigDecimal",
            JType::Str => "java.lang.String",
            JType::Boolean => "java.lang.Boolean",
            JType::Date => "java.sql.Date",
            JType::DateTime => "java.util.Date",
            JType::Timestamp => "java.sql.Timestamp",
            JType::Image => "java.awt.Image",
            JType::Bytes => "[B",
        }
    }

    pub(crate) fn field_class_name(self) -> &'static str {
        match self {
            JType::Long => "Long",
            JType::Integer => "Integer",
            JType::Double => "Double",
            JType::BigDecimal => "BigDecimal",
            JType::Str => "String",
            JType::Boolean => "Boolean",
            JType::Date | JType::DateTime => "Date",
            JType::Timestamp => "Timestamp",
            JType::Image => "Image",
            JType::Bytes => "byte[]",
        }
    }

    pub(crate) fn class_type(self) -> i64 {
        match self {
            JType::Str => 0,
            JType::Boolean => 3,
            JType::Long | JType::Integer | JType::Double | JType::BigDecimal => 10,
            JType::Date | JType::DateTime | JType::Timestamp => 21,
            JType::Image => 90,
            JType::Bytes => 99,
        }
    }

    /// Value of the column in a new record. `None`: left out, as fastjson
    /// leaves out null fields.
    fn default_value(self) -> Option<Value> {
        match self {
            JType::Long | JType::Integer => Some(json!(0)),
            JType::Double | JType::BigDecimal => Some(json!(0.0)),
            JType::Str => Some(json!("")),
            JType::Boolean => Some(json!(false)),
            _ => None,
        }
    }
}

pub(crate) struct TableDef {
    pub name: &'static str,
    pub cols: &'static [(&'static str, JType)],
}

impl TableDef {
    pub(crate) fn col(&self, name: &str) -> Option<JType> {
        self.cols.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    pub(crate) fn fields_json(&self) -> Value {
        Value::Array(
            self.cols
                .iter()
                .map(|(name, t)| {
                    json!({
                        "name": name,
                        "fieldClassName": t.field_class_name(),
                        "fieldClass": t.field_class(),
                        "classType": t.class_type(),
                    })
                })
                .collect(),
        )
    }

    pub(crate) fn default_row(&self) -> Map<String, Value> {
        self.cols
            .iter()
            .filter_map(|(n, t)| t.default_value().map(|v| (n.to_string(), v)))
            .collect()
    }

    /// SqlTable JSON: `{name, size, fields, values}`.
    pub(crate) fn table_json(&self, rows: &[Map<String, Value>]) -> Value {
        json!({
            "name": self.name,
            "size": rows.len(),
            "fields": self.fields_json(),
            "values": rows,
        })
    }
}

pub(crate) struct ModuleDef {
    pub module: &'static str,
    pub menu_codes: &'static [&'static str],
    /// `stSearchDisplay` of the module's search.
    pub display: &'static str,
    pub main: TableDef,
    pub subs: &'static [TableDef],
    /// Main-table columns that must be non-empty on save.
    pub required: &'static [&'static str],
    /// Main-table columns that hold the id of a record of another module.
    pub references: &'static [(&'static str, &'static str)],
    /// Whether the search needs `beId` (the customer list doc marks it required).
    pub search_needs_be: bool,
    /// Line table whose `qty` must be positive.
    pub line_table: Option<&'static str>,
}

impl ModuleDef {
    pub(crate) fn table(&self, name: &str) -> Option<&TableDef> {
        std::iter::once(&self.main)
            .chain(self.subs.iter())
            .find(|t| t.name == name)
    }

    pub(crate) fn sub_table_names(&self) -> String {
        self.subs
            .iter()
            .map(|t| t.name)
            .collect::<Vec<_>>()
            .join(";")
    }

    /// SqlEntity JSON with each table embedded as a JSON string (the documented
    /// form) or as a nested object.
    pub(crate) fn entity_json(&self, record: &Record, tables_as_strings: bool) -> Value {
        let mut entity = Map::new();
        entity.insert("moduleType".into(), json!(self.module));
        entity.insert("mainTableName".into(), json!(self.main.name));
        entity.insert("subTableNames".into(), json!(self.sub_table_names()));
        let embed = |v: Value| {
            if tables_as_strings {
                Value::String(v.to_string())
            } else {
                v
            }
        };
        entity.insert(
            self.main.name.into(),
            embed(self.main.table_json(std::slice::from_ref(&record.main))),
        );
        for sub in self.subs {
            let rows = record.subs.get(sub.name).cloned().unwrap_or_default();
            entity.insert(sub.name.into(), embed(sub.table_json(&rows)));
        }
        Value::Object(entity)
    }

    /// The record the create service starts from: one main row of defaults,
    /// empty sub tables.
    pub(crate) fn new_record(&self) -> Record {
        Record {
            id: 0,
            main: self.main.default_row(),
            subs: self
                .subs
                .iter()
                .map(|t| (t.name.to_string(), Vec::new()))
                .collect(),
        }
    }
}

/// One stored record of a module.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: i64,
    /// The single row of the main table.
    pub main: Map<String, Value>,
    /// Sub table name → rows.
    pub subs: BTreeMap<String, Vec<Map<String, Value>>>,
}

impl Record {
    pub fn code(&self) -> &str {
        self.main.get("code").and_then(Value::as_str).unwrap_or("")
    }
}

use JType::*;

pub(crate) static MODULES: &[ModuleDef] = &[
    ModuleDef {
        module: "employee",
        menu_codes: &["employee"],
        display: "Employee",
        main: TableDef {
            name: "employee",
            cols: &[
                ("id", Long),
                ("code", Str),
                ("desc_en", Str),
                ("desc_zh-CN", Str),
                ("desc_zh-TW", Str),
                ("email", Str),
                ("tel", Str),
                ("deptId", Long),
                ("joinDate", Date),
                ("active", Boolean),
                ("iRev", Integer),
                ("lastModifyUid", Long),
                ("lastModifyDate", DateTime),
            ],
        },
        subs: &[
            TableDef {
                name: "employeepic",
                cols: &[
                    ("id", Long),
                    ("hId", Long),
                    ("itemNo", Str),
                    ("photo", Image),
                    ("photoCode", Str),
                ],
            },
            TableDef {
                name: "employee_attach",
                cols: &[
                    ("id", Long),
                    ("hId", Long),
                    ("itemNo", Str),
                    ("fileName", Str),
                    ("fileData", Bytes),
                    ("uploadDate", Timestamp),
                ],
            },
        ],
        required: &["code", "desc_en"],
        references: &[],
        search_needs_be: false,
        line_table: None,
    },
    ModuleDef {
        module: "cus",
        menu_codes: &["cus"],
        display: "Customer",
        main: TableDef {
            name: "cus",
            cols: &[
                ("id", Long),
                ("code", Str),
                ("beId", Long),
                ("desc_en", Str),
                ("desc_zh-CN", Str),
                ("desc_zh-TW", Str),
                ("tel", Str),
                ("email", Str),
                ("curId", Long),
                ("creditLimit", BigDecimal),
                ("inactive", Boolean),
                ("regDate", Date),
                ("iRev", Integer),
                ("lastModifyUid", Long),
                ("lastModifyDate", DateTime),
            ],
        },
        subs: &[TableDef {
            name: "cust",
            cols: &[
                ("id", Long),
                ("hId", Long),
                ("itemNo", Str),
                ("contact", Str),
                ("tel", Str),
                ("email", Str),
                ("isDefault", Boolean),
            ],
        }],
        required: &["code", "desc_en"],
        references: &[],
        search_needs_be: true,
        line_table: None,
    },
    ModuleDef {
        module: "oldso",
        menu_codes: &["oldso"],
        display: "Sales Order",
        main: TableDef {
            name: "mainso",
            cols: &[
                ("id", Long),
                ("code", Str),
                ("beId", Long),
                ("tDate", Date),
                ("cusId", Long),
                ("staffId", Long),
                ("flowTypeId", Long),
                ("curId", Long),
                ("rate", Double),
                ("amt", BigDecimal),
                ("manId", Long),
                ("cuspono", Str),
                ("dDate", Date),
                ("cusDDate", Date),
                ("status", Str),
                ("iRev", Integer),
                ("lastModifyUid", Long),
                ("lastModifyDate", DateTime),
            ],
        },
        subs: &[
            TableDef {
                name: "sot",
                cols: &[
                    ("id", Long),
                    ("hId", Long),
                    ("itemNo", Str),
                    ("sourceType", Str),
                    ("proId", Long),
                    ("unitId", Long),
                    ("qty", BigDecimal),
                    ("up", BigDecimal),
                    ("disc", Double),
                    ("amt", BigDecimal),
                    ("bDesc_en", Str),
                    ("dDesc_en", Str),
                    ("dDate", Date),
                    ("cusDDate", Date),
                ],
            },
            TableDef {
                name: "remso",
                cols: &[("id", Long), ("hId", Long), ("remark", Str)],
            },
        ],
        required: &["tDate", "cusId"],
        references: &[("cusId", "cus"), ("staffId", "employee")],
        search_needs_be: true,
        line_table: Some("sot"),
    },
    ModuleDef {
        module: "po",
        menu_codes: &["po"],
        display: "Purchase Order",
        main: TableDef {
            name: "mainpo",
            cols: &[
                ("id", Long),
                ("code", Str),
                ("beId", Long),
                ("tDate", Date),
                ("venId", Long),
                ("staffId", Long),
                ("curId", Long),
                ("rate", Double),
                ("amt", BigDecimal),
                ("dDate", Date),
                ("status", Str),
                ("iRev", Integer),
                ("lastModifyUid", Long),
                ("lastModifyDate", DateTime),
            ],
        },
        subs: &[TableDef {
            name: "pot",
            cols: &[
                ("id", Long),
                ("hId", Long),
                ("itemNo", Str),
                ("proId", Long),
                ("unitId", Long),
                ("qty", BigDecimal),
                ("up", BigDecimal),
                ("amt", BigDecimal),
                ("dDate", Date),
            ],
        }],
        required: &["tDate", "venId"],
        references: &[("staffId", "employee")],
        search_needs_be: true,
        line_table: Some("pot"),
    },
];

pub(crate) fn module(name: &str) -> Option<&'static ModuleDef> {
    MODULES.iter().find(|m| m.module == name)
}

/// The module whose menu code is `menu` (the `root/api` paths name menus).
pub(crate) fn module_by_menu(menu: &str) -> Option<&'static ModuleDef> {
    MODULES.iter().find(|m| m.menu_codes.contains(&menu))
}

fn row(pairs: Value) -> Map<String, Value> {
    match pairs {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Seeded data: 12 employees, 255 customers (250 in business entity 1, 5 in
/// business entity 2), 30 sales orders with lines, 10 purchase orders.
///
/// A few customers store booleans and dates in the other forms aiM18 emits
/// (`"Y"`, `1`, `"TRUE"`, date-only `lastModifyDate`) so clients meet them.
pub(crate) fn seed() -> BTreeMap<&'static str, BTreeMap<i64, Record>> {
    let mut all = BTreeMap::new();

    let names = [
        "Chan Tai Man",
        "Wong Siu Ming",
        "Lee Ka Yan",
        "Cheung Wing",
        "Lam Mei Ling",
        "Ho Chi Keung",
        "Ng Suk Fan",
        "Leung Kwok",
        "Tsang Yee",
        "Yip Man Kit",
        "Kwan Lai",
        "Fung Hoi",
    ];
    let mut employees = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        let id = i as i64 + 1;
        let mut subs = BTreeMap::new();
        let pics = if id == 1 {
            vec![row(
                json!({"id": 1, "hId": 1, "itemNo": "  1", "photo": "iVBORw0KGgo=", "photoCode": "P1"}),
            )]
        } else {
            vec![]
        };
        subs.insert("employeepic".to_string(), pics);
        subs.insert("employee_attach".to_string(), vec![]);
        employees.insert(
            id,
            Record {
                id,
                main: row(json!({
                    "id": id,
                    "code": format!("E{id:03}"),
                    "desc_en": name,
                    "desc_zh-CN": "",
                    "desc_zh-TW": "",
                    "email": format!("e{id:03}@example.com"),
                    "tel": format!("2{id:07}"),
                    "deptId": 1 + id % 3,
                    "joinDate": format!("2019-{:02}-01", 1 + i % 12),
                    "active": id % 5 != 0,
                    "iRev": 1,
                    "lastModifyUid": 1,
                    "lastModifyDate": "2023-06-30 09:15:00",
                })),
                subs,
            },
        );
    }
    all.insert("employee", employees);

    let mut customers = BTreeMap::new();
    for id in 1..=255i64 {
        let be = if id <= 250 { 1 } else { 2 };
        // Mixed boolean and date forms on a handful of rows.
        let inactive = match id {
            3 => json!("Y"),
            4 => json!("N"),
            5 => json!(1),
            6 => json!("TRUE"),
            7 => json!(0),
            _ => json!(id % 50 == 0),
        };
        let last = if id == 8 {
            json!("2021-01-27")
        } else {
            json!(format!(
                "2021-{:02}-{:02} 16:02:{:02}",
                1 + id % 12,
                1 + id % 28,
                id % 60
            ))
        };
        let mut subs = BTreeMap::new();
        let contacts = if id % 10 == 1 {
            vec![
                row(
                    json!({"id": id * 10 + 1, "hId": id, "itemNo": "  1", "contact": format!("Buyer {id}"), "tel": format!("3{id:07}"), "email": format!("buyer{id}@example.com"), "isDefault": true}),
                ),
                row(
                    json!({"id": id * 10 + 2, "hId": id, "itemNo": "  2", "contact": format!("Accounts {id}"), "tel": "", "email": format!("ap{id}@example.com"), "isDefault": false}),
                ),
            ]
        } else {
            vec![]
        };
        subs.insert("cust".to_string(), contacts);
        customers.insert(
            id,
            Record {
                id,
                main: row(json!({
                    "id": id,
                    "code": format!("C{id:04}"),
                    "beId": be,
                    "desc_en": format!("Customer {id}"),
                    "desc_zh-CN": format!("客户{id}"),
                    "desc_zh-TW": format!("客戶{id}"),
                    "tel": format!("2{id:07}"),
                    "email": format!("c{id:04}@example.com"),
                    "curId": 1,
                    "creditLimit": (id % 7) as f64 * 10000.0,
                    "inactive": inactive,
                    "regDate": format!("2020-{:02}-{:02}", 1 + id % 12, 1 + id % 28),
                    "iRev": 1 + id % 3,
                    "lastModifyUid": 1,
                    "lastModifyDate": last,
                })),
                subs,
            },
        );
    }
    all.insert("cus", customers);

    let mut orders = BTreeMap::new();
    let mut line_id = 1i64;
    for id in 1..=30i64 {
        let mut lines = Vec::new();
        let mut total = 0.0;
        for n in 1..=(1 + id % 3) {
            let qty = (n * 2) as f64;
            let up = 12.5 * n as f64;
            let amt = qty * up;
            total += amt;
            lines.push(row(json!({
                "id": line_id, "hId": id, "itemNo": format!("{n:>3}"), "sourceType": "pro",
                "proId": 100 + n, "unitId": 1, "qty": qty, "up": up, "disc": 0.0, "amt": amt,
                "bDesc_en": format!("Product {}", 100 + n), "dDesc_en": "",
                "dDate": "2024-03-15", "cusDDate": "2024-03-20",
            })));
            line_id += 1;
        }
        let mut subs = BTreeMap::new();
        subs.insert("sot".to_string(), lines);
        subs.insert(
            "remso".to_string(),
            vec![row(json!({"id": id, "hId": id, "remark": ""}))],
        );
        orders.insert(
            id,
            Record {
                id,
                main: row(json!({
                    "id": id,
                    "code": format!("SO{id:06}"),
                    "beId": 1,
                    "tDate": format!("2024-03-{:02}", 1 + id % 28),
                    "cusId": 1 + (id * 7) % 250,
                    "staffId": 1 + id % 12,
                    "flowTypeId": 1,
                    "curId": 1,
                    "rate": 1.0,
                    "amt": total,
                    "manId": 0,
                    "cuspono": format!("PO-CUS-{id}"),
                    "dDate": "2024-03-15",
                    "cusDDate": "2024-03-20",
                    "status": "Y",
                    "iRev": 1,
                    "lastModifyUid": 1,
                    "lastModifyDate": "2024-03-01 10:00:00",
                })),
                subs,
            },
        );
    }
    all.insert("oldso", orders);

    let mut pos = BTreeMap::new();
    for id in 1..=10i64 {
        let lines = vec![row(json!({
            "id": id, "hId": id, "itemNo": "  1", "proId": 200 + id, "unitId": 1,
            "qty": 10.0, "up": 3.5, "amt": 35.0, "dDate": "2024-04-10",
        }))];
        let mut subs = BTreeMap::new();
        subs.insert("pot".to_string(), lines);
        pos.insert(
            id,
            Record {
                id,
                main: row(json!({
                    "id": id,
                    "code": format!("PO{id:06}"),
                    "beId": 1,
                    "tDate": "2024-04-01",
                    "venId": 1 + id % 4,
                    "staffId": 1 + id % 12,
                    "curId": 1,
                    "rate": 1.0,
                    "amt": 35.0,
                    "dDate": "2024-04-10",
                    "status": "Y",
                    "iRev": 1,
                    "lastModifyUid": 1,
                    "lastModifyDate": "2024-04-01 08:30:00",
                })),
                subs,
            },
        );
    }
    all.insert("po", pos);
    all
}

/// A CheckMsg as aiM18 serialises it (fields from `com.multiable.javaapi.base.CheckMsg`).
pub(crate) fn check_msg(key: &str, info: &str, locators: Vec<Value>) -> Value {
    json!({
        "pass": false,
        "type": "Error",
        "id": 0,
        "key": key,
        "info": info,
        "info_desc": info,
        "trace": "",
        "exception": "",
        "jsonStr": "",
        "locators": locators,
        "htmlMessage": false,
    })
}

/// A MsgLocator pointing at one cell (`row` 0 for the main table, 1-based for lines).
pub(crate) fn locator(table: &str, col: &str, row: usize, id: i64) -> Value {
    let key = if row == 0 {
        format!("{table}.{col}")
    } else {
        format!("{table}.{col}.{row}")
    };
    json!({
        "tableName": table,
        "colName": col,
        "id": id,
        "row": row,
        "type": "Field",
        "locatorKey": key,
        "tableMess": table,
        "colMess": col,
    })
}

fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Save-time checks: required columns, references, unique code, positive
/// line quantities. Returns the CheckMsgs (empty = the record may be saved).
pub(crate) fn validate(
    def: &ModuleDef,
    record: &Record,
    store: &BTreeMap<&'static str, BTreeMap<i64, Record>>,
) -> Vec<Value> {
    let mut msgs = Vec::new();
    let main = def.main.name;
    for col in def.required {
        if is_empty(record.main.get(*col)) {
            msgs.push(check_msg(
                "core_101905",
                &format!("{col} is required"),
                vec![locator(main, col, 0, record.id)],
            ));
        }
    }
    for (col, target) in def.references {
        let Some(id) = number(record.main.get(*col)) else {
            continue;
        };
        if id != 0.0
            && !store
                .get(target)
                .is_some_and(|m| m.contains_key(&(id as i64)))
        {
            msgs.push(check_msg(
                "core_141019",
                &format!("{col}: record {id} of {target} not found"),
                vec![locator(main, col, 0, record.id)],
            ));
        }
    }
    let code = record.code();
    if !code.is_empty()
        && store.get(def.module).is_some_and(|records| {
            records
                .values()
                .any(|r| r.id != record.id && r.code() == code)
        })
    {
        msgs.push(check_msg(
            "fake_duplicate_code",
            &format!("code {code} already exists"),
            vec![locator(main, "code", 0, record.id)],
        ));
    }
    if let Some(lines) = def.line_table {
        for (i, line) in record.subs.get(lines).into_iter().flatten().enumerate() {
            if number(line.get("qty")).is_none_or(|q| q <= 0.0) {
                let id = line.get("id").and_then(Value::as_i64).unwrap_or(0);
                msgs.push(check_msg(
                    "fake_qty_positive",
                    &format!("line {}: qty must be positive", i + 1),
                    vec![locator(lines, "qty", i + 1, id)],
                ));
            }
        }
    }
    msgs
}
