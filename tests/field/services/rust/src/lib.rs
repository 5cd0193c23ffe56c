//! The inventory sample service: `/`, `/healthz`, `/metrics` and `POST /admin/faults?percent=N`.
//! Standard library only, so that `cargo test` needs no registry.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

pub const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// `http_requests_total{code,method,path}` and the `http_request_duration_seconds` histogram.
#[derive(Default)]
pub struct Metrics {
    requests: BTreeMap<(u16, String, String), u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    pub fn observe(&mut self, method: &str, path: &str, code: u16, seconds: f64) {
        *self.requests.entry((code, method.to_string(), path.to_string())).or_insert(0) += 1;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.buckets[i] += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }

    pub fn render(&self) -> String {
        let mut out = String::from("# HELP http_requests_total Requests served.\n# TYPE http_requests_total counter\n");
        for ((code, method, path), n) in &self.requests {
            out += &format!("http_requests_total{{code=\"{code}\",method=\"{method}\",path=\"{path}\"}} {n}\n");
        }
        out += "# HELP http_request_duration_seconds Time to serve a request.\n";
        out += "# TYPE http_request_duration_seconds histogram\n";
        for (bound, n) in BUCKETS.iter().zip(self.buckets.iter()) {
            out += &format!("http_request_duration_seconds_bucket{{le=\"{bound}\"}} {n}\n");
        }
        out += &format!("http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", self.count);
        out += &format!("http_request_duration_seconds_sum {}\n", self.sum);
        out += &format!("http_request_duration_seconds_count {}\n", self.count);
        out
    }
}

/// Turns exactly `percent` % of responses into 5xx, spread evenly (request n fails when n*p/100 steps up).
pub struct Faults {
    percent: u64,
    served: u64,
}

impl Faults {
    pub fn new(percent: u64) -> Result<Self, String> {
        let mut faults = Faults { percent: 0, served: 0 };
        faults.set(percent)?;
        Ok(faults)
    }

    pub fn set(&mut self, percent: u64) -> Result<(), String> {
        if percent > 100 {
            return Err("percent must be 0..100".to_string());
        }
        self.percent = percent;
        Ok(())
    }

    pub fn next_fails(&mut self) -> bool {
        self.served += 1;
        let n = self.served;
        n * self.percent / 100 > (n - 1) * self.percent / 100
    }
}

struct State {
    metrics: Mutex<Metrics>,
    faults: Mutex<Faults>,
}

/// Binds `addr` and serves in a background thread; returns the bound port.
pub fn serve(addr: &str, fail_percent: u64) -> std::io::Result<u16> {
    let listener = TcpListener::bind(addr)?;
    let port = listener.local_addr()?.port();
    let faults = Faults::new(fail_percent).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let state = Arc::new(State { metrics: Mutex::new(Metrics::default()), faults: Mutex::new(faults) });
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let state = Arc::clone(&state);
            thread::spawn(move || {
                let _ = handle(stream, &state);
            });
        }
    });
    Ok(port)
}

fn handle(mut stream: TcpStream, state: &State) -> std::io::Result<()> {
    let started = Instant::now();
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    let (code, body, counted) = match (method.as_str(), path) {
        ("GET", "/metrics") => (200, state.metrics.lock().unwrap().render(), false),
        ("POST", "/admin/faults") => {
            let percent = query.strip_prefix("percent=").and_then(|p| p.parse::<u64>().ok());
            match percent.map(|p| state.faults.lock().unwrap().set(p)) {
                Some(Ok(())) => (204, String::new(), false),
                _ => (400, "percent must be 0..100\n".to_string(), false),
            }
        }
        ("GET", "/healthz") => (200, "ok\n".to_string(), true),
        ("GET", "/") => {
            if state.faults.lock().unwrap().next_fails() {
                (500, "injected fault\n".to_string(), true)
            } else {
                (200, "{\"service\":\"inventory\",\"items\":3}\n".to_string(), true)
            }
        }
        _ => (404, "not found\n".to_string(), true),
    };
    let reason = match code {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Internal Server Error",
    };
    write!(stream, "HTTP/1.1 {code} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
           body.len())?;
    stream.flush()?;
    if counted {
        state.metrics.lock().unwrap().observe(&method, path, code, started.elapsed().as_secs_f64());
    }
    Ok(())
}
