// The container demo's hello world.
fn main() {
    println!("你好,Docker+Wasm!");
}
