// Types the macro cannot judge by name reach the runtime's trait bounds.
use runtime::Model;

#[derive(Model)]
#[model(aim18 = "oldso", menu_code = "oldso")]
struct Order {
    id: i64,
    timeout: std::time::Duration,
    #[model(table = "sot")]
    lines: Vec<NotARow>,
}

struct NotARow;

fn main() {}
