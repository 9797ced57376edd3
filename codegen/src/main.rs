fn main() {
    println!("usage: codegen");
}
