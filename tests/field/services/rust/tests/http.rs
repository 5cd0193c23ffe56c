use std::io::{Read, Write};
use std::net::TcpStream;

use inventory::{Faults, Metrics};

fn call(port: u16, method: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let code = answer[9..12].parse().unwrap();
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (code, body)
}

#[test]
fn healthz_answers_ok() {
    let port = inventory::serve("127.0.0.1:0", 0).unwrap();
    assert_eq!(call(port, "GET", "/healthz"), (200, "ok\n".to_string()));
}

#[test]
fn metrics_count_requests_by_code() {
    let port = inventory::serve("127.0.0.1:0", 0).unwrap();
    call(port, "GET", "/");
    call(port, "GET", "/missing");
    let (_, text) = call(port, "GET", "/metrics");
    assert!(text.contains("http_requests_total{code=\"200\",method=\"GET\",path=\"/\"} 1"), "{text}");
    assert!(text.contains("http_requests_total{code=\"404\",method=\"GET\",path=\"/missing\"} 1"), "{text}");
    assert!(text.contains("http_request_duration_seconds_count 2"), "{text}");
}

#[test]
fn fault_switch_turns_ten_percent_into_5xx() {
    let port = inventory::serve("127.0.0.1:0", 0).unwrap();
    assert_eq!(call(port, "POST", "/admin/faults?percent=10").0, 204);
    let failed = (0..50).filter(|_| call(port, "GET", "/").0 == 500).count();
    assert_eq!(failed, 5);
    assert_eq!(call(port, "POST", "/admin/faults?percent=x").0, 400);
}

#[test]
fn faults_spread_evenly_and_buckets_are_cumulative() {
    let mut faults = Faults::new(10).unwrap();
    assert_eq!((0..20).filter(|_| faults.next_fails()).count(), 2);
    assert!(Faults::new(101).is_err());
    let mut metrics = Metrics::default();
    metrics.observe("GET", "/", 200, 0.02);
    metrics.observe("GET", "/", 500, 3.0);
    let text = metrics.render();
    assert!(text.contains("http_request_duration_seconds_bucket{le=\"0.025\"} 1"), "{text}");
    assert!(text.contains("http_request_duration_seconds_bucket{le=\"5\"} 2"), "{text}");
}
