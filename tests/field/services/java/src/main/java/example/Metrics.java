package example;

import java.util.Map;
import java.util.TreeMap;

/** Prometheus text exposition of http_requests_total and the http_request_duration_seconds histogram. */
public final class Metrics {
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private final Map<String, Long> requests = new TreeMap<>();
    private final long[] bucketCounts = new long[BUCKETS.length];
    private long count;
    private double sum;

    public synchronized void observe(String method, String path, int code, double seconds) {
        String key = "code=\"" + code + "\",method=\"" + method + "\",path=\"" + path + "\"";
        requests.merge(key, 1L, Long::sum);
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                bucketCounts[i]++;
            }
        }
        count++;
        sum += seconds;
    }

    public synchronized String render() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP http_requests_total Requests served.\n# TYPE http_requests_total counter\n");
        requests.forEach((labels, n) -> out.append("http_requests_total{").append(labels).append("} ").append(n).append('\n'));
        out.append("# HELP http_request_duration_seconds Time to serve a request.\n");
        out.append("# TYPE http_request_duration_seconds histogram\n");
        for (int i = 0; i < BUCKETS.length; i++) {
            out.append("http_request_duration_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ")
               .append(bucketCounts[i]).append('\n');
        }
        out.append("http_request_duration_seconds_bucket{le=\"+Inf\"} ").append(count).append('\n');
        out.append("http_request_duration_seconds_sum ").append(sum).append('\n');
        out.append("http_request_duration_seconds_count ").append(count).append('\n');
        return out.toString();
    }
}
