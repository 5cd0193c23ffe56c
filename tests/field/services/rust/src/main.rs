use std::{env, thread, time::Duration};

fn main() {
    let host = env::var("HOST").unwrap_or_else(|_| "0.0.0.0".to_string());
    let port = env::var("PORT").unwrap_or_else(|_| "8080".to_string());
    let fail = env::var("FAIL_PERCENT").ok().and_then(|p| p.parse().ok()).unwrap_or(0);
    let bound = inventory::serve(&format!("{host}:{port}"), fail).expect("cannot listen");
    println!("inventory listening on {host}:{bound}");
    loop {
        thread::sleep(Duration::from_secs(3600));
    }
}
