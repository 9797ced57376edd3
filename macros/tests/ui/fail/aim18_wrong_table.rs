// The rows of `#[model(table = "sot")]` must be rows of `sot`.
use runtime::Model;

#[derive(Model)]
#[model(aim18 = "oldso", menu_code = "oldso")]
struct Order {
    id: i64,
    #[model(table = "sot")]
    lines: Vec<Remark>,
}

#[derive(Model)]
#[model(table = "remso")]
struct Remark {
    remark: Option<String>,
}

fn main() {}
