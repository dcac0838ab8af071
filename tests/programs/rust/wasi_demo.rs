// Exercises what a typical CLI program asks of WASI: random numbers, stdio,
// env, args and files in a preopened directory.
use std::env;
use std::fs;
use std::io::{self, Read, Write};

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn random_get(buf: *mut u8, len: usize) -> u16;
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    let errno = unsafe { random_get(buf.as_mut_ptr(), buf.len()) };
    assert_eq!(errno, 0, "random_get failed");
    buf
}

fn main() {
    let b = random_bytes(4);
    println!("Random number: {}", u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    println!("Random bytes: {:?}", random_bytes(8));

    let mut input = String::new();
    io::stdin().read_to_string(&mut input).expect("read stdin");
    println!("Echo: {}", input.trim_end());

    let mut vars: Vec<(String, String)> = env::vars().collect();
    vars.sort();
    for (k, v) in vars {
        println!("Env: {}={}", k, v);
    }
    for (i, a) in env::args().enumerate().skip(1) {
        println!("Arg {}: {}", i, a);
    }

    let path = "tmp.txt";
    fs::write(path, "This is in a file").expect("create file");
    let back = fs::read_to_string(path).expect("read file");
    println!("File content is {}", back);
    fs::remove_file(path).expect("delete file");
    println!("File exists after delete: {}", fs::metadata(path).is_ok());
    io::stdout().flush().unwrap();
}
