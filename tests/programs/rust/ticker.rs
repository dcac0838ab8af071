// Prints a line once a second, forever (sleeps through poll_oneoff).
use std::io::Write;
use std::{thread, time::Duration};

fn main() {
    loop {
        println!("Hello, World!");
        std::io::stdout().flush().unwrap();
        thread::sleep(Duration::from_secs(1));
    }
}
